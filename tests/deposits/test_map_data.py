"""The map's data: JSON numbers in every language, visible deals only, constant queries."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from deposits.models import Region
from tests import factories as f

pytestmark = pytest.mark.django_db


def _map_data(response) -> dict:
    body = response.content.decode()
    start = body.index('<script id="map-data" type="application/json">')
    return json.loads(body[start:].split(">", 1)[1].split("</script>", 1)[0])


def _region(code="KZ-KAR", lat="48.3", lon="73.5"):
    return Region.objects.create(name=f"Region {code}", slug=code.lower(), iso_code=code,
                                 country="KZ", centroid_lat=Decimal(lat),
                                 centroid_lon=Decimal(lon))  # fmt: skip


def test_russian_page_writes_coordinates_with_a_decimal_point(client):
    f.deposit("Placed", latitude=Decimal("47.78123"), longitude=Decimal("67.71"),
              location_accuracy="exact")  # fmt: skip
    client.cookies["django_language"] = "ru"
    response = client.get(reverse("map"))
    marker = _map_data(response)["markers"][0]
    assert (marker["lat"], marker["lon"], marker["placement"]) == (47.78123, 67.71, "exact")
    assert "47,78" not in response.content.decode()


def test_deposits_sharing_a_region_centre_are_spread_apart_and_say_so(client):
    region = _region()
    for name in ("One", "Two", "Three"):
        f.deposit(name, location_accuracy="region").regions.add(region)
    f.deposit("Nowhere")  # no position, no region: listed nowhere on the map
    markers = _map_data(client.get(reverse("map")))["markers"]
    assert [m["name"] for m in markers] == ["One", "Three", "Two"]
    assert len({(m["lat"], m["lon"]) for m in markers}) == 3
    assert all(m["placement"] == "region" and m["regions"] == ["Region KZ-KAR"] for m in markers)
    assert all(abs(m["lat"] - 48.3) < 2 and abs(m["lon"] - 73.5) < 3 for m in markers)


def test_popups_list_only_published_deals(client):
    deposit = f.deposit("Shared", latitude=Decimal("48"), longitude=Decimal("70"),
                        location_accuracy="approximate")  # fmt: skip
    shown, hidden = f.deal("Public deal"), f.deal("Draft deal", publication="draft")
    shown.deposits.add(deposit)
    hidden.deposits.add(deposit)
    markers = _map_data(client.get(reverse("map")))["markers"]
    assert markers[0]["deals"] == [{"name": "Public deal", "url": f"/deals/{shown.slug}/"}]
    assert markers[0]["placement"] == "approximate"


def test_the_map_reads_a_constant_number_of_queries(client, django_assert_max_num_queries):
    region = _region()
    client.get(reverse("map"))  # warm the session and language machinery
    for i in range(12):
        deposit = f.deposit(f"Deposit {i}", location_accuracy="region")
        deposit.regions.add(region)
        f.deal(f"Deal {i}").deposits.add(deposit)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("map"))
    assert len(_map_data(response)["markers"]) == 12
