"""The change feed: what partners see changing, in commit order, drafts never shown.

The feed serves only what committed transactions wrote, so these tests commit
for real (``transaction=True``).
"""

import importlib
import threading

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deals.models import Company
from deals.services.changes import sequence
from tests import factories as f

from .conftest import assert_error, make_user, token_client

pytestmark = pytest.mark.django_db(transaction=True)


def changes(client, after=0, **params):
    response = client.get("/api/v1/changes/", {"after": after, **params})
    assert response.status_code == 200, response.content
    return response.json()


def read_all(client, after=0):
    entries = []
    while page := changes(client, after)["results"]:
        entries += page
        after = page[-1]["position"]
    return entries, after


def restore_after_flush():
    """Transactional tests empty every table, rows made by data migrations too: the
    partner group, and the data version's rows (without them, two open transactions
    may pick the same row and the second waits for the first)."""
    from django.apps import apps

    importlib.import_module("deals.migrations.0005_partner_group").create_partner_group(apps, None)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO deals_dataversion (id, everything, published) SELECT stripe, 0, 0"
            " FROM generate_series(1, 8) AS stripe ON CONFLICT (id) DO NOTHING"
        )


@pytest.fixture
def partner_client(db):
    restore_after_flush()
    return token_client(make_user("partner"))


def events_of(entries):
    return [(e["resource"], e["id"], e["event"]) for e in entries]


def test_a_published_deal_appears_with_its_list_form_and_a_draft_never(partner_client):
    _, start = read_all(partner_client)
    deal = f.deal("Tungsten project")
    draft = f.deal("Secret lithium deal", publication="draft")
    entries, _ = read_all(partner_client, start)
    assert events_of(entries) == [("deals", deal.pk, "published")]
    listed = partner_client.get("/api/v1/deals/").json()["results"]
    assert entries[0]["data"] == listed[0]
    assert entries[0]["slug"] == deal.slug and entries[0]["data"]["id"] == deal.pk
    assert draft.pk not in [e["id"] for e in entries]


def test_withdraw_republish_delete_in_order(partner_client):
    _, start = read_all(partner_client)
    deal = f.deal("Tungsten project")
    _, last = read_all(partner_client, start)
    deal.publication = "withdrawn"
    deal.save()
    first, last = read_all(partner_client, last)
    deal.publication = "published"
    deal.save()
    second, last = read_all(partner_client, last)
    slug, pk = deal.slug, deal.pk
    deal.delete()
    third, last = read_all(partner_client, last)
    assert events_of(first + second + third) == [
        ("deals", pk, "withdrawn"),
        ("deals", pk, "republished"),
        ("deals", pk, "deleted"),
    ]
    assert first[0]["data"] is None and third[0]["data"] is None and third[0]["slug"] == slug
    assert [e["position"] for e in first + second + third] == sorted(
        e["position"] for e in first + second + third
    )


def test_older_entries_of_a_withdrawn_record_no_longer_carry_its_data(partner_client):
    _, start = read_all(partner_client)
    deal = f.deal("Tungsten project")
    published, _ = read_all(partner_client, start)
    assert published[0]["data"]["name"] == "Tungsten project"
    deal.publication = "withdrawn"
    deal.save()
    entries, _ = read_all(partner_client, start)
    assert events_of(entries) == [("deals", deal.pk, "published"), ("deals", deal.pk, "withdrawn")]
    assert [e["data"] for e in entries] == [None, None]
    assert "Tungsten project" not in partner_client.get("/api/v1/changes/").content.decode()
    deal.publication = "published"
    deal.save()
    entries, _ = read_all(partner_client, start)
    assert [e["data"] and e["data"]["name"] for e in entries] == [
        "Tungsten project",
        None,
        "Tungsten project",
    ]


def test_a_draft_edit_is_invisible(partner_client):
    draft = f.deal("Secret", publication="draft")
    _, last = read_all(partner_client)
    draft.name = "Still secret"
    draft.save()
    assert read_all(partner_client, last)[0] == []


