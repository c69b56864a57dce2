"""JSON forms of companies, deals, agreements, parties, amounts, events, sources, tombstones.

Each resource has a list form (briefs of related records) and a detail form
(everything, including ``citations``); agreements, parties and amounts also
have a write form that validates exactly as the admin does.
"""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from deposits.models import Commodity, Deposit
from minerals_portal.api.briefs import (
    AgreementBrief,
    AmountBrief,
    CitationSerializer,
    CommodityBrief,
    CompanyBrief,
    DealBrief,
    DepositBrief,
    EventBrief,
)
from minerals_portal.api.fields import LooseDateField
from minerals_portal.api.writing import clean_model, unique_slug
from minerals_portal.common.models import plain_number

from ..models import (
    Agreement,
    AgreementParty,
    Amount,
    Company,
    Deal,
    Event,
    Ownership,
    Publication,
    Source,
    Tombstone,
)
from ..models.agreements import MAX_TOTAL_STAKE
from .editorial import check_publication

NAMES = ["slug", "name", "name_ru", "name_kk", "aliases"]


def slug_of(model, **kwargs):
    return serializers.SlugRelatedField(slug_field="slug", queryset=model.objects.all(), **kwargs)


# --- companies ------------------------------------------------------------------


class ParentLink(serializers.ModelSerializer):
    company = CompanyBrief(source="parent", read_only=True)

    class Meta:
        model = Ownership
        fields = ["company", "relation", "stake_min", "stake_max"]


class SubsidiaryLink(ParentLink):
    company = CompanyBrief(source="child", read_only=True)


class CompanyRole(serializers.ModelSerializer):
    agreement = AgreementBrief(read_only=True)
    held_via = CompanyBrief(read_only=True, allow_null=True)

    class Meta:
        model = AgreementParty
        fields = ["agreement", "role", "stake", "held_via"]


class CompanyListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = [*NAMES, "kind", "country", "updated_at"]


class CompanyDetailSerializer(CompanyListSerializer):
    parents = ParentLink(source="parent_links", many=True, read_only=True)
    subsidiaries = SubsidiaryLink(source="child_links", many=True, read_only=True)
    agreements = CompanyRole(
        source="party_roles", many=True, read_only=True, help_text="Its roles in agreements."
    )
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(CompanyListSerializer.Meta):
        fields = [
            *CompanyListSerializer.Meta.fields,
            "description",
            "parents",
            "subsidiaries",
            "agreements",
            "citations",
            "created_at",
        ]


# --- deals ------------------------------------------------------------------------


class DealListSerializer(serializers.ModelSerializer):
    deposits = DepositBrief(many=True, read_only=True)
    commodities = CommodityBrief(many=True, read_only=True)

    class Meta:
        model = Deal
        fields = [*NAMES, "host_country", "publication", "deposits", "commodities", "updated_at"]


