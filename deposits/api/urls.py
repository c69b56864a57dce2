"""The deposits app's resources on the ``/api/v1/`` router."""

from .views import CommodityViewSet, DepositViewSet


def register(router):
    router.register("deposits", DepositViewSet, basename="deposit")
    router.register("commodities", CommodityViewSet, basename="commodity")