def test_renaming_a_company_is_a_change_of_what_shows_it(partner_client):
    deal = f.deal("Tungsten project")
    agreement = f.agreement(deal, title="Joint development")
    cove = f.company("Cove Capital")
    party = f.party(agreement, cove, stake=70)
    amount = f.amount(deal, investor=cove, value=10)
    _, last = read_all(partner_client)
    Company.objects.filter(pk=cove.pk).update(name="Cove Capital LLC")  # any write path
    entries, _ = read_all(partner_client, last)
    assert set(events_of(entries)) == {
        ("companies", cove.pk, "updated"),
        ("parties", party.pk, "updated"),
        ("agreements", agreement.pk, "updated"),
        ("amounts", amount.pk, "updated"),
    }
    by_resource = {e["resource"]: e["data"] for e in entries}
    assert by_resource["parties"]["company"]["name"] == "Cove Capital LLC"
    assert by_resource["amounts"]["investor"]["name"] == "Cove Capital LLC"


def test_a_withdrawn_restated_amount_changes_the_amounts_restating_it(partner_client):
    deal = f.deal("Tungsten project")
    old = f.amount(deal, value=10)
    new = f.amount(deal, value=12, restates=old)
    _, last = read_all(partner_client)
    old.publication = "withdrawn"
    old.save()
    entries, _ = read_all(partner_client, last)
    assert ("amounts", old.pk, "withdrawn") in events_of(entries)
    restating = [e for e in entries if e["id"] == new.pk]
    assert restating and restating[0]["data"]["restates"] is None


def hold_open_transaction(company_pk, name):
    """A second connection renames a company and keeps its transaction open."""
    settings = connection.settings_dict
    held = psycopg.connect(
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        dbname=settings["NAME"],
        password=settings["PASSWORD"] or None,
    )
    held.execute("UPDATE deals_company SET name = %s WHERE id = %s", [name, company_pk])
    return held


def test_a_transaction_in_flight_is_neither_skipped_nor_served_out_of_order(partner_client):
    early = f.company("Early Metals")
    late = f.company("Late Metals")
    _, last = read_all(partner_client)
    held = hold_open_transaction(early.pk, "Early Metals Renamed")
    try:
        late.name = "Late Metals Renamed"
        late.save()  # commits while the other transaction is still open
        during, last_during = read_all(partner_client, last)
        assert [(e["id"], e["data"]["name"]) for e in during] == [(late.pk, "Late Metals Renamed")]
        held.commit()
    finally:
        held.close()
    after, _ = read_all(partner_client, last_during)
    # Not skipped: the held change comes once it commits, after everything served before.
    assert [(e["id"], e["data"]["name"]) for e in after] == [(early.pk, "Early Metals Renamed")]
    assert all(e["position"] > last_during for e in after)
    everything, _ = read_all(partner_client, last)
    assert [e["id"] for e in everything] == [late.pk, early.pk]


def test_concurrent_readers_never_see_a_position_after_a_later_one(partner_client):
    deal = f.deal("Tungsten project")
    seen, errors = [], []

    def reader():
        try:
            after = 0
            for _ in range(15):
                page = changes(partner_client, after)["results"]
                seen.append([e["position"] for e in page])
                after = page[-1]["position"] if page else after
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for n in range(10):
        deal.name = f"Tungsten project {n}"
        deal.save()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(page == sorted(page) for page in seen)


def test_bad_positions_are_refused(partner_client):
    assert_error(partner_client.get("/api/v1/changes/", {"after": "x"}), 400)
    assert_error(partner_client.get("/api/v1/changes/", {"after": "-1"}), 400)
    assert_error(partner_client.get("/api/v1/changes/", {"page_size": "0"}), 400)
    assert_error(partner_client.get("/api/v1/changes/", {"since": "1"}), 400)


def test_the_feed_needs_an_account(client):
    assert client.get("/api/v1/changes/").status_code in (401, 403)


def test_a_page_costs_the_same_queries_whatever_its_size(partner_client):
    _, start = read_all(partner_client)
    for n in range(30):
        f.company(f"Company {n}")
    sequence()
    counts = []
    for size in (1, 30):
        with CaptureQueriesContext(connection) as captured:
            assert len(changes(partner_client, start, page_size=size)["results"]) == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
