"""Editors write agreements (with parties), parties and amounts, validated like the admin."""

import pytest

from deals.models import Agreement, AgreementParty, Amount
from tests import factories as f

from .conftest import assert_error, cite

pytestmark = pytest.mark.django_db


def new_agreement(world, **overrides):
    data = {
        "deal": world.deal.slug,
        "title": "Offtake of tungsten concentrate",
        "kind": "offtake",
        "status": "signed",
        "signed": "2026-02",
        "venue": "Astana",
        "deposits": [world.katpar.slug],
        "commodities": ["tungsten"],
        "parties": [
            {"company": world.tks.slug, "role": "seller", "stake": "40"},
            {"company": world.cove.slug, "role": "buyer", "stake": "60", "held_via": None},
        ],
    }
    data.update(overrides)
    return data


def test_editor_creates_an_agreement_with_parties_as_a_draft(world, editor_client):
    response = editor_client.post("/api/v1/agreements/", new_agreement(world), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "offtake-of-tungsten-concentrate"
    assert body["publication"] == "draft"
    assert body["signed"] == {
        "date": "2026-02-01",
        "precision": "month",
        "display": "February 2026",
    }
    assert [(p["company"]["slug"], p["stake"]) for p in body["parties"]] == [
        (world.cove.slug, "60.000"),
        (world.tks.slug, "40.000"),
    ]
    assert [d["slug"] for d in body["deposits"]] == [world.katpar.slug]
    stored = Agreement.objects.get(slug=body["slug"])
    assert (stored.signed_on.isoformat(), stored.signed_on_precision) == ("2026-02-01", "month")


def test_a_created_draft_stays_invisible_to_partners(world, editor_client, partner_client):
    slug = editor_client.post("/api/v1/agreements/", new_agreement(world), format="json").json()[
        "slug"
    ]
    assert_error(partner_client.get(f"/api/v1/agreements/{slug}/"), 404)


def test_stakes_above_100_percent_in_total_are_a_409(world, editor_client):
    # A conflict with what is stored (the total), not a malformed request.
    data = new_agreement(world)
    data["parties"][0]["stake"] = "45.5"
    response = editor_client.post("/api/v1/agreements/", data, format="json")
    error = assert_error(response, 409, "stake_total")
    assert error["codes"] == {"parties": ["stake_total"]}
    assert error["fields"]["parties"] == [
        "The parties' stakes in agreement “Offtake of tungsten concentrate” total 105.5 %, "
        "more than 100 %."
    ]
    assert not Agreement.objects.filter(title=data["title"]).exists()


def test_model_validation_messages_reach_the_client(world, editor_client):
    data = new_agreement(world, signed=None)
    error = assert_error(editor_client.post("/api/v1/agreements/", data, format="json"), 400)
    assert error["fields"]["non_field_errors"] == [
        "A signed agreement needs a signing or announcement date."
    ]
    data = new_agreement(world, title="joint DEVELOPMENT agreement")  # same title, any case
    response = editor_client.post("/api/v1/agreements/", data, format="json")
    error = assert_error(response, 409, "unique")  # a duplicate of a stored agreement
    assert "This deal already has an agreement with this title." in str(error["fields"])


def test_party_rows_are_validated_one_by_one(world, editor_client):
    data = new_agreement(world)
    data["parties"] = [
        {"company": world.tks.slug, "role": "seller", "stake": "150"},
        {"company": world.cove.slug, "role": "buyer"},
    ]
    error = assert_error(editor_client.post("/api/v1/agreements/", data, format="json"), 400)
    assert error["fields"]["parties"] == {"0": {"stake": ["A stake lies between 0 and 100 %."]}}
    assert error["message"] == "parties[0].stake: A stake lies between 0 and 100 %."
    data["parties"] = [
        {"company": world.tks.slug, "role": "seller", "stake": "50"},
        {"company": world.cove.slug, "role": "buyer", "held_via": world.cove.slug},
        {"company": world.tks.slug, "role": "seller"},
    ]
    error = assert_error(editor_client.post("/api/v1/agreements/", data, format="json"), 400)
    parties = error["fields"]["parties"]
    assert set(parties) == {"1", "2"}
    assert parties["1"]["non_field_errors"] == ["A stake cannot be held via the company itself."]
    assert parties["2"]["non_field_errors"] == [
        "This company already has this role in the agreement."
    ]


def test_patch_replaces_parties_keeping_rows_and_their_citations(world, publisher_client):
    editor_client = publisher_client  # the agreement is published
    citation = cite(world.tks_party, world.source, "Тау-Кен Самрук получит 30 %.")
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    # Swap 30/70 to 70/30: updating the wrong row first would exceed 100 % in the database.
    parties = [
        {"company": world.tks.slug, "role": "state_partner", "stake": "70"},
        {"company": world.cove.slug, "role": "investor", "stake": "30"},
    ]
    response = editor_client.patch(url, {"parties": parties}, format="json")
    assert response.status_code == 200, response.content
    stakes = {p["company"]["slug"]: p["stake"] for p in response.json()["parties"]}
    assert stakes == {world.tks.slug: "70.000", world.cove.slug: "30.000"}
    world.tks_party.refresh_from_db()  # same row: the citation still points at it
    assert citation.object_id == world.tks_party.pk
    response = editor_client.patch(url, {"parties": parties[:1]}, format="json")
    assert [p["company"]["slug"] for p in response.json()["parties"]] == [world.tks.slug]
    assert not AgreementParty.objects.filter(pk=world.cove_party.pk).exists()


def test_patch_without_parties_leaves_them_alone(world, publisher_client):
    editor_client = publisher_client  # the agreement is published
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    response = editor_client.patch(url, {"status": "in_force", "binding": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_force" and response.json()["binding"] is True
    assert world.agreement.parties.count() == 2


def test_put_requires_the_full_record(world, editor_client):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    error = assert_error(editor_client.put(url, {"title": "Only a title"}, format="json"), 400)
    assert {"deal", "kind", "status"} <= set(error["fields"])


def test_editor_adds_changes_and_removes_a_party(world, editor_client):
    extra = f.agreement(world.deal, title="Side letter", publication="draft")
    response = editor_client.post(
        "/api/v1/parties/",
        {"agreement": extra.slug, "company": world.tks.slug, "role": "partner", "stake": "60"},
        format="json",
    )
    assert response.status_code == 201, response.content
    party_id = response.json()["id"]
    over = {"agreement": extra.slug, "company": world.cove.slug, "role": "partner", "stake": "50"}
    error = assert_error(editor_client.post("/api/v1/parties/", over, format="json"), 409)
    assert error["code"] == "stake_total"
    assert error["fields"]["stake"] == [
        "The parties' stakes in agreement “Side letter” total 110 %, more than 100 %."
    ]
    patched = editor_client.patch(f"/api/v1/parties/{party_id}/", {"stake": "40"}, format="json")
    assert patched.json()["stake"] == "40.000"
    assert editor_client.post("/api/v1/parties/", over, format="json").status_code == 201
    assert editor_client.delete(f"/api/v1/parties/{party_id}/").status_code == 204
    assert not AgreementParty.objects.filter(pk=party_id).exists()


def test_editor_creates_and_changes_amounts(world, editor_client):
    data = {
        "deal": world.deal.slug,
        "agreement": world.agreement.slug,
        "investor": world.cove.slug,
        "kind": "contract_value",
        "qualifier": "range",
        "value": "1000000",
        "value_max": "2000000",
        "currency": "kzt",
        "as_of": {"date": "2026-01-01", "precision": "year"},
    }
    response = editor_client.post("/api/v1/amounts/", data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == f"{world.deal.slug}-contract-value-2026"
    assert body["currency"] == "KZT" and body["as_of"]["display"] == "2026"
    assert body["usd_value"] == "2000.00" and body["usd_value_max"] == "4000.00"
    url = f"/api/v1/amounts/{body['slug']}/"
    error = assert_error(editor_client.patch(url, {"value_max": "10"}, format="json"), 400)
    assert "upper value above the lower one" in error["message"]
    # Editors submit for review; publishing is for publishers (the editorial workflow).
    assert editor_client.patch(url, {"publication": "in_review"}, format="json").status_code == 200
    error = assert_error(editor_client.patch(url, {"publication": "published"}, format="json"), 403)
    assert error["message"].startswith("Only a publisher or an administrator may publish")


def test_amount_validation_from_clean(world, editor_client):
    other_deal = f.deal("Other deal")
    data = {
        "deal": other_deal.slug,
        "agreement": world.agreement.slug,
        "kind": "investment_commitment",
        "value": "5",
        "currency": "XYZ",
        "as_of": "2025",
    }
    error = assert_error(editor_client.post("/api/v1/amounts/", data, format="json"), 400)
    assert error["fields"]["agreement"] == ["The agreement belongs to another deal."]
    assert "'XYZ' is not an ISO 4217 currency code." in error["fields"]["currency"]


def test_restating_an_amount_already_restated_is_refused(world, editor_client):
    f.amount(world.deal, restates=world.usd, value=1_200_000_000)
    data = {
        "deal": world.deal.slug,
        "kind": "investment_commitment",
        "value": "5",
        "currency": "USD",
        "as_of": "2026-03",
        "restates": world.usd.slug,
    }
    error = assert_error(editor_client.post("/api/v1/amounts/", data, format="json"), 409)
    assert error["code"] == "unique" and "already restated" in error["message"]


def test_deleting_an_amount_that_others_restate_is_a_409(world, publisher_client):
    f.amount(world.deal, restates=world.usd, value=1_200_000_000)
    error = assert_error(publisher_client.delete(f"/api/v1/amounts/{world.usd.slug}/"), 409)
    assert error["code"] == "conflict"
    assert Amount.objects.filter(pk=world.usd.pk).exists()


def test_a_database_refusal_is_a_409_naming_the_rule_not_a_500(world, editor_client, monkeypatch):
    # As if another request had inserted the same title between validation and saving.
    monkeypatch.setattr(Agreement, "validate_constraints", lambda *a, **k: None)
    data = new_agreement(world, title="Joint development agreement", parties=[])
    response = editor_client.post("/api/v1/agreements/", data, format="json")
    error = assert_error(response, 409, "unique")
    assert "This deal already has an agreement with this title." in str(error["fields"])


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"title": "x" * 301}, "title"),
        ({"title": "Nul\x00byte"}, "title"),
        ({"kind": "treaty"}, "kind"),
        ({"binding": "maybe"}, "binding"),
        ({"deal": 12}, "deal"),
        ({"deal": "no-such-deal"}, "deal"),
        ({"signed": "26 Feb 2026"}, "signed"),
        ({"signed": {"date": "2026-02-14", "precision": "month"}}, "signed"),
        ({"deposits": "severny-katpar"}, "deposits"),
        ({"parties": {"company": "x"}}, "parties"),
        ({"parties": [{"company": "nobody", "role": "investor"}]}, "parties"),
        ({"slug": "Not a slug!"}, "slug"),
    ],
)
def test_wrong_types_and_values_in_writes_are_400(world, publisher_client, payload, field):
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    error = assert_error(publisher_client.patch(url, payload, format="json"), 400)
    assert field in error["fields"] and field in error["codes"]


