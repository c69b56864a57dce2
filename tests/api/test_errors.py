"""Every bad input is a documented 4xx in one JSON shape, never a 500."""

import pytest
from rest_framework.test import APIClient

from .conftest import assert_error

pytestmark = pytest.mark.django_db

BAD_LIST_REQUESTS = [
    ("/api/v1/agreements/", {"kind": "unknown"}, 400, "kind"),
    ("/api/v1/agreements/", {"signed_after": "2025-02-30"}, 400, "signed_after"),
    ("/api/v1/agreements/", {"signed_before": "20250101"}, 400, "signed_before"),
    ("/api/v1/agreements/", {"updated_since": "2025-13-01T00:00:00Z"}, 400, "updated_since"),
    ("/api/v1/agreements/", {"no_such_filter": "1"}, 400, "no_such_filter"),
    ("/api/v1/agreements/", {"q": "tung\x00sten"}, 400, "q"),
    ("/api/v1/agreements/", {"bad\x00name": "x"}, 400, None),
    ("/api/v1/agreements/", {"deal": "\x00"}, 400, "deal"),
    ("/api/v1/agreements/", {"q": "x" * 201}, 400, "q"),
    ("/api/v1/agreements/", {"ordering": "title"}, 400, "ordering"),
    ("/api/v1/agreements/", {"page_size": "100000"}, 400, "page_size"),
    ("/api/v1/agreements/", {"page": "2"}, 400, "page"),  # lists have no page numbers
    ("/api/v1/companies/", {"cursor": "abc"}, 400, "cursor"),
    ("/api/v1/amounts/", {"usd_max": "9" * 40}, 400, "usd_max"),
    ("/api/v1/amounts/", {"usd_min": "1e-999999"}, 400, "usd_min"),
    ("/api/v1/amounts/", {"currency": "usd"}, 400, "currency"),
    ("/api/v1/events/", {"date_after": "yesterday"}, 400, "date_after"),
    ("/api/v1/deposits/", {"usgs_2025": "1"}, 400, "usgs_2025"),
    ("/api/v1/commodities/", {"usgs_2025": "sometimes"}, 400, "usgs_2025"),
    ("/api/v1/tombstones/", {"since": "last week"}, 400, "since"),
    ("/api/v1/tombstones/", {"resource": "users"}, 400, "resource"),
    ("/api/v1/sources/", {"published_after": "2025-00"}, 400, "published_after"),
    ("/api/v1/agreements/", {"format": "xml"}, 404, None),
]


@pytest.mark.parametrize("path,params,status,field", BAD_LIST_REQUESTS)
def test_bad_query_inputs(world, partner_client, path, params, status, field):
    error = assert_error(partner_client.get(path, params), status)
    if field is not None:
        assert field in error["fields"], error


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nowhere/",
        "/api/v1/deals/no%00pe/",
        "/api/v1/parties/12345678901234567890123/",
        "/api/v1/parties/abc/",
        "/api/v1/deals/a/b/",
    ],
)
def test_unknown_api_paths_are_json_404s(world, partner_client, path):
    assert_error(partner_client.get(path), 404, "not_found")


def test_the_error_shape_for_each_kind_of_failure(world, partner_client, admin_user):
    assert_error(partner_client.delete(f"/api/v1/deals/{world.deal.slug}/"), 403)
    superuser = APIClient()
    superuser.force_login(admin_user)
    assert_error(superuser.delete(f"/api/v1/agreements/{world.agreement.slug}/"), 405)
    assert_error(partner_client.get("/api/v1/deals/", HTTP_ACCEPT="application/xml"), 406)


def test_a_nul_byte_in_a_written_string_is_a_400(world, editor_client):
    response = editor_client.patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"venue": "Ast\x00ana"}, format="json"
    )
    error = assert_error(response, 400, "null_characters_not_allowed")
    assert "venue" in error["fields"]


def test_a_nul_byte_in_a_written_slug_reference_is_a_400(world, editor_client):
    payload = {"agreement": "a\x00", "company": world.tks.slug, "role": "partner"}
    error = assert_error(editor_client.post("/api/v1/parties/", payload, format="json"), 400)
    assert error["fields"] == {"agreement": ["Null characters are not allowed."]}
    nested = {"parties": [{"company": world.tks.slug, "role": "partner\x00"}]}
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    error = assert_error(editor_client.patch(url, nested, format="json"), 400)
    assert list(error["fields"]) == ["parties[0].role"]


def test_a_duplicate_of_a_stored_record_is_a_409_naming_the_field(world, publisher_client):
    editor_client = publisher_client  # writes to published records directly
    # The same request would succeed against other data: a conflict, not invalid input.
    party = {"agreement": world.agreement.slug, "company": world.tks.slug}
    payload = {**party, "role": "state_partner", "stake": "1"}
    error = assert_error(editor_client.post("/api/v1/parties/", payload, format="json"), 409)
    assert error["code"] == "unique"
    assert error["codes"] == {"non_field_errors": ["unique"]}
    amount = {"slug": world.usd.slug, "deal": world.deal.slug, "kind": "investment_commitment"}
    amount |= {"value": "5", "currency": "USD", "as_of": "2026"}
    error = assert_error(editor_client.post("/api/v1/amounts/", amount, format="json"), 409)
    assert error["codes"] == {"slug": ["unique"]}


def test_invalid_input_beside_a_conflict_is_still_a_400(world, editor_client):
    payload = {"agreement": world.agreement.slug, "company": world.tks.slug, "stake": "1"}
    payload["role"] = "poem"  # not a role: the request is wrong whatever is stored
    error = assert_error(editor_client.post("/api/v1/parties/", payload, format="json"), 400)
    assert error["codes"]["role"] == ["invalid_choice"]


def test_an_unknown_webhook_resource_is_a_400_naming_it(world, partner_client):
    payload = {"url": "https://example.com/hook", "resources": ["deals", "poems"]}
    error = assert_error(partner_client.post("/api/v1/webhooks/", payload, format="json"), 400)
    assert error["code"] == "invalid_choice" and "poems" in error["message"]
