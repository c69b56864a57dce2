"""What partners see of a record, as the resource's list endpoint shows it.

The change feed stores this form with each entry; it is rendered by the
resource's own view set (its visibility, queryset and list form), as a partner
sees it, so an entry equals the record's item in ``GET /api/v1/<resource>/``.
"""

from __future__ import annotations

import orjson
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from rest_framework.request import Request

from deposits.api.views import CommodityViewSet, DepositViewSet
from minerals_portal.api.renderers import FastJSONRenderer

from . import views

# Resource name → its view set; the order parents come before what refers to them.
RESOURCES = {
    "commodities": CommodityViewSet,
    "deposits": DepositViewSet,
    "companies": views.CompanyViewSet,
    "sources": views.SourceViewSet,
    "deals": views.DealViewSet,
    "agreements": views.AgreementViewSet,
    "parties": views.PartyViewSet,
    "amounts": views.AmountViewSet,
    "events": views.EventViewSet,
}


def partner_view(resource: str):
    """The resource's view set as it lists records for a partner."""
    request = HttpRequest()
    request.method = "GET"
    api_request = Request(request)
    api_request.user = AnonymousUser()  # partners and the public see the same records
    view = RESOURCES[resource]()
    view.request, view.args, view.kwargs = api_request, (), {}
    view.action, view.format_kwarg = "list", None
    return view


def render(resource: str, pks) -> dict[int, dict]:
    """The list form of those of ``pks`` partners may see, by primary key."""
    if not pks:
        return {}
    view = partner_view(resource)
    queryset = view.get_queryset().filter(pk__in=list(pks)).order_by()
    with translation.override(settings.LANGUAGE_CODE):
        rows = getattr(view, "list_rows", None)
        if rows is not None:
            items = rows.items(list(rows.rows(queryset, view.show_drafts)))
        else:
            items = view.get_serializer(queryset, many=True).data
        items = orjson.loads(FastJSONRenderer().render(items))
    return {item["id"]: item for item in items}
