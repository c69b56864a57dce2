"""CSV export: the same rows as JSON, same filters and order, streamed."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from tests import factories as f

from .conftest import assert_error

pytestmark = pytest.mark.django_db


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def json_items(client, path, params=None):
    return client.get(path, {**(params or {}), "page_size": 500}).json()["results"]


def joined(values):
    return "; ".join("" if v is None else str(v) for v in values)


def loose(value, part):
    return "" if value is None else value[part]


def text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return str(value)


# For each resource, how each CSV column reads from the JSON item (written out independently
# of the exporter, so a wrong column is caught).
EXPECTED = {
    "agreements": lambda a: {
        "id": str(a["id"]),
        "slug": a["slug"],
        "title": a["title"],
        "title_ru": a["title_ru"],
        "deal_slug": a["deal"]["slug"],
        "deal_name": a["deal"]["name"],
        "kind": a["kind"],
        "status": a["status"],
        "binding": text(a["binding"]),
        "announced": loose(a["announced"], "date"),
        "announced_precision": loose(a["announced"], "precision"),
        "signed": loose(a["signed"], "date"),
        "signed_precision": loose(a["signed"], "precision"),
        "venue": a["venue"],
        "publication": a["publication"],
        "party_companies": joined(p["company"]["slug"] for p in a["parties"]),
        "party_roles": joined(p["role"] for p in a["parties"]),
        "party_stakes": joined(p["stake"] for p in a["parties"]),
        "party_held_via": joined((p["held_via"] or {}).get("slug") for p in a["parties"]),
        "deposits": joined(d["slug"] for d in a["deposits"]),
        "commodities": joined(c["slug"] for c in a["commodities"]),
        "status_history": joined(c["status"] for c in a["status_history"]),
        "status_history_dates": joined(c["date"]["date"] for c in a["status_history"]),
        "status_history_precisions": joined(c["date"]["precision"] for c in a["status_history"]),
        "status_history_sources": joined(c["source"]["slug"] for c in a["status_history"]),
        "updated_at": a["updated_at"],
    },
    "amounts": lambda a: {
        "slug": a["slug"],
        "deal_slug": a["deal"]["slug"],
        "agreement_slug": text((a["agreement"] or {}).get("slug")),
        "reported_with": joined(g["slug"] for g in a["reported_with"]),
        "deposit_slug": text((a["deposit"] or {}).get("slug")),
        "investor_slug": text((a["investor"] or {}).get("slug")),
        "kind": a["kind"],
        "qualifier": a["qualifier"],
        "value": a["value"],
        "value_max": text(a["value_max"]),
        "currency": a["currency"],
        "usd_value": text(a["usd_value"]),
        "usd_value_max": text(a["usd_value_max"]),
        "as_of": a["as_of"]["date"],
        "as_of_precision": a["as_of"]["precision"],
        "restates": text(a["restates"]),
        "publication": a["publication"],
        "updated_at": a["updated_at"],
    },
    "events": lambda e: {
        "slug": e["slug"],
        "title": e["title"],
        "kind": e["kind"],
        "date": e["date"]["date"],
        "date_precision": e["date"]["precision"],
        "end": loose(e["end"], "date"),
        "end_precision": loose(e["end"], "precision"),
        "deal_slug": text((e["deal"] or {}).get("slug")),
        "agreement_slug": text((e["agreement"] or {}).get("slug")),
        "deposits": joined(d["slug"] for d in e["deposits"]),
        "companies": joined(c["slug"] for c in e["companies"]),
        "publication": e["publication"],
        "updated_at": e["updated_at"],
    },
    "deals": lambda d: {
        **{k: text(d[k]) for k in ("slug", "name", "name_ru", "name_kk", "aliases")},
        "host_country": d["host_country"],
        "publication": d["publication"],
        "deposits": joined(x["slug"] for x in d["deposits"]),
        "commodities": joined(x["slug"] for x in d["commodities"]),
        "updated_at": d["updated_at"],
    },
    "deposits": lambda d: {
        **{k: text(d[k]) for k in ("slug", "name", "name_ru", "name_kk", "aliases")},
        "kind": d["kind"],
        "stage": d["stage"],
        "regions": joined(x["slug"] for x in d["regions"]),
        "commodities": joined(x["slug"] for x in d["commodities"]),
        "latitude": text(d["latitude"]),
        "longitude": text(d["longitude"]),
        "location_accuracy": d["location_accuracy"],
        "updated_at": d["updated_at"],
    },
    "companies": lambda c: {
        k: text(c[k])
        for k in ("slug", "name", "name_ru", "name_kk", "aliases", "kind", "country", "updated_at")
    },
    "commodities": lambda c: {
        k: text(c[k])
        for k in (
            "slug",
            "name",
            "name_ru",
            "name_kk",
            "aliases",
            "code",
            "group",
            "usgs_2022",
            "usgs_2025",
            "updated_at",
        )
    },
    "sources": lambda s: {
        k: text(s[k])
        for k in ("slug", "publisher", "title", "url", "language", "published", "updated_at")
    },
    "parties": lambda p: {
        "id": str(p["id"]),
        "agreement_slug": p["agreement"]["slug"],
        "company_slug": p["company"]["slug"],
        "company_name": p["company"]["name"],
        "role": p["role"],
        "stake": text(p["stake"]),
        "held_via_slug": text((p["held_via"] or {}).get("slug")),
        "updated_at": p["updated_at"],
    },
}


@pytest.mark.parametrize("resource", sorted(EXPECTED))
def test_csv_rows_equal_the_json_items(world, editor_client, resource):
    world.tks.aliases = ["TKS", "Тау-Кен"]
    world.tks.save()
    items = json_items(editor_client, f"/api/v1/{resource}/")
    rows = csv_rows(editor_client.get(f"/api/v1/{resource}/", {"format": "csv"}))
    assert len(rows) == len(items) > 0
    assert rows == [EXPECTED[resource](item) for item in items]


def test_csv_honours_filters_and_ordering(world, partner_client):
    f.agreement(world.deal, title="Share purchase", kind="spa")
    params = {"kind": "framework,spa".split(","), "ordering": "-updated_at"}
    items = json_items(partner_client, "/api/v1/agreements/", params)
    rows = csv_rows(partner_client.get("/api/v1/agreements/", {**params, "format": "csv"}))
    assert [r["slug"] for r in rows] == [i["slug"] for i in items] and len(rows) == 2
    one = csv_rows(partner_client.get("/api/v1/agreements/", {"q": "share", "format": "csv"}))
    assert [r["title"] for r in one] == ["Share purchase"]


def test_accept_header_selects_csv(world, partner_client):
    rows = csv_rows(partner_client.get("/api/v1/companies/", HTTP_ACCEPT="text/csv"))
    assert {r["name"] for r in rows} >= {"Tau-Ken Samruk", "Cove Capital"}


def test_csv_is_not_paginated(db, partner_client):
    for i in range(60):
        f.company(f"Bulk {i:02d}")
    assert len(csv_rows(partner_client.get("/api/v1/companies/?format=csv"))) == 60


@pytest.mark.parametrize("resource", ["companies", "agreements", "tombstones"])
def test_csv_refuses_a_malformed_page_size_or_cursor_as_the_json_list_does(
    world, partner_client, resource
):
    url = f"/api/v1/{resource}/"
    bad_size = partner_client.get(url, {"format": "csv", "page_size": "many"})
    assert_error(bad_size, 400, "invalid_page_size")
    assert_error(partner_client.get(url, {"format": "csv", "cursor": "=+"}), 400, "invalid_cursor")
    assert partner_client.get(url, {"format": "csv", "page_size": "5"}).status_code == 200


def test_errors_stay_json_when_csv_was_asked_for(world, partner_client):
    response = partner_client.get("/api/v1/agreements/", {"format": "csv", "kind": "nope"})
    assert_error(response, 400, "invalid_choice")
    response = partner_client.get("/api/v1/agreements/", {"kind": "nope"}, HTTP_ACCEPT="text/csv")
    assert_error(response, 400)


def test_csv_is_offered_on_lists_only(world, partner_client):
    assert_error(partner_client.get(f"/api/v1/deals/{world.deal.slug}/?format=csv"), 404)
    response = partner_client.get(f"/api/v1/deals/{world.deal.slug}/", HTTP_ACCEPT="text/csv")
    assert_error(response, 406, "not_acceptable")


def test_csv_has_a_download_name(world, partner_client):
    response = partner_client.get("/api/v1/events/?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="events.csv"'
