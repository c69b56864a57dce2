"""Slugs may change; ids never do, and old slugs redirect (301) to the current URL."""

import pytest
from django.contrib.auth.models import User

from deals import services
from deals.models import SlugHistory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("boss", password="x")


def test_an_old_agreement_slug_redirects_on_the_api(world, publisher_client, partner_client):
    old = world.agreement.slug
    response = publisher_client.patch(
        f"/api/v1/agreements/{old}/", {"slug": "joint-development-2025"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["id"] == world.agreement.pk
    moved = partner_client.get(f"/api/v1/agreements/{old}/")
    assert moved.status_code == 301
    assert moved["Location"] == "/api/v1/agreements/joint-development-2025/"
    current = partner_client.get(moved["Location"]).json()
    assert current["id"] == world.agreement.pk
    assert partner_client.get("/api/v1/agreements/never-was/").status_code == 404


def test_an_old_deal_slug_redirects_on_the_page_and_ids_stay(world, admin_user, client):
    old, pk = world.deal.slug, world.deal.pk
    world.deal.refresh_from_db()
    world.deal.slug = "tungsten-katpar"
    services.save(admin_user, world.deal)
    world.deal.refresh_from_db()
    world.deal.slug = "tungsten-katpar-kairakty"
    services.save(admin_user, world.deal)
    for slug in (old, "tungsten-katpar"):
        page = client.get(f"/deals/{slug}/?lang=ru")
        assert page.status_code == 301
        assert page["Location"] == "/deals/tungsten-katpar-kairakty/?lang=ru"
    assert client.get("/deals/tungsten-katpar-kairakty/").status_code == 200
    assert set(SlugHistory.objects.filter(object_id=pk).values_list("slug", flat=True)) == {
        old,
        "tungsten-katpar",
    }


def test_a_draft_renamed_does_not_reveal_its_new_slug(world, admin_user, partner_client):
    old = world.draft_deal.slug
    world.draft_deal.refresh_from_db()
    world.draft_deal.slug = "lithium-offtake-2026"
    services.save(admin_user, world.draft_deal)
    assert partner_client.get(f"/api/v1/deals/{old}/").status_code == 404


def test_a_slug_left_behind_and_taken_back_names_the_record_again(world, admin_user, client):
    old = world.deal.slug
    for slug in ("interim-name", old):
        world.deal.refresh_from_db()
        world.deal.slug = slug
        services.save(admin_user, world.deal)
    assert client.get(f"/deals/{old}/").status_code == 200
    assert client.get("/deals/interim-name/")["Location"] == f"/deals/{old}/"
