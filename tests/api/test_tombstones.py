"""Deletions and unpublishing reach syncing partners through the tombstones feed."""

import datetime as dt

import pytest
from django.utils import timezone

from deals.models import Agreement, Deal, Tombstone
from tests import factories as f

from .conftest import assert_error, cite, results

pytestmark = pytest.mark.django_db


def feed(client, **params):
    return [
        (t["resource"], t["object_id"], t["slug"])
        for t in results(client.get("/api/v1/tombstones/", params))
    ]


def test_deleting_published_records_leaves_tombstones(world, partner_client):
    amount_id, slug = world.eur.pk, world.eur.slug
    world.eur.delete()
    party_id = world.tks_party.pk
    world.tks_party.delete()
    company = f.company("Short-lived")
    company_id = company.pk
    company.delete()
    assert feed(partner_client) == [
        ("amounts", amount_id, slug),
        ("parties", party_id, ""),
        ("companies", company_id, company.slug),
    ]


def test_deleting_a_record_partners_never_saw_does_not_reveal_its_slug(world, partner_client):
    draft_id, hidden_id = world.draft_amount.pk, world.hidden_amount.pk
    world.draft_amount.delete()
    world.hidden_amount.delete()  # published, but in a draft deal
    assert feed(partner_client) == [("amounts", draft_id, ""), ("amounts", hidden_id, "")]


def test_unpublishing_a_deal_tombstones_it_and_everything_it_hid(world, partner_client):
    world.deal.publication = "withdrawn"
    world.deal.save()
    found = set(feed(partner_client))
    assert ("deals", world.deal.pk, world.deal.slug) in found
    assert ("agreements", world.agreement.pk, world.agreement.slug) in found
    assert ("parties", world.tks_party.pk, "") in found
    assert {("amounts", a.pk, a.slug) for a in (world.usd, world.kzt, world.eur)} <= found
    assert ("events", world.summit.pk, world.summit.slug) in found
    # Drafts were never seen, so they get no tombstone.
    assert not {s for s in found if s[2] in (world.draft_amount.slug, world.draft_event.slug)}
    assert results(partner_client.get("/api/v1/agreements/")) == []


def test_republishing_brings_hidden_records_back_into_updated_since(world, partner_client):
    world.deal.publication = "draft"
    world.deal.save()
    moment = timezone.now()
    Agreement.objects.update(updated_at=moment - dt.timedelta(days=1))
    world.deal.publication = "published"
    world.deal.save()
    since = partner_client.get("/api/v1/agreements/", {"updated_since": moment.isoformat()})
    assert [a["slug"] for a in results(since)] == [world.agreement.slug]


def test_unpublishing_an_agreement(world, partner_client):
    world.agreement.publication = "in_review"
    world.agreement.save()
    found = set(feed(partner_client, resource="agreements")) | set(
        feed(partner_client, resource="amounts")
    )
    assert found == {
        ("agreements", world.agreement.pk, world.agreement.slug),
        ("amounts", world.usd.pk, world.usd.slug),
    }


def test_saving_without_a_publication_change_leaves_no_tombstone(world):
    world.deal.name = "Renamed"
    world.deal.save()
    world.draft_deal.publication = "in_review"
    world.draft_deal.save()
    assert not Tombstone.objects.exists()


def test_the_feed_filters_by_time_and_resource(world, partner_client):
    world.eur.delete()
    old = Tombstone.objects.get()
    Tombstone.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=2))
    cutoff = timezone.now() - dt.timedelta(days=1)
    kzt_id = world.kzt.pk
    world.kzt.delete()
    assert feed(partner_client, since=cutoff.isoformat()) == [("amounts", kzt_id, world.kzt.slug)]
    assert feed(partner_client, resource="deals") == []
    assert len(feed(partner_client, resource="amounts")) == 2


def test_editors_and_analysts_read_the_feed_too(world, editor_client, analyst_client):
    assert editor_client.get("/api/v1/tombstones/").status_code == 200
    assert analyst_client.get("/api/v1/tombstones/").status_code == 200


def test_the_feed_is_read_only(world, editor_client):
    assert_error(editor_client.post("/api/v1/tombstones/", {}, format="json"), 403)


def test_links_and_citations_advance_updated_at(world):
    before = Deal.objects.get(pk=world.deal.pk).updated_at
    world.deal.commodities.add(world.lithium)
    assert Deal.objects.get(pk=world.deal.pk).updated_at > before
    before = Agreement.objects.get(pk=world.agreement.pk).updated_at
    cite(world.cove_party, world.source, "Cove takes 70 %.")
    assert Agreement.objects.get(pk=world.agreement.pk).updated_at > before
