"""ETag / Last-Modified: an unchanged answer costs a 304 and no serialization."""

import psycopg
import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import Agreement, Citation, Deal, ExchangeRate, Tombstone
from minerals_portal.api.caching import VERSIONED, data_version
from tests import factories as f

pytestmark = pytest.mark.django_db

PATHS = [
    "/api/v1/agreements/",
    "/api/v1/agreements/?format=csv",
    "/api/v1/deals/?q=tungsten",
    "/api/v1/deposits/",
    "/api/v1/tombstones/",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_repeat_request_with_the_etag_is_a_304(world, partner_client, path):
    first = partner_client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    assert first["Last-Modified"] and first["Cache-Control"] == "private, no-cache"
    again = partner_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_a_detail_304(world, partner_client):
    path = f"/api/v1/agreements/{world.agreement.slug}/"
    etag = partner_client.get(path)["ETag"]
    assert partner_client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_wildcard_if_none_match_is_a_304_only_for_a_record_that_exists(world, partner_client):
    existing = f"/api/v1/agreements/{world.agreement.slug}/"
    assert partner_client.get(existing, HTTP_IF_NONE_MATCH="*").status_code == 304
    missing = partner_client.get("/api/v1/agreements/no-such-agreement/", HTTP_IF_NONE_MATCH="*")
    assert missing.status_code == 404 and missing.json()


def test_a_304_runs_no_serialization_queries(world, partner_client):
    path = "/api/v1/agreements/"
    etag = partner_client.get(path)["ETag"]
    cache.clear()  # measure a full answer, not one served from the response cache
    with CaptureQueriesContext(connection) as full:
        partner_client.get(path)
    with CaptureQueriesContext(connection) as cheap:
        assert partner_client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
    fetched = [q["sql"] for q in cheap.captured_queries if q["sql"].startswith('SELECT "deals_')]
    assert fetched == [q for q in fetched if "apitoken" in q]  # no record was fetched
    # One query: the token with its user's roles and the data version (see authentication).
    assert len(cheap) == 1 < len(full)


@pytest.mark.parametrize(
    "change",
    [
        lambda w: setattr(w.deal, "name", "Renamed deal") or w.deal.save(),  # a nested brief
        lambda w: w.deal.deposits.remove(w.kairakty),  # a link table
        lambda w: f.party(w.agreement, f.company(), stake=None),  # a nested row
        lambda w: w.eur.delete(),  # a deletion
        lambda w: w.draft_amount.delete(),  # a deletion partners never saw
        lambda w: w.tks_party.delete(),  # a nested row
        lambda w: w.summit.companies.clear(),  # links
        lambda w: w.karaganda.delete(),  # a lookup row, links cascading away
        lambda w: ExchangeRate.objects.all().delete(),  # changes usd_value
        lambda w: Citation.objects.filter(object_id=w.agreement.pk).delete(),
        lambda w: Tombstone.objects.create(resource="deals", object_id=1),
    ],
)
def test_any_change_gives_a_new_etag(world, partner_client, change):
    path = "/api/v1/agreements/"
    etag = partner_client.get(path)["ETag"]
    change(world)
    response = partner_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


def test_etags_differ_by_url_format_and_role(world, partner_client, editor_client):
    etags = {
        partner_client.get("/api/v1/agreements/")["ETag"],
        partner_client.get("/api/v1/agreements/?format=csv")["ETag"],
        partner_client.get("/api/v1/agreements/?kind=framework")["ETag"],
        editor_client.get("/api/v1/agreements/")["ETag"],  # sees drafts
    }
    assert len(etags) == 4


def test_if_modified_since_is_honoured(world, partner_client):
    first = partner_client.get("/api/v1/deals/")
    again = partner_client.get("/api/v1/deals/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_errors_carry_no_etag(world, partner_client):
    response = partner_client.get("/api/v1/agreements/?kind=nope")
    assert response.status_code == 400 and not response.has_header("ETag")


def test_a_repeated_request_is_served_from_the_response_cache_until_data_changes(
    world, partner_client
):
    path = "/api/v1/agreements/"
    first = partner_client.get(path).json()
    with CaptureQueriesContext(connection) as again:
        second = partner_client.get(path).json()
    assert second == first
    fetched = [q for q in again.captured_queries if q["sql"].startswith('SELECT "deals_agreement"')]
    assert not fetched
    world.agreement.title = "Renamed after caching"
    world.agreement.save()
    titles = [a["title"] for a in partner_client.get(path).json()["results"]]
    assert "Renamed after caching" in titles


def test_every_table_the_api_serves_moves_the_data_version():
    """A table without the triggers would let its changes be served from stale caches."""
    tables = set()
    for label in VERSIONED:
        model = apps.get_model(label)
        tables.add(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            tables.add(field.remote_field.through._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname = 'portal_data_version'"
        )
        triggered = {name for (name,) in cursor.fetchall()}
    assert tables <= triggered


def test_a_draft_moves_the_staff_version_and_leaves_the_public_one(world):
    public, staff = data_version(published_only=True), data_version()
    draft = f.deal("Another secret deal", publication="draft")
    assert data_version(published_only=True) == public
    assert data_version()[0] != staff[0]
    Deal.objects.filter(pk=draft.pk).update(publication="published")  # a bare update too
    assert data_version(published_only=True)[0] != public[0]


def test_a_bare_update_gives_partners_a_new_etag(world, partner_client):
    path = "/api/v1/agreements/"
    etag = partner_client.get(path)["ETag"]
    Agreement.objects.filter(pk=world.agreement.pk).update(title="Changed by raw update")
    response = partner_client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Changed by raw update" in [a["title"] for a in response.json()["results"]]


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_when_a_write_commits_and_writers_never_queue():
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params)  # another editor's transaction, left open
    try:
        before = data_version()
        other.execute("INSERT INTO deals_tombstone (resource, object_id, slug, deleted_at)"
                      " VALUES ('deals', 1, '', now())")  # fmt: skip
        assert data_version() == before  # not committed: nobody may see it yet
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")  # waiting for the other would fail
        Tombstone.objects.create(resource="deals", object_id=2)
        mine = data_version()
        assert mine[0] != before[0]
        other.commit()
        assert data_version()[0] not in (before[0], mine[0])
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
