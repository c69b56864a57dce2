"""Deposit markers for the interactive map, as plain data the page reads as JSON.

The map itself is drawn in the browser by Leaflet (``static/js/map.js``) over
Kazakhstan's regions (``static/maps/kazakhstan-regions.geo.json``, Natural Earth,
public domain): no tile server, no CDN. Numbers reach the page only as JSON
(``json_script``), never through a localised template, so a Russian page gets
``47.5`` and not ``47,5``.
"""

from __future__ import annotations

import math

from django.urls import reverse
from django.utils.translation import gettext as _

from deals.templatetags.portal import localized

# Deposits sharing a region centre are spread on a golden-angle spiral (in degrees)
# so each marker stays apart (about one marker width at the whole-country zoom).
_SPREAD_DEG = 1.0
_GOLDEN_ANGLE = 2.39996


def _placement_label(kind: str) -> str:
    return {
        "exact": _("exact position"),
        "approximate": _("approximate position"),
        "region": _("placed in its region: the sources do not give its position"),
    }[kind]


def markers(deposits) -> list[dict]:
    """One marker per deposit that can be placed: at its own point, else in its region.

    ``deposits`` need ``regions`` prefetched and, for the popups, ``visible_deals``
    (a list of the deals the reader may see).
    """
    placed: list[dict] = []
    by_centre: dict[tuple[float, float], int] = {}
    for deposit in deposits:
        regions = list(deposit.regions.all())
        if deposit.latitude is not None and deposit.longitude is not None:
            lat, lon, kind = float(deposit.latitude), float(deposit.longitude), "exact"
            if deposit.location_accuracy == "approximate":
                kind = "approximate"
        else:
            region = next((r for r in regions if r.centroid_lat is not None), None)
            if region is None:
                continue
            centre = (float(region.centroid_lat), float(region.centroid_lon))
            n = by_centre.get(centre, 0)
            by_centre[centre] = n + 1
            radius = _SPREAD_DEG * math.sqrt(n)
            lat = centre[0] + radius * math.sin(n * _GOLDEN_ANGLE)
            lon = centre[1] + radius * math.cos(n * _GOLDEN_ANGLE) / math.cos(math.radians(lat))
            kind = "region"
        placed.append({
            "name": localized(deposit),
            "url": reverse("deposit-detail", args=[deposit.slug]),
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "placement": kind,
            "placement_label": _placement_label(kind),
            "regions": [localized(r) for r in regions],
            "deals": [
                {"name": localized(d), "url": reverse("deal-detail", args=[d.slug])}
                for d in getattr(deposit, "visible_deals", [])
            ],
        })  # fmt: skip
    return placed


def map_context(deposits, regions) -> dict:
    """What ``deposits/_map.html`` needs: the markers, and region names by ISO code."""
    placed = markers(deposits)
    return {
        "map_markers": placed,
        "map_data": {
            "markers": placed,
            "regions": {r.iso_code: localized(r) for r in regions},
            "labels": {
                "deals": _("Deals"),
                "no_deals": _("No deal recorded."),
            },
        },  # fmt: skip
    }
