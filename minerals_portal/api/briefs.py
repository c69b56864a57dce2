"""The brief form of each record, nested wherever another record refers to it."""

from rest_framework import serializers

from deals.models import (
    Agreement,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    Source,
)
from deposits.models import Commodity, Deposit, Region

from .fields import LooseDateField


class DepositBrief(serializers.ModelSerializer):
    class Meta:
        model = Deposit
        fields = ["slug", "name"]


class CommodityBrief(serializers.ModelSerializer):
    class Meta:
        model = Commodity
        fields = ["slug", "name", "code"]


class RegionBrief(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["slug", "name", "iso_code"]


class CompanyBrief(serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["slug", "name", "kind", "country"]


class DealBrief(serializers.ModelSerializer):
    class Meta:
        model = Deal
        fields = ["slug", "name", "publication"]


class AgreementBrief(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = ["slug", "title", "kind", "status", "publication"]


class AmountBrief(serializers.ModelSerializer):
    as_of = LooseDateField("as_of", reported=True)

    class Meta:
        model = Amount
        fields = [
            "slug",
            "kind",
            "qualifier",
            "value",
            "value_max",
            "currency",
            "as_of",
            "publication",
        ]


class EventBrief(serializers.ModelSerializer):
    date = LooseDateField("on")

    class Meta:
        model = Event
        fields = ["slug", "title", "kind", "date", "publication"]


class SourceBrief(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["slug", "publisher", "title", "url", "language", "published"]


class CitationSerializer(serializers.ModelSerializer):
    """A quoted sentence supporting a record (or one of its fields, when ``field`` is set)."""

    source = SourceBrief(read_only=True)

    class Meta:
        model = Citation
        fields = ["source", "quote", "field", "quote_kind", "unverified"]
