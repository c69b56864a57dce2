"""JSON forms of companies, deals, agreements, parties, amounts, events, sources, tombstones.

Each resource has a list form (briefs of related records) and a detail form
(everything, including ``citations``); agreements, parties and amounts also
have a write form (``writes``), saved through the write layer like the admin's.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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

from ..models import (
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
from ..representations.agreement import AgreementRepresentation, PartyRepresentation
from .figures import FacilityBrief, FigureReportSerializer
from .writes import (  # noqa: F401  (the views name every form through this module)
    AgreementWriteSerializer,
    AmountWriteSerializer,
    PartyWriteSerializer,
)

NAMES = ["slug", "name", "name_ru", "name_kk", "aliases"]


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
        fields = ["id", *NAMES, "kind", "country", "updated_at"]


class CompanyDetailSerializer(CompanyListSerializer):
    parents = ParentLink(source="parent_links", many=True, read_only=True)
    subsidiaries = SubsidiaryLink(source="child_links", many=True, read_only=True)
    agreements = CompanyRole(
        source="party_roles", many=True, read_only=True, help_text="Its roles in agreements."
    )
    owned_deposits = DepositBrief(
        many=True, read_only=True, help_text="Deposits a source says it owns."
    )
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(CompanyListSerializer.Meta):
        fields = [
            *CompanyListSerializer.Meta.fields,
            "description",
            "owned_deposits",
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
        fields = [
            "id",
            *NAMES,
            "host_country",
            "publication",
            "deposits",
            "commodities",
            "updated_at",
        ]


class DealDetailSerializer(DealListSerializer):
    regions = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True,
        help_text="Regions locating the deal (besides or instead of deposits).",
    )  # fmt: skip
    facilities = FacilityBrief(many=True, read_only=True)
    agreements = AgreementBrief(many=True, read_only=True)
    amounts = AmountBrief(many=True, read_only=True)
    events = EventBrief(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(DealListSerializer.Meta):
        fields = [
            *DealListSerializer.Meta.fields,
            "summary",
            "regions",
            "facilities",
            "agreements",
            "amounts",
            "events",
            "citations",
            "created_at",
            "version",
        ]


# --- agreements and parties ------------------------------------------------------------


# Declared once in deals.representations.agreement.
AgreementListSerializer = AgreementRepresentation.serializer()
AgreementDetailSerializer = AgreementRepresentation.serializer(detailed=True)
PartyListSerializer = PartyRepresentation.serializer()
PartyDetailSerializer = PartyRepresentation.serializer(detailed=True)


# --- amounts ------------------------------------------------------------------------


class AmountListSerializer(serializers.ModelSerializer):
    deal = DealBrief(read_only=True)
    agreement = AgreementBrief(read_only=True, allow_null=True)
    reported_with = AgreementBrief(
        many=True, read_only=True,
        help_text="Agreements the source reports the amount with, not saying whose it is.",
    )  # fmt: skip
    deposit = DepositBrief(read_only=True, allow_null=True)
    investor = CompanyBrief(read_only=True, allow_null=True)
    as_of = LooseDateField("as_of", read_only=True, reported=True)
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
            "id",
            "slug",
            "deal",
            "agreement",
            "reported_with",
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
    first_made = LooseDateField("first_as_of", read_only=True, allow_null=True, reported=True)
    reports = FigureReportSerializer(
        many=True, read_only=True,
        help_text="Every source's report of this figure; the one in use is the value.",
    )  # fmt: skip

    class Meta(AmountListSerializer.Meta):
        fields = [
            *AmountListSerializer.Meta.fields, "first_made", "reports", "citations",
            "created_at", "version",
        ]  # fmt: skip


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
            "id",
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
        fields = [
            "id", "slug", "kind", "publisher", "title", "url", "language", "published",
            "published_precision", "accessed", "updated_at",
        ]  # fmt: skip


class SourceDetailSerializer(SourceListSerializer):
    class Meta(SourceListSerializer.Meta):
        fields = [*SourceListSerializer.Meta.fields, "archive_url", "archive_sha256", "created_at"]


class TombstoneSerializer(serializers.ModelSerializer):
    resource = serializers.CharField(help_text="The resource it was listed under, e.g. agreements.")
    object_id = serializers.IntegerField(help_text="Its database id (parties have no slug).")

    class Meta:
        model = Tombstone
        fields = ["id", "resource", "object_id", "slug", "deleted_at"]
