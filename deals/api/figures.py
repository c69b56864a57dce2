"""API shapes of reported figures and of a deal's location other than a deposit."""

from rest_framework import serializers

from ..models import Facility, FigureReport


class FigureReportSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = FigureReport
        fields = ["field", "qualifier", "value", "unit", "source", "quote", "in_use"]
        read_only_fields = fields


class FacilityBrief(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Facility
        fields = ["slug", "name", "name_ru", "kind", "region"]
        read_only_fields = fields