@pytest.mark.parametrize("stake", ["1e10", "12345678", "0.0001", "NaN", "-1"])
def test_stakes_that_do_not_fit_the_column_are_400(world, editor_client, stake):
    party = {"company": world.outsider.slug, "role": "partner", "stake": stake}
    payload = {"agreement": world.agreement.slug, **party}
    error = assert_error(editor_client.post("/api/v1/parties/", payload, format="json"), 400)
    assert "stake" in error["fields"]


@pytest.mark.parametrize("value", ["1" * 25, "1e30", "-5", "0"])
def test_amount_values_beyond_the_decimal_field_are_400(world, editor_client, value):
    data = {
        "deal": world.deal.slug,
        "kind": "investment_commitment",
        "value": value,
        "currency": "USD",
        "as_of": "2025",
    }
    error = assert_error(editor_client.post("/api/v1/amounts/", data, format="json"), 400)
    assert "value" in error["fields"] or "non_field_errors" in error["fields"]


def test_malformed_json_is_a_400(world, editor_client):
    response = editor_client.generic(
        "POST", "/api/v1/agreements/", "{not json", content_type="application/json"
    )
    assert_error(response, 400, "parse_error")


def test_form_encoded_bodies_are_415(world, editor_client):
    response = editor_client.post("/api/v1/amounts/", {"value": "1"}, format="multipart")
    assert_error(response, 415, "unsupported_media_type")


def test_a_new_slug_takes_one_query_however_many_records_share_its_base(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deals.models import Deal
    from minerals_portal.api.writing import unique_slug

    assert unique_slug(Deal, "Busy deal", "deal") == "busy-deal"
    for slug in ["busy-deal", "busy-deal-2", "busy-deal-3", "busy-deal-7", "busy-deal-extra"]:
        Deal.objects.create(name=f"Deal {slug}", slug=slug, publication="published")
    with CaptureQueriesContext(connection) as queries:
        slug = unique_slug(Deal, "Busy deal", "deal")
    assert slug == "busy-deal-8"  # after the highest taken: a deleted record's slug is not reused
    assert len(queries) == 1
