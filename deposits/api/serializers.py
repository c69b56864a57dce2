"""JSON forms of deposits and commodities: a list form and a detail form with everything."""

from rest_framework import serializers

from minerals_portal.api.briefs import (
    CitationSerializer,
    CommodityBrief,
    DealBrief,
    DepositBrief,
    RegionBrief,
)
from minerals_portal.api.fields import LooseDateField

from ..models import Commodity, Deposit, DepositCommodity, ResourceEstimate

NAMES = ["slug", "name", "name_ru", "name_kk", "aliases"]


class DepositCommodityEntry(serializers.ModelSerializer):
    slug = serializers.CharField(source="commodity.slug")
    name = serializers.CharField(source="commodity.name")
    code = serializers.CharField(source="commodity.code")

    class Meta:
        model = DepositCommodity
        fields = ["slug", "name", "code", "role"]


class EstimateSerializer(serializers.ModelSerializer):
    commodity = CommodityBrief(read_only=True, allow_null=True)
    as_of = LooseDateField("as_of", read_only=True, allow_null=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta:
        model = ResourceEstimate
        fields = [
            "slug",
            "commodity",
            "quantity",
            "quantity_unit",
            "quantity_qualifier",
            "measured",
            "grade",
            "grade_unit",
            "depth_limit_m",
            "category",
            "reporting_code",
            "as_of",
            "citations",
        ]


class DepositListSerializer(serializers.ModelSerializer):
    regions = RegionBrief(many=True, read_only=True)
    commodities = DepositCommodityEntry(source="deposit_commodities", many=True, read_only=True)

    class Meta:
        model = Deposit
        fields = [
            "id",
            *NAMES,
            "kind",
            "stage",
            "regions",
            "commodities",
            "latitude",
            "longitude",
            "location_accuracy",
            "updated_at",
        ]


class DepositDetailSerializer(DepositListSerializer):
    estimates = EstimateSerializer(many=True, read_only=True)
    deals = DealBrief(many=True, read_only=True, help_text="Deals covering the deposit.")
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(DepositListSerializer.Meta):
        fields = [
            *DepositListSerializer.Meta.fields,
            "area_km2",
            "description",
            "estimates",
            "deals",
            "citations",
            "created_at",
        ]


class CommodityListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Commodity
        fields = ["id", *NAMES, "code", "group", "usgs_2022", "usgs_2025", "updated_at"]


class CommodityDetailSerializer(CommodityListSerializer):
    deposits = DepositBrief(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(CommodityListSerializer.Meta):
        fields = [*CommodityListSerializer.Meta.fields, "deposits", "citations", "created_at"]
