"""The OpenAPI 3 schema documents every filter, the token scheme and the error shape."""

import re

import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def parameters(schema, path, method="get"):
    return {p["name"]: p for p in schema["paths"][path][method].get("parameters", [])}


def test_it_is_openapi_3_with_every_resource(schema):
    assert schema["openapi"].startswith("3.")
    for resource in [
        "deposits",
        "commodities",
        "companies",
        "deals",
        "agreements",
        "parties",
        "amounts",
        "events",
        "sources",
        "tombstones",
    ]:
        assert f"/api/v1/{resource}/" in schema["paths"], resource


def test_filters_pagination_and_formats_are_documented(schema):
    agreements = parameters(schema, "/api/v1/agreements/")
    for name in [
        "q",
        "deal",
        "deposit",
        "company",
        "include_subsidiaries",
        "commodity",
        "country",
        "region",
        "kind",
        "status",
        "signed_after",
        "signed_before",
        "announced_after",
        "updated_since",
        "cursor",
        "page_size",
        "ordering",
        "format",
        "If-None-Match",
    ]:
        assert name in agreements, name
    assert "YYYY-MM" in agreements["signed_after"]["description"]
    assert agreements["include_subsidiaries"]["schema"]["type"] == "boolean"
    assert "framework" in agreements["kind"]["schema"]["items"]["enum"]
    assert "updated_at" in agreements["ordering"]["description"]
    amounts = parameters(schema, "/api/v1/amounts/")
    assert {"usd_min", "usd_max", "as_of_after", "currency"} <= set(amounts)
    companies = parameters(schema, "/api/v1/companies/")
    assert {"cursor", "page_size", "subsidiaries_of"} <= set(companies)
    assert "500" in companies["page_size"]["description"]
    assert {"since", "resource"} <= set(parameters(schema, "/api/v1/tombstones/"))