class DealDetailSerializer(DealListSerializer):
    agreements = AgreementBrief(many=True, read_only=True)
    amounts = AmountBrief(many=True, read_only=True)
    events = EventBrief(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(DealListSerializer.Meta):
        fields = [
            *DealListSerializer.Meta.fields,
            "summary",
            "agreements",
            "amounts",
            "events",
            "citations",
            "created_at",
            "version",
        ]


# --- agreements and parties ------------------------------------------------------------


class PartyEntry(serializers.ModelSerializer):
    company = CompanyBrief(read_only=True)
    held_via = CompanyBrief(read_only=True, allow_null=True)

    class Meta:
        model = AgreementParty
        fields = ["id", "company", "role", "stake", "held_via"]


class PartyEntryDetail(PartyEntry):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(PartyEntry.Meta):
        fields = [*PartyEntry.Meta.fields, "citations"]


class AgreementListSerializer(serializers.ModelSerializer):
    deal = DealBrief(read_only=True)
    announced = LooseDateField("announced_on", read_only=True, allow_null=True)
    signed = LooseDateField("signed_on", read_only=True, allow_null=True)
    parties = PartyEntry(many=True, read_only=True)
    deposits = DepositBrief(many=True, read_only=True)
    commodities = CommodityBrief(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "title",
            "deal",
            "kind",
            "status",
            "binding",
            "announced",
            "signed",
            "venue",
            "publication",
            "parties",
            "deposits",
            "commodities",
            "updated_at",
        ]


class AgreementDetailSerializer(AgreementListSerializer):
    parties = PartyEntryDetail(many=True, read_only=True)
    amounts = AmountBrief(many=True, read_only=True)
    events = EventBrief(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(AgreementListSerializer.Meta):
        fields = [
            *AgreementListSerializer.Meta.fields,
            "amounts",
            "events",
            "citations",
            "created_at",
            "version",
        ]


class PartyListSerializer(serializers.ModelSerializer):
    agreement = AgreementBrief(read_only=True)
    company = CompanyBrief(read_only=True)
    held_via = CompanyBrief(read_only=True, allow_null=True)

    class Meta:
        model = AgreementParty
        fields = ["id", "agreement", "company", "role", "stake", "held_via", "updated_at"]


class PartyDetailSerializer(PartyListSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(PartyListSerializer.Meta):
        fields = [*PartyListSerializer.Meta.fields, "citations", "created_at"]


AGREEMENT_ALIASES = {
    "announced_on": "announced",
    "announced_on_precision": "announced",
    "signed_on": "signed",
    "signed_on_precision": "signed",
}
STAKE_TOTAL_MESSAGE = "The parties' stakes total {total} %, more than 100 %."
STAKE_RANGE_MESSAGE = "A stake lies between 0 and 100 %."


def check_stake_range(stake):
    """Checked here because the model constraint's message cannot be formatted (bare %)."""
    if stake is not None and not 0 < stake <= MAX_TOTAL_STAKE:
        raise serializers.ValidationError(STAKE_RANGE_MESSAGE)
    return stake


class NestedPartyWrite(serializers.ModelSerializer):
    company = slug_of(Company)
    held_via = slug_of(Company, allow_null=True, required=False)

    class Meta:
        model = AgreementParty
        fields = ["company", "role", "stake", "held_via"]
        validators = []

    def validate_stake(self, stake):
        return check_stake_range(stake)


class AgreementWriteSerializer(serializers.ModelSerializer):
    """Create or change an agreement; ``parties``, when given, replaces the whole list."""

    slug = serializers.SlugField(
        max_length=80, required=False, help_text="Made from the title when left out."
    )
    deal = slug_of(Deal)
    announced = LooseDateField("announced_on", required=False, allow_null=True)
    signed = LooseDateField("signed_on", required=False, allow_null=True)
    deposits = slug_of(Deposit, many=True, required=False)
    commodities = slug_of(Commodity, many=True, required=False)
    parties = NestedPartyWrite(many=True, required=False)

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "deal",
            "title",
            "kind",
            "status",
            "binding",
            "venue",
            "publication",
            "announced",
            "signed",
            "deposits",
            "commodities",
            "parties",
        ]
        validators = []

    RELATIONS = ("deposits", "commodities", "parties")

    def validate(self, attrs):
        check_publication(self, self.instance and self.instance.publication, attrs)
        scalars = {k: v for k, v in attrs.items() if k not in self.RELATIONS}
        instance = self.instance or Agreement()
        for name, value in scalars.items():
            setattr(instance, name, value)
        if not instance.slug:
            instance.slug = unique_slug(Agreement, instance.title or "", "agreement")
            attrs["slug"] = instance.slug
        clean_model(instance, AGREEMENT_ALIASES)
        if "parties" in attrs:
            self.validate_party_list(attrs["parties"])
        return attrs

    def validate_party_list(self, parties):
        errors, seen, total = {}, set(), Decimal(0)
        for index, data in enumerate(parties):
            party = AgreementParty(**data)
            party.total_checked_elsewhere = True  # the list's total is checked below
            error = {}
            try:
                clean_model(party, exclude=["agreement"])
            except serializers.ValidationError as exc:
                error = exc.detail
            key = (data["company"].pk, data["role"])
            if key in seen:
                error.setdefault("non_field_errors", []).append(
                    "This company already has this role in the agreement."
                )
            seen.add(key)
            total += data.get("stake") or 0
            if error:
                errors[str(index)] = error  # keyed by position, as DRF does for list items
        if errors:
            raise serializers.ValidationError({"parties": errors})
        if total > MAX_TOTAL_STAKE:
            raise serializers.ValidationError(
                {"parties": [STAKE_TOTAL_MESSAGE.format(total=plain_number(total))]}
            )

    def create(self, validated_data):
        relations = {k: validated_data.pop(k) for k in self.RELATIONS if k in validated_data}
        agreement = Agreement.objects.create(**validated_data)
        self.save_relations(agreement, relations)
        return agreement

    def update(self, instance, validated_data):
        relations = {k: validated_data.pop(k) for k in self.RELATIONS if k in validated_data}
        for name, value in validated_data.items():
            setattr(instance, name, value)
        instance.save()
        self.save_relations(instance, relations)
        return instance

    def save_relations(self, agreement, relations):
        for name in ("deposits", "commodities"):
            if name in relations:
                getattr(agreement, name).set(relations[name])
        if "parties" in relations:
            replace_parties(agreement, relations["parties"])


def replace_parties(agreement, wanted: list[dict]):
    """Make the agreement's parties exactly ``wanted``, keeping rows (and their citations).

    Rows are matched on (company, role). Removals and stake decreases go first,
    so the running total never exceeds the final one and the database's
    100 % trigger is never tripped half-way.
    """
    existing = {(p.company_id, p.role): p for p in agreement.parties.all()}
    wanted_by_key = {(d["company"].pk, d["role"]): d for d in wanted}
    for key, party in existing.items():
        if key not in wanted_by_key:
            party.delete()
    updates, creates = [], []
    for key, data in wanted_by_key.items():
        party = existing.get(key)
        if party is None:
            creates.append(AgreementParty(agreement=agreement, **data))
            continue
        old = party.stake or 0
        for name, value in data.items():
            setattr(party, name, value)
        updates.append(((party.stake or 0) > old, party))
    for _, party in sorted(updates, key=lambda pair: pair[0]):
        party.save()
    for party in creates:
        party.save()


class PartyWriteSerializer(serializers.ModelSerializer):
    agreement = slug_of(Agreement)
    company = slug_of(Company)
    held_via = slug_of(Company, allow_null=True, required=False)

    class Meta:
        model = AgreementParty
        fields = ["agreement", "company", "role", "stake", "held_via"]
        validators = []

    def validate_stake(self, stake):
        return check_stake_range(stake)

    def validate(self, attrs):
        party = self.instance or AgreementParty()
        for name, value in attrs.items():
            setattr(party, name, value)
        clean_model(party)
        return attrs


# --- amounts ------------------------------------------------------------------------


class AmountListSerializer(serializers.ModelSerializer):
    deal = DealBrief(read_only=True)
    agreement = AgreementBrief(read_only=True, allow_null=True)
    deposit = DepositBrief(read_only=True, allow_null=True)
    investor = CompanyBrief(read_only=True, allow_null=True)
    as_of = LooseDateField("as_of", read_only=True)
    usd_value = serializers.DecimalField(
        max_digits=34,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="value in US dollars at the latest exchange rate on or before as_of; "
        "null when no rate is known.",
    )
    usd_value_max = serializers.DecimalField(
        max_digits=34, decimal_places=2, read_only=True, allow_null=True
    )
    restates = serializers.SerializerMethodField(help_text="Slug of the amount this restates.")

    class Meta:
        model = Amount
        fields = [
            "slug",
            "deal",
            "agreement",
            "deposit",
            "investor",
            "kind",
            "qualifier",
            "value",
            "value_max",
            "currency",
            "usd_value",
            "usd_value_max",
            "as_of",
            "restates",
            "publication",
            "updated_at",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_restates(self, amount):
        previous = amount.restates
        if previous is None:
            return None
        if self.context.get("show_drafts") or previous.publication == Publication.PUBLISHED:
            return previous.slug
        return None


class AmountDetailSerializer(AmountListSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(AmountListSerializer.Meta):
        fields = [*AmountListSerializer.Meta.fields, "citations", "created_at", "version"]


class AmountWriteSerializer(serializers.ModelSerializer):
    slug = serializers.SlugField(
        max_length=80, required=False, help_text="Made from deal, kind and date when left out."
    )
    deal = slug_of(Deal)
    agreement = slug_of(Agreement, allow_null=True, required=False)
    deposit = slug_of(Deposit, allow_null=True, required=False)
    investor = slug_of(Company, allow_null=True, required=False)
    restates = slug_of(Amount, allow_null=True, required=False)
    as_of = LooseDateField("as_of")

    class Meta:
        model = Amount
        fields = [
            "slug",
            "deal",
            "agreement",
            "deposit",
            "investor",
            "kind",
            "qualifier",
            "value",
            "value_max",
            "currency",
            "as_of",
            "restates",
            "publication",
        ]
        validators = []

    def validate(self, attrs):
        check_publication(self, self.instance and self.instance.publication, attrs)
        amount = self.instance or Amount()
        for name, value in attrs.items():
            setattr(amount, name, value)
        if not amount.slug:
            text = f"{amount.deal.slug} {amount.kind.replace('_', ' ')} {amount.as_of_loose.iso()}"
            amount.slug = attrs["slug"] = unique_slug(Amount, text, "amount")
        clean_model(amount, {"as_of_precision": "as_of"})
        attrs["currency"] = amount.currency  # clean() upper-cases it
        return attrs


# --- events, sources, tombstones ------------------------------------------------------


class EventListSerializer(serializers.ModelSerializer):
    date = LooseDateField("on", read_only=True)
    end = LooseDateField("end_on", read_only=True, allow_null=True)
    deal = DealBrief(read_only=True, allow_null=True)
    agreement = AgreementBrief(read_only=True, allow_null=True)
    deposits = DepositBrief(many=True, read_only=True)
    companies = CompanyBrief(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "kind",
            "date",
            "end",
            "deal",
            "agreement",
            "deposits",
            "companies",
            "publication",
            "updated_at",
        ]


class EventDetailSerializer(EventListSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(EventListSerializer.Meta):
        fields = [
            *EventListSerializer.Meta.fields,
            "description",
            "citations",
            "created_at",
            "version",
        ]


class SourceListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "publisher", "title", "url", "language", "published", "updated_at"]


class SourceDetailSerializer(SourceListSerializer):
    class Meta(SourceListSerializer.Meta):
        fields = [*SourceListSerializer.Meta.fields, "created_at"]


class TombstoneSerializer(serializers.ModelSerializer):
    resource = serializers.CharField(help_text="The resource it was listed under, e.g. agreements.")
    object_id = serializers.IntegerField(help_text="Its database id (parties have no slug).")

    class Meta:
        model = Tombstone
        fields = ["id", "resource", "object_id", "slug", "deleted_at"]
