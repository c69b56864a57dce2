"""``/api/v1/deposits/`` and ``/api/v1/commodities/`` (read-only)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from deals.api.views import by_name, citations
from deals.models import Deal
from deals.visibility import visible
from minerals_portal.api.viewsets import ReadOnlyResource

from ..filtersets import CommodityFilterSet, DepositFilterSet
from ..models import Commodity, Deposit, DepositCommodity, ResourceEstimate
from .serializers import (
    CommodityDetailSerializer,
    CommodityListSerializer,
    DepositDetailSerializer,
    DepositListSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="List deposits"),
    retrieve=extend_schema(summary="One deposit, with estimates, deals and citations"),
)
class DepositViewSet(ReadOnlyResource):
    """Deposits, prospective areas and operating assets."""

    queryset = Deposit.objects.all()
    list_serializer_class = DepositListSerializer
    detail_serializer_class = DepositDetailSerializer
    filterset_class = DepositFilterSet
    ordering = ["name"]
    ordering_fields = ["name", "updated_at", "created_at"]
    csv_filename = "deposits"
    csv_columns = [
        ("slug", "slug"),
        ("name", "name"),
        ("name_ru", "name_ru"),
        ("name_kk", "name_kk"),
        ("aliases", "aliases"),
        ("kind", "kind"),
        ("stage", "stage"),
        ("regions", "regions[].slug"),
        ("commodities", "commodities[].slug"),
        ("latitude", "latitude"),
        ("longitude", "longitude"),
        ("location_accuracy", "location_accuracy"),
        ("updated_at", "updated_at"),
    ]

    def get_queryset(self):
        drafts = self.show_drafts
        queryset = visible(Deposit.objects.all(), drafts).prefetch_related(
            "regions",
            Prefetch(
                "deposit_commodities",
                queryset=DepositCommodity.objects.select_related("commodity").order_by(
                    "commodity__name", "id"
                ),
            ),
        )
        if self.detailed:
            deals = visible(Deal.objects.order_by("name", "id"), drafts)
            estimates = visible(ResourceEstimate.objects.all(), drafts)
            estimates = estimates.select_related("commodity").prefetch_related(citations(drafts))
            queryset = queryset.prefetch_related(
                Prefetch("deals", queryset=deals),
                Prefetch("estimates", queryset=estimates),
                citations(drafts),
            )
        return queryset


@extend_schema_view(
    list=extend_schema(summary="List commodities"),
    retrieve=extend_schema(summary="One commodity, with its deposits and citations"),
)
class CommodityViewSet(ReadOnlyResource):
    """Minerals and metals, with their USGS critical-minerals listing."""

    queryset = Commodity.objects.all()
    list_serializer_class = CommodityListSerializer
    detail_serializer_class = CommodityDetailSerializer
    filterset_class = CommodityFilterSet
    ordering = ["name"]
    ordering_fields = ["name", "code", "updated_at", "created_at"]
    csv_filename = "commodities"
    csv_columns = [
        ("slug", "slug"),
        ("name", "name"),
        ("name_ru", "name_ru"),
        ("name_kk", "name_kk"),
        ("aliases", "aliases"),
        ("code", "code"),
        ("group", "group"),
        ("usgs_2022", "usgs_2022"),
        ("usgs_2025", "usgs_2025"),
        ("updated_at", "updated_at"),
    ]

    def get_queryset(self):
        queryset = Commodity.objects.all()
        if self.detailed:
            queryset = queryset.prefetch_related(
                Prefetch("deposits", queryset=by_name(Deposit, self.show_drafts)),
                citations(self.show_drafts),
            )
        return queryset