def test_token_auth_and_errors_are_documented(schema):
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    operation = schema["paths"]["/api/v1/agreements/"]["get"]
    assert {"apiToken": []} in operation["security"]
    error = schema["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["status", "code", "message", "fields", "codes"]
    for status in ["400", "401", "403", "404", "429", "304"]:
        assert status in operation["responses"], status
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "ETag" in operation["responses"]["200"]["headers"]
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert "409" in schema["paths"]["/api/v1/agreements/"]["post"]["responses"]
    example = operation["responses"]["401"]["content"]["application/json"]["example"]
    assert example["error"]["status"] == 401


def test_writes_take_the_write_form_and_answer_the_detail_form(schema):
    post = schema["paths"]["/api/v1/agreements/"]["post"]
    request_ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    response_ref = post["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert request_ref.endswith("AgreementWriteRequest")
    assert response_ref.endswith("AgreementDetail")
    signed = schema["components"]["schemas"]["AgreementDetail"]["properties"]["signed"]
    assert "display" in str(signed)


def test_the_guide_explains_sync_errors_and_limits(schema):
    guide = schema["info"]["description"]
    for topic in ["tombstones", "updated_since", "If-None-Match", "Retry-After", "format=csv"]:
        assert topic in guide, topic


def test_spectacular_validates_the_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert yaml.safe_load(out.read_text())["openapi"].startswith("3.")


def test_docs_page_loads_with_no_external_url(db):
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    assert "http://" not in html and "https://" not in html
    assert "/static/drf_spectacular_sidecar/" in html
    # No inline script (the portal's Content-Security-Policy would block it): the
    # start-up script is a file of its own, which points the UI at the schema.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    startup = APIClient().get("/api/v1/docs/?script=")
    assert startup.status_code == 200 and "javascript" in startup["Content-Type"]
    assert "/api/v1/schema/" in startup.content.decode()


def test_the_sidecar_assets_exist_as_static_files():
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")


def test_documented_write_examples_are_accepted_as_written(db):
    from deals.api.views import AGREEMENT_EXAMPLE, AMOUNT_EXAMPLE
    from deals.models import Company, Deal
    from deposits.models import Commodity, Deposit

    from .conftest import make_user, token_client

    Deal.objects.create(name="Tungsten project", slug="tungsten-project")
    Deposit.objects.create(name="Severny Katpar", slug="severny-katpar")
    Commodity.objects.create(name="Tungsten", code="W", slug="tungsten")
    Company.objects.create(name="Tau-Ken Samruk", slug="tau-ken-samruk", kind="miner", country="KZ")
    Company.objects.create(name="Cove Capital", slug="cove-capital", kind="miner", country="US")
    editor = token_client(make_user("editor"))
    for path, example in [("agreements", AGREEMENT_EXAMPLE), ("amounts", AMOUNT_EXAMPLE)]:
        response = editor.post(f"/api/v1/{path}/", example.value, format="json")
        assert response.status_code == 201, response.content


def test_examples_appear_in_the_schema(schema):
    post = schema["paths"]["/api/v1/agreements/"]["post"]
    assert post["requestBody"]["content"]["application/json"]["examples"]


def test_pagination_is_documented_as_served(schema):
    pages = {
        name: body
        for name, body in schema["components"]["schemas"].items()
        if name.startswith("Paginated")
    }
    assert "PaginatedHistoryEntryList" in pages and "PaginatedCompanyListList" in pages
    for name, body in pages.items():
        assert set(body["properties"]) == {"next", "previous", "results"}, name
    for path in ("/api/v1/companies/", "/api/v1/agreements/{slug}/history/"):
        names = set(parameters(schema, path))
        assert {"cursor", "page_size"} <= names and "page" not in names, path
        ok = schema["paths"][path]["get"]["responses"]["200"]
        assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
            ok["headers"]
        )


def test_stats_rows_are_typed_with_money_as_decimal_strings(schema):
    row = schema["components"]["schemas"]["CommittedByCommodityRow"]
    assert row["properties"]["committed_usd"]["type"] == "string"
    assert row["properties"]["committed_usd"]["format"] == "decimal"
    assert row["properties"]["currency"]["type"] == "string"
    assert "commodity" in row["properties"] and "committed_usd" in row["required"]


def test_alternatives_are_any_of_never_one_of(schema):
    text = yaml.safe_dump(schema)
    assert "oneOf" not in text
    url = schema["components"]["schemas"]["SourceList"]["properties"]["url"]
    assert len(url["anyOf"]) == 2  # an empty URL satisfies both: oneOf would refuse it


def test_write_answers_document_their_etag(schema):
    patch = schema["paths"]["/api/v1/agreements/{slug}/"]["patch"]["responses"]["200"]
    assert "ETag" in patch["headers"]


def test_loose_date_filters_document_their_pattern(schema):
    signed_after = parameters(schema, "/api/v1/agreements/")["signed_after"]
    assert re.fullmatch(signed_after["schema"]["pattern"], "2025-11")
    assert not re.search(signed_after["schema"]["pattern"], "2025-13")
    assert re.search(signed_after["schema"]["pattern"], "")  # empty: no bound, as served
    assert "YYYY-MM" in signed_after["description"]


def test_ordering_documents_the_pattern_the_server_checks(schema, world, partner_client):
    pattern = parameters(schema, "/api/v1/agreements/")["ordering"]["schema"]["pattern"]
    for accepted in ("created_at", "-updated_at", "updated_at, -created_at", ""):
        assert re.fullmatch(pattern, accepted), accepted
        response = partner_client.get("/api/v1/agreements/", {"ordering": accepted})
        assert response.status_code == 200, (accepted, response.content)
    for refused in ("poem", "--created_at", "created_at,"):
        assert not re.fullmatch(pattern, refused), refused
        response = partner_client.get("/api/v1/agreements/", {"ordering": refused})
        assert response.status_code == 400, (refused, response.content)


def test_decimal_strings_need_a_digit_as_served(schema, world, editor_client):
    value = schema["components"]["schemas"]["PatchedAmountWriteRequest"]["properties"]["value"]
    assert re.fullmatch(value["pattern"], "12.5") and re.fullmatch(value["pattern"], ".5")
    for refused in ("-", ".", ""):
        assert not re.fullmatch(value["pattern"], refused)
        url = f"/api/v1/amounts/{world.usd.slug}/"
        response = editor_client.patch(url, {"value": refused}, format="json")
        assert response.status_code == 400, (refused, response.content)


def test_webhook_resources_are_an_enum(schema):
    components = schema["components"]["schemas"]
    resources = components["EndpointRequest"]["properties"]["resources"]["items"]
    enum = components[resources["$ref"].rsplit("/", 1)[1]]["enum"]
    assert "deals" in enum and "webhooks" not in enum


def test_conflicts_are_documented_with_their_codes(schema):
    assert "409" in schema["paths"]["/api/v1/parties/"]["post"]["responses"]
    codes = schema["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]
    assert {"unique", "stake_total"} <= set(re.findall(r"\w+", codes["description"]))
