"""One API convention: UTC date-times, specific error codes, JSON errors whatever answers
under /api/, ETags on write answers, escaped CSV with an optional BOM."""

import csv
import io

import pytest
from django.test import Client

from .conftest import assert_error, results

pytestmark = pytest.mark.django_db


def csv_text(response) -> str:
    assert response.status_code == 200, response.content
    body = response.streaming_content if response.streaming else [response.content]
    return b"".join(body).decode("utf-8")


# --- UTC ------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["companies", "deals", "agreements", "amounts", "events"])
def test_date_times_are_utc_with_z(world, partner_client, resource):
    [first, *_] = results(partner_client.get(f"/api/v1/{resource}/"))
    assert first["updated_at"].endswith("Z"), first["updated_at"]
    detail = partner_client.get(f"/api/v1/{resource}/{first['slug']}/").json()
    assert detail["updated_at"].endswith("Z") and detail["created_at"].endswith("Z")
    rows = list(csv.DictReader(io.StringIO(csv_text(partner_client.get(
        f"/api/v1/{resource}/", {"format": "csv"})))))  # fmt: skip
    assert rows[0]["updated_at"].endswith("Z")


def test_the_portal_pages_keep_local_time(world, partner_client):
    # Only the API speaks UTC: the zone the middleware sets does not leak past it.
    from django.utils import timezone

    partner_client.get("/api/v1/agreements/")
    assert timezone.get_current_timezone_name() == "Asia/Almaty"


@pytest.mark.parametrize("param", ["updated_since", "since"])
def test_a_naive_date_time_filter_is_refused(world, partner_client, param):
    path = "/api/v1/tombstones/" if param == "since" else "/api/v1/agreements/"
    error = assert_error(partner_client.get(path, {param: "2025-01-01T00:00:00"}), 400)
    assert error["code"] == "naive_datetime" and error["codes"] == {param: ["naive_datetime"]}
    assert "offset" in error["fields"][param][0]
    ok = partner_client.get(path, {param: "2025-01-01T00:00:00+05:00"})
    assert ok.status_code == 200


def test_an_offset_is_honoured(world, partner_client):
    stamp = world.agreement.updated_at
    in_almaty = stamp.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Almaty")).isoformat()
    slugs = [a["slug"] for a in results(partner_client.get(
        "/api/v1/agreements/", {"updated_since": in_almaty}))]  # fmt: skip
    assert world.agreement.slug in slugs


# --- error codes and JSON everywhere --------------------------------------------------


@pytest.mark.parametrize(
    "params,code",
    [
        ({"kind": "nope"}, "invalid_choice"),
        ({"no_such": "1"}, "unknown_parameter"),
        ({"page_size": "0"}, "invalid_page_size"),
        ({"cursor": "zzz"}, "invalid_cursor"),
        ({"q": "a\x00b"}, "null_characters_not_allowed"),
    ],
)
def test_validation_errors_carry_specific_codes(world, partner_client, params, code):
    error = assert_error(partner_client.get("/api/v1/agreements/", params), 400, code)
    assert error["codes"] == {next(iter(params)): [code]}


def test_write_validation_codes_name_the_failure(world, editor_client):
    error = assert_error(editor_client.post("/api/v1/amounts/", {}, format="json"), 400)
    assert error["code"] == "required" and set(error["codes"]["deal"]) == {"required"}
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    error = assert_error(editor_client.patch(url, {"kind": "poem"}, format="json"), 400)
    assert error["codes"] == {"kind": ["invalid_choice"]}


@pytest.fixture
def plain_client(partner):
    """A partner's client that sees a server error as the partner would (no exception)."""
    from minerals_portal.api.tokens import issue_token

    _, key = issue_token(partner)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {key}")


@pytest.mark.parametrize(
    "path,status,code",
    [
        ("/api/v1/deals/x%0A/", 404, "not_found"),  # Django's own 404, before any view
        ("/api/v1/%0A", 404, "not_found"),
        ("/api/v1/agreements/?format=xml", 404, "not_found"),
        ("/api/v1/schema/?format=xml", 404, "not_found"),
    ],
)
def test_django_and_middleware_errors_are_json_under_api(world, plain_client, path, status, code):
    assert_error(plain_client.get(path), status, code)


