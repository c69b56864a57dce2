"""Drafts, records in review and withdrawn records never reach partners or visitors."""

import pytest
from django.core.cache import cache

from .conftest import logged_in, token_client

pytestmark = pytest.mark.django_db

SECRET = ("SECRET", "987654321")
API_RESOURCES = ["deals", "agreements", "parties", "amounts", "events", "companies", "sources"]


def api_paths(w):
    paths = []
    for resource in API_RESOURCES:
        paths += [f"/api/v1/{resource}/", f"/api/v1/{resource}/?format=csv"]
    paths += [
        f"/api/v1/deals/{w.deal.slug}/",
        f"/api/v1/agreements/{w.agreement.slug}/",
        f"/api/v1/amounts/{w.amount.slug}/",
        f"/api/v1/events/{w.event.slug}/",
        f"/api/v1/parties/{w.party.pk}/",
        f"/api/v1/companies/{w.cove.slug}/",
        "/api/v1/deals/?q=secret",
        "/api/v1/agreements/?q=secret",
        "/api/v1/tombstones/",
    ]
    return paths


def page_paths(w):
    return [
        "/",
        "/?q=secret",
        "/deals/",
        f"/deals/{w.deal.slug}/",
        "/companies/",
        f"/companies/{w.cove.slug}/",
        "/dashboard/",
        "/search/?q=secret",
        f"/sources/{w.source.slug}/",
        "/deposits/",
        "/map/",
    ]


def body(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_partner_api_answers_never_contain_an_unpublished_record(world, partner):
    client = token_client(partner)
    for path in api_paths(world):
        cache.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:200])
        text = body(response)
        assert not any(s in text for s in SECRET), path
    for hidden in (
        f"/api/v1/deals/{world.draft_deal.slug}/",
        f"/api/v1/agreements/{world.review_agreement.slug}/",
        f"/api/v1/amounts/{world.draft_amount.slug}/",
        f"/api/v1/events/{world.withdrawn_event.slug}/",
    ):
        assert client.get(hidden).status_code == 404, hidden


def test_partners_may_not_read_the_history_which_shows_unpublished_values(world, partner):
    client = token_client(partner)
    response = client.get(f"/api/v1/agreements/{world.agreement.slug}/history/")
    assert response.status_code == 403
    assert "editors and analysts" in response.json()["error"]["message"]


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_public_pages_never_show_an_unpublished_record(client, world, partner, who):
    if who == "partner":
        logged_in(client, partner)
    for path in page_paths(world):
        cache.clear()
        response = client.get(path)
        assert response.status_code == 200, path
        text = body(response)
        assert not any(s in text for s in SECRET), path
    assert client.get(f"/deals/{world.draft_deal.slug}/").status_code == 404
    assert "Change history" not in body(client.get(f"/deals/{world.deal.slug}/"))


@pytest.mark.parametrize("who", ["anonymous", "partner"])
def test_editorial_pages_are_closed_to_partners_and_visitors(client, world, partner, who):
    if who == "partner":
        logged_in(client, partner)
    for path in ("/editorial/", f"/deals/{world.deal.slug}/history/"):
        response = client.get(path)
        if who == "anonymous":
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
        else:
            assert response.status_code == 403


def test_editors_see_drafts_marked_as_such(client, world, editor):
    logged_in(client, editor)
    text = body(client.get(f"/deals/{world.deal.slug}/"))
    assert "SECRET agreement in review" in text
    assert '<span class="draft">in review</span>' in text
    assert "Change history" in text
    listed = token_client(editor).get("/api/v1/agreements/?q=secret").json()["results"]
    assert {(a["title"], a["publication"]) for a in listed} >= {
        ("SECRET agreement in review", "in_review")
    }
