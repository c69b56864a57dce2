"""Every write path leaves history: who, when, which path, each field before and after."""

import pytest
from django.db import connection
from django.urls import reverse

from deals.history.context import history_context
from deals.history.entries import history
from deals.models import Agreement, AgreementParty, Deal

from .conftest import change_form, logged_in, token_client

pytestmark = pytest.mark.django_db


def last_event(record):
    event = record.history.select_related("pgh_context").order_by("-pgh_id").first()
    return event, (event.pgh_context.metadata if event.pgh_context_id else {})


def test_admin_form_save_is_recorded_with_the_editor_and_path_admin(client, world, publisher):
    logged_in(client, publisher)
    url = reverse("admin:deals_agreement_change", args=[world.agreement.pk])
    response = client.post(url, change_form(world.agreement, title="Framework agreement, signed"))
    assert response.status_code == 302, response.context and response.context["errors"]
    event, context = last_event(world.agreement)
    assert event.pgh_label == "update" and event.title == "Framework agreement, signed"
    assert context["path"] == "admin" and context["user"] == publisher.pk
    assert context["url"] == url


def test_api_write_is_recorded_with_the_token_user_and_path_api(world, publisher):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    response = token_client(publisher).patch(url, {"venue": "Astana"}, format="json")
    assert response.status_code == 200
    event, context = last_event(world.agreement)
    assert event.venue == "Astana"
    assert context["path"] == "api" and context["user"] == publisher.pk


def test_bulk_update_and_raw_sql_bypass_signals_but_not_the_history(world, editor):
    with history_context(path="command", user=editor):
        Agreement.objects.filter(pk=world.agreement.pk).update(status="in_force")
    event, context = last_event(world.agreement)
    assert event.status == "in_force"
    assert context == {"path": "command", "user": editor.pk}
    with connection.cursor() as cursor:  # even raw SQL is recorded
        cursor.execute(
            "UPDATE deals_agreement SET venue = 'raw' WHERE id = %s", [world.agreement.pk]
        )
    event, context = last_event(world.agreement)
    assert event.venue == "raw" and event.pgh_label == "update"


def test_the_seed_loader_records_path_seed(seeded):
    deal = Deal.objects.get(slug="katpar-kairakty-tungsten")
    event, context = last_event(deal)
    assert event.pgh_label == "insert" and context == {"path": "seed"}


def test_a_save_that_changes_nothing_leaves_no_event(world):
    before = world.agreement.history.count()
    world.agreement.save()  # version and updated_at move; the content does not
    assert world.agreement.history.count() == before


def test_history_reads_as_diffs_with_names_and_labels(world, publisher):
    client = token_client(publisher)
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    client.patch(url, {"status": "binding", "deal": world.deal.slug}, format="json")
    client.patch(f"/api/v1/parties/{world.party.pk}/", {"stake": "60"}, format="json")
    client.delete(f"/api/v1/parties/{world.party.pk}/")
    entries = history(Agreement.objects.get(pk=world.agreement.pk))
    latest, stake, status = entries[0], entries[1], entries[2]
    assert (latest.kind, latest.action, latest.record) == (
        "agreement party",
        "deleted",
        "Cove Capital (investor)",
    )
    assert [(c.label, c.before_text, c.after_text) for c in stake.changes] == [
        ("stake (%)", "70", "60")
    ]
    assert [(c.name, c.before_text, c.after_text) for c in status.changes] == [
        ("status", "signed", "binding")
    ]
    assert status.username == publisher.username and status.path_label == "API"
    created = entries[-1]
    assert created.action == "created" and ("deal", "—", "Tungsten project") in [
        (c.name, c.before_text, c.after_text) for c in created.changes
    ]


def test_history_in_the_api_is_paginated_and_for_staff(world, publisher, analyst):
    token_client(publisher).patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"venue": "Astana"}, format="json"
    )
    url = f"/api/v1/agreements/{world.agreement.slug}/history/?page_size=1"
    response = token_client(analyst).get(url)
    body = response.json()
    assert "count" not in body and body["next"] and body["previous"] is None
    assert response["Link"] == f'<{body["next"]}>; rel="next"'  # the lists' convention
    [entry] = body["results"]
    assert entry["action"] == "changed" and entry["path"] == "api"
    assert entry["changes"] == [
        {
            "field": "venue",
            "label": "venue or occasion",
            "before": "",
            "after": "Astana",
            "before_display": "—",
            "after_display": "Astana",
        }
    ]
    assert entry["id"].startswith("agreement-") and entry["at"].endswith("Z")
    history_url = f"/api/v1/agreements/{world.agreement.slug}/history/"
    everything = token_client(analyst).get(history_url).json()["results"]
    walked, url = [], url
    while url:
        page = token_client(analyst).get(url).json()
        walked += page["results"]
        last, url = page, page["next"]
    assert walked == everything and len(walked) >= 3
    assert token_client(analyst).get(last["previous"]).json()["results"] == everything[-2:-1]
    refused = token_client(analyst).get(history_url, {"cursor": "bm9wZQ"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "invalid_cursor"
    for resource, slug in [("deals", world.deal.slug), ("amounts", world.amount.slug),
                           ("events", world.event.slug), ("parties", world.party.pk)]:  # fmt: skip
        assert token_client(analyst).get(f"/api/v1/{resource}/{slug}/history/").status_code == 200


def test_history_pages_in_the_admin_and_on_the_site(client, world, publisher):
    token_client(publisher).patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"title": "Renamed framework"}, format="json"
    )
    logged_in(client, publisher)
    admin_page = client.get(reverse("admin:deals_agreement_history", args=[world.agreement.pk]))
    text = admin_page.content.decode()
    assert "<del>Framework agreement</del>" in text and "<ins>Renamed framework</ins>" in text
    assert "Revert this change" in text and publisher.username in text
    site_page = client.get(reverse("deal-history", args=[world.deal.slug])).content.decode()
    assert "<ins>Renamed framework</ins>" in site_page
    assert "SECRET agreement in review" in site_page  # staff see drafts' history too
    detail = client.get(reverse("deal-detail", args=[world.deal.slug])).content.decode()
    assert reverse("deal-history", args=[world.deal.slug]) in detail


def test_every_domain_model_is_tracked():
    from django.apps import apps

    from deals.history.entries import tracked_models
    from deals.roles import DOMAIN_MODELS

    expected = {apps.get_model(app, m) for app, models in DOMAIN_MODELS.items() for m in models}
    assert set(tracked_models()) == expected
    assert AgreementParty in expected