def test_too_many_query_parameters_is_a_json_400(world, plain_client, settings):
    query = "&".join(f"p{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    error = assert_error(plain_client.get(f"/api/v1/agreements/?{query}"), 400, "bad_request")
    assert "too many query parameters" in error["message"]


def test_a_body_past_the_limit_is_a_json_413(world, plain_client):
    from deals.imports.limits import MAX_REQUEST_BYTES

    response = plain_client.post(
        "/api/v1/agreements/",
        data=b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(MAX_REQUEST_BYTES + 1),
    )
    error = assert_error(response, 413, "request_too_large")
    assert "MB" in error["message"]  # the limit's own sentence


def test_a_server_error_is_json_under_api_and_html_elsewhere(world, plain_client, monkeypatch):
    from deals.api.views import CompanyViewSet

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(CompanyViewSet, "list", broken)
    error = assert_error(plain_client.get("/api/v1/companies/"), 500, "server_error")
    assert "a bug" not in error["message"]  # no internals leak


def test_a_404_outside_the_api_stays_html(world, plain_client):
    response = plain_client.get("/no-such-page%0A/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_405_is_json(world, admin_user):
    from rest_framework.test import APIClient

    superuser = APIClient()
    superuser.force_login(admin_user)
    response = superuser.delete(f"/api/v1/agreements/{world.agreement.slug}/")
    assert_error(response, 405, "method_not_allowed")
    assert "DELETE" not in response["Allow"]
    # Companies take PATCH of their publication only: a POST is a 405 whatever format it names.
    for params in ("", "?format=csv"):
        assert_error(superuser.post(f"/api/v1/companies/{params}", {}), 405, "method_not_allowed")


# --- ETags on write answers -----------------------------------------------------------


def test_a_patch_answer_carries_the_new_etag(world, publisher_client):
    editor_client = publisher_client
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    before = editor_client.get(url)["ETag"]
    written = editor_client.patch(url, {"venue": "Astana"}, format="json", HTTP_IF_MATCH=before)
    assert written.status_code == 200 and written["ETag"] != before
    assert written["ETag"] == editor_client.get(url)["ETag"]  # what a read answers now
    assert editor_client.get(url, HTTP_IF_NONE_MATCH=written["ETag"]).status_code == 304
    # The ETag is the optimistic lock: writing again from it succeeds, from the old one is a 412.
    again = editor_client.patch(url, {"venue": "Almaty"}, format="json",
                                HTTP_IF_MATCH=written["ETag"])  # fmt: skip
    assert again.status_code == 200
    stale = editor_client.patch(url, {"venue": "Aktau"}, format="json", HTTP_IF_MATCH=before)
    assert_error(stale, 412, "precondition_failed")


def test_a_create_answer_carries_the_records_etag(world, editor_client):
    payload = {"deal": world.deal.slug, "kind": "investment_commitment", "value": "5",
               "as_of": "2025-11", "currency": "USD"}  # fmt: skip
    created = editor_client.post("/api/v1/amounts/", payload, format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/amounts/{created.json()['slug']}/"
    assert created["ETag"].startswith('"v') and created["ETag"] == editor_client.get(url)["ETag"]


def test_a_party_write_answer_carries_an_etag(world, publisher_client):
    editor_client = publisher_client
    url = f"/api/v1/parties/{world.tks_party.pk}/"
    written = editor_client.patch(url, {"stake": "25"}, format="json")
    assert written.status_code == 200 and written["ETag"] == editor_client.get(url)["ETag"]


# --- money ----------------------------------------------------------------------------


def test_money_is_decimal_strings_with_a_currency(world, partner_client):
    for amount in results(partner_client.get("/api/v1/amounts/")):
        assert isinstance(amount["value"], str) and amount["currency"]


# --- CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_leading_cells_are_escaped_in_every_export(world, partner_client, lead):
    world.cove.name = f'{lead}HYPERLINK("http://x")'
    world.cove.save()
    world.agreement.venue = f"{lead}1+2"
    world.agreement.save()
    companies = csv_text(partner_client.get("/api/v1/companies/", {"format": "csv"}))
    rows = {r["slug"]: r for r in csv.DictReader(io.StringIO(companies))}
    assert rows[world.cove.slug]["name"] == f'\'{lead}HYPERLINK("http://x")'
    agreements = csv_text(partner_client.get("/api/v1/agreements/", {"format": "csv"}))
    [row] = [
        r for r in csv.DictReader(io.StringIO(agreements)) if r["slug"] == world.agreement.slug
    ]
    assert row["venue"] == f"'{lead}1+2"


def test_json_keeps_the_value_as_written(world, partner_client):
    world.cove.name = "=Cove"
    world.cove.save()
    assert partner_client.get(f"/api/v1/companies/{world.cove.slug}/").json()["name"] == "=Cove"


def test_a_bom_on_request_for_excel(world, partner_client):
    plain = csv_text(partner_client.get("/api/v1/companies/", {"format": "csv"}))
    assert not plain.startswith("\ufeff")
    for resource in ("companies", "agreements", "stats/deal-pipeline"):
        text = csv_text(partner_client.get(f"/api/v1/{resource}/", {"format": "csv", "bom": 1}))
        assert text.startswith("\ufeff") and text.count("\ufeff") == 1
    companies = csv_text(partner_client.get("/api/v1/companies/", {"format": "csv", "bom": 1}))
    assert "Тау-Кен Самрук" in companies  # Cyrillic as UTF-8, which the BOM tells Excel
    assert_error(partner_client.get("/api/v1/companies/", {"format": "csv", "bom": "2"}), 400)


# --- what the fuzzing with every check found, pinned ----------------------------------


def test_an_empty_date_time_filter_is_refused_not_ignored(world, partner_client):
    error = assert_error(partner_client.get("/api/v1/agreements/", {"updated_since": ""}), 400)
    assert error["codes"] == {"updated_since": ["empty"]}


def test_an_empty_format_on_a_stats_view_is_refused(world, partner_client):
    response = partner_client.get("/api/v1/stats/deal-pipeline/", {"format": ""})
    assert_error(response, 400, "invalid_choice")
    assert partner_client.get("/api/v1/stats/deal-pipeline/", {"format": "csv"}).status_code == 200


def test_an_undeclared_method_is_a_405_whatever_the_query(world, editor_client):
    url = f"/api/v1/agreements/{world.agreement.slug}/history/?cursor=&page_size=1"
    assert_error(editor_client.put(url), 405, "method_not_allowed")
    # A format the method cannot render is not a 404 either.
    assert_error(editor_client.put("/api/v1/companies/?format=csv"), 405, "method_not_allowed")
