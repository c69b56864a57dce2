"""A deal located by a region or a facility (a processing plant) instead of a deposit."""

import pytest
from django.urls import reverse

from deals.models import Facility
from deposits.models import Region
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_deal_at_a_processing_plant_is_found_by_its_region_on_page_and_api(
    client, partner_client
):
    region = Region.objects.create(name="Pavlodar Region", slug="pavlodar", iso_code="KZ-PAV",
                                   country="KZ")  # fmt: skip
    plant = Facility.objects.create(name="Test alumina plant", slug="test-alumina-plant",
                                    kind="processing_plant", region=region)  # fmt: skip
    at_plant, in_region, elsewhere = f.deal("Plant deal"), f.deal("Region deal"), f.deal("Other")
    at_plant.facilities.add(plant)
    in_region.regions.add(region)
    amount = f.amount(at_plant, value=7_000_000)

    found = partner_client.get("/api/v1/deals/", {"region": "pavlodar"}).json()["results"]
    assert {d["slug"] for d in found} == {at_plant.slug, in_region.slug}
    detail = partner_client.get(f"/api/v1/deals/{at_plant.slug}/").json()
    assert detail["facilities"] == [{"slug": plant.slug, "name": plant.name, "name_ru": "",
                                     "kind": "processing_plant", "region": "pavlodar"}]  # fmt: skip
    amounts = partner_client.get("/api/v1/amounts/", {"region": "pavlodar"}).json()["results"]
    assert [a["slug"] for a in amounts] == [amount.slug]
    page = client.get(reverse("deal-detail", args=[at_plant.slug])).content.decode()
    assert "Located at" in page and "Test alumina plant (processing plant)" in page
    assert elsewhere.slug not in {d["slug"] for d in found}
