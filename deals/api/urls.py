"""The deals app's resources on the ``/api/v1/`` router."""

from ..webhooks.api import WebhookEndpointViewSet
from . import changes, stats, views


def register(router):
    router.register("companies", views.CompanyViewSet, basename="company")
    router.register("deals", views.DealViewSet, basename="deal")
    router.register("agreements", views.AgreementViewSet, basename="agreement")
    router.register("parties", views.PartyViewSet, basename="party")
    router.register("amounts", views.AmountViewSet, basename="amount")
    router.register("events", views.EventViewSet, basename="event")
    router.register("sources", views.SourceViewSet, basename="source")
    router.register("tombstones", views.TombstoneViewSet, basename="tombstone")
    router.register("changes", changes.ChangeFeedViewSet, basename="change")
    router.register("webhooks", WebhookEndpointViewSet, basename="webhook")
    stats.register(router)
