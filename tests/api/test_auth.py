"""Reading needs a valid token (or a session); only editors may write."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from deals.models import ApiToken
from minerals_portal.api.tokens import issue_token

from .conftest import assert_error, make_user, token_client

pytestmark = pytest.mark.django_db

# How Django's ModelBackend fetches a user's permissions.
PERMISSION_QUERY = 'SELECT "django_content_type"."app_label"'


def test_anonymous_requests_get_401_with_a_json_error_and_a_challenge(world):
    response = APIClient().get("/api/v1/agreements/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_partner_token_reads(world, partner_client):
    assert partner_client.get("/api/v1/deals/").status_code == 200


def test_bearer_keyword_is_accepted_too(world, partner):
    _, key = issue_token(partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/deals/").status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Token mpk_not-a-real-token", "Token", "Token two words", "Bearer \u00e9t\u00e9"],
)
def test_unknown_or_malformed_tokens_get_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    error = assert_error(client.get("/api/v1/deals/"), 401)
    assert error["code"] in {"invalid_token", "malformed_token_header"}


def test_an_expired_token_gets_401(world, partner):
    token, key = issue_token(partner, expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error(client.get("/api/v1/deals/"), 401, "token_expired")


def test_a_token_not_yet_expired_works(world, partner):
    client = token_client(partner, expires_in_days=30)
    assert client.get("/api/v1/deals/").status_code == 200


def test_a_revoked_token_gets_401(world, partner):
    token, key = issue_token(partner)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert_error(client.get("/api/v1/deals/"), 401, "token_revoked")


def test_an_inactive_users_token_gets_401(world, partner):
    client = token_client(partner)
    partner.is_active = False
    partner.save()
    assert_error(client.get("/api/v1/deals/"), 401, "user_inactive")


def test_only_the_hash_is_stored_and_use_is_recorded(world, partner):
    token, key = issue_token(partner, name="nightly sync")
    assert key not in token.key_hash and len(token.key_hash) == 64
    assert key.startswith(token.prefix)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/deals/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_user_without_any_role_cannot_read(world):
    client = token_client(make_user())
    assert_error(client.get("/api/v1/deals/"), 403, "permission_denied")


def test_session_login_serves_the_portals_own_pages(world, analyst_client):
    assert analyst_client.get("/api/v1/agreements/").status_code == 200


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", "/api/v1/agreements/"),
        ("patch", "/api/v1/agreements/{agreement}/"),
        ("post", "/api/v1/amounts/"),
        ("post", "/api/v1/parties/"),
        ("delete", "/api/v1/parties/{party}/"),
    ],
)
def test_partners_may_not_write(world, partner_client, method, path):
    url = path.format(agreement=world.agreement.slug, party=world.tks_party.pk)
    response = getattr(partner_client, method)(url, {"title": "Renamed"}, format="json")
    assert_error(response, 403, "permission_denied")


def test_analysts_may_not_write_either(world, analyst_client):
    response = analyst_client.patch(
        f"/api/v1/agreements/{world.agreement.slug}/", {"title": "Renamed"}, format="json"
    )
    assert_error(response, 403)


def test_read_only_resources_offer_no_write_methods_even_to_editors(world, editor_client):
    assert_error(editor_client.post("/api/v1/deposits/", {}, format="json"), 405)
    response = editor_client.put(f"/api/v1/deals/{world.deal.slug}/", {}, format="json")
    assert_error(response, 405, "method_not_allowed")


def test_the_partner_group_holds_view_permissions_only(db):
    from django.contrib.auth.models import Group

    codenames = set(
        Group.objects.get(name="partner").permissions.values_list("codename", flat=True)
    )
    assert {"view_agreement", "view_amount", "view_tombstone", "view_deposit"} <= codenames
    assert all(c.startswith("view_") for c in codenames)


def test_options_describes_the_write_form_to_editors(world, editor_client):
    post = editor_client.options("/api/v1/agreements/").json()["actions"]["POST"]
    assert {"deal", "parties", "signed"} <= set(post) and "citations" not in post


def test_permissions_come_with_the_token_and_changes_apply_to_the_next_request(world):
    """Roles are read with the token on every request: granting or removing one takes effect
    at once, and a request needs no permission query of its own."""
    client = token_client(make_user())
    assert client.get("/api/v1/deals/").status_code == 403
    view_deal = Permission.objects.get(codename="view_deal")
    user = ApiToken.objects.latest("created_at").user
    user.user_permissions.add(view_deal)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/deals/?page_size=1").status_code == 200
    asked = [q for q in queries.captured_queries if q["sql"].startswith(PERMISSION_QUERY)]
    assert not asked  # ModelBackend's own look-up (two queries per user object) never ran
    user.user_permissions.remove(view_deal)
    assert client.get("/api/v1/deals/").status_code == 403


def test_remaking_the_role_permissions_leaves_the_app_registry_as_it_was(db):
    """Tests remake migration-made rows after a flush; the next flush must still recreate
    content types (a registry left without models modules made them stale: failed CI)."""
    from django.apps import apps

    from deals.roles import create_permissions_in

    before = {config.label: config.models_module for config in apps.get_app_configs()}
    create_permissions_in(apps)
    assert {config.label: config.models_module for config in apps.get_app_configs()} == before
