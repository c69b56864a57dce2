"""Write forms of agreements (with parties), parties and amounts.

They parse and check the input's shape; the record itself is validated, checked
for rights and saved by the write layer (``deals.services``), whose refusals
come back as 400 (invalid, under the API's field names) or 403 (rights).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from deposits.models import Commodity, Deposit
from minerals_portal.api.fields import LooseDateField
from minerals_portal.api.writing import api_error, clean_model

from ..models import Agreement, AgreementParty, Amount, Company, Deal
from ..representations.agreement import (
    AgreementRepresentation,
    PartyEntryRepresentation,
    PartyRepresentation,
)
from ..services import agreements as agreement_service
from ..services import amounts as amount_service

AGREEMENT_ALIASES = {
    "announced_on": "announced",
    "announced_on_precision": "announced",
    "signed_on": "signed",
    "signed_on_precision": "signed",
    "stake": "parties",  # the stake total spans the whole list
}
STAKE_RANGE_MESSAGE = "A stake lies between 0 and 100 %."


def slug_of(model, **kwargs):
    return serializers.SlugRelatedField(slug_field="slug", queryset=model.objects.all(), **kwargs)


def check_stake_range(stake):
    """Checked here because the model constraint's message cannot be formatted (bare %)."""
    if stake is not None and not 0 < stake <= 100:
        raise serializers.ValidationError(STAKE_RANGE_MESSAGE)
    return stake


class ModelLengths:
    """Leave text length to the model's own validation, so the API's refusal reads as the
    admin's and the importer's (DRF would answer first, in its own words)."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        kwargs.pop("max_length", None)
        return field_class, kwargs


class DeclaredFields:
    """The fields are the representation's writable ones, read when the form is built."""

    representation = None

    def get_field_names(self, declared_fields, info):
        return self.representation.write_fields()


class ServiceWrite(ModelLengths, serializers.ModelSerializer):
    """``create``/``update`` hand the record to the write layer (``service``, a
    ``deals.services`` function) as the requesting user."""

    aliases: dict[str, str] = {}
    service = None

    @property
    def actor(self):
        return getattr(self.context.get("request"), "user", None)

    def write(self, service, record, **kwargs):
        try:
            return service(self.actor, record, **kwargs)
        except DjangoValidationError as exc:
            raise api_error(exc, self.aliases) from None

    def create(self, validated_data):
        return self.persist(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self.persist(instance, validated_data)

    def persist(self, record, validated_data):
        for name, value in validated_data.items():
            setattr(record, name, value)
        return self.write(type(self).service, record)


class PartyFields(serializers.Serializer):
    """What a party is written with, nested in an agreement or on its own."""

    company = slug_of(Company)
    held_via = slug_of(Company, allow_null=True, required=False)

    def validate_stake(self, stake):
        return check_stake_range(stake)


class NestedPartyWrite(PartyFields, DeclaredFields, ModelLengths, serializers.ModelSerializer):
    representation = PartyEntryRepresentation

    class Meta:
        model = AgreementParty
        validators = []


class AgreementWriteSerializer(DeclaredFields, ServiceWrite):
    """Create or change an agreement; ``parties``, when given, replaces the whole list."""

    representation = AgreementRepresentation
    slug = serializers.SlugField(
        max_length=80, required=False, help_text="Made from the title when left out."
    )
    deal = slug_of(Deal)
    announced = LooseDateField("announced_on", required=False, allow_null=True)
    signed = LooseDateField("signed_on", required=False, allow_null=True)
    deposits = slug_of(Deposit, many=True, required=False)
    commodities = slug_of(Commodity, many=True, required=False)
    parties = NestedPartyWrite(many=True, required=False)
    aliases = AGREEMENT_ALIASES

    class Meta:
        model = Agreement
        validators = []

    def validate_parties(self, parties):
        """Each row on its own (the agreement is checked by the write layer)."""
        errors, seen = {}, set()
        for index, data in enumerate(parties):
            error = {}
            try:
                clean_model(AgreementParty(**data), exclude=["agreement"])
            except serializers.ValidationError as exc:
                error = exc.detail
            key = (data["company"].pk, data["role"])
            if key in seen:
                error.setdefault("non_field_errors", []).append(
                    "This company already has this role in the agreement."
                )
            seen.add(key)
            if error:
                errors[str(index)] = error  # keyed by position, as DRF does for list items
        if errors:
            raise serializers.ValidationError(errors)
        return parties

    def persist(self, agreement, validated_data):
        m2m = {k: validated_data.pop(k) for k in ("deposits", "commodities") if k in validated_data}
        parties = validated_data.pop("parties", None)
        for name, value in validated_data.items():
            setattr(agreement, name, value)
        return self.write(agreement_service.save_agreement, agreement, parties=parties, m2m=m2m)


class PartyWriteSerializer(PartyFields, DeclaredFields, ServiceWrite):
    representation = PartyRepresentation
    service = agreement_service.save_party
    agreement = slug_of(Agreement)

    class Meta:
        model = AgreementParty
        validators = []


class AmountWriteSerializer(ServiceWrite):
    service = amount_service.save_amount
    slug = serializers.SlugField(
        max_length=80, required=False, help_text="Made from deal, kind and date when left out."
    )
    deal = slug_of(Deal)
    agreement = slug_of(Agreement, allow_null=True, required=False)
    deposit = slug_of(Deposit, allow_null=True, required=False)
    investor = slug_of(Company, allow_null=True, required=False)
    restates = slug_of(Amount, allow_null=True, required=False)
    as_of = LooseDateField("as_of", reported=True)
    aliases = {"as_of_precision": "as_of"}

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
