"""Tokens are issued by a management command or the admin, and revoked in the admin."""

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from deals.models import ApiToken

from .conftest import assert_error, make_user

pytestmark = pytest.mark.django_db


def run_command(*args):
    from io import StringIO

    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_command_creates_a_partner_whose_printed_token_reads_but_cannot_write(world):
    lines = run_command("acme-sync", "--name", "Acme nightly")
    key = lines[-1]
    user = User.objects.get(username="acme-sync")
    assert list(user.groups.values_list("name", flat=True)) == ["partner"]
    assert not user.has_usable_password()
    token = ApiToken.objects.get(user=user)
    assert token.name == "Acme nightly" and token.expires_at is None
    assert key not in "\n".join(lines[:-1])  # shown once, alone on the last line
    client = client_with(key)
    assert client.get("/api/v1/agreements/").status_code == 200
    assert_error(client.post("/api/v1/agreements/", {}, format="json"), 403)


def test_command_keeps_an_existing_role_and_sets_expiry(world):
    editor = make_user("editor")
    key = run_command(editor.username, "--expires", "30")[-1]
    assert list(editor.groups.values_list("name", flat=True)) == ["editor"]
    token = ApiToken.objects.get(user=editor)
    days = (token.expires_at - timezone.now()).days
    assert 29 <= days <= 30
    assert client_with(key).get("/api/v1/deals/").status_code == 200


def test_command_refuses_bad_arguments(db):
    with pytest.raises(CommandError, match="at least 1"):
        run_command("someone", "--expires", "0")
    with pytest.raises(CommandError, match="Invalid username"):
        run_command("no spaces allowed!")
    assert not User.objects.filter(username="someone").exists()


def test_admin_revoke_action_makes_the_token_401(world, admin_client):
    key = run_command("revoke-me")[-1]
    token = ApiToken.objects.get(user__username="revoke-me")
    changelist = reverse("admin:deals_apitoken_changelist")
    page = admin_client.get(changelist).content.decode()
    assert token.prefix in page and token.key_hash not in page
    response = admin_client.post(
        changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "Revoked 1 token" in response.content.decode()
    assert_error(client_with(key).get("/api/v1/deals/"), 401, "token_revoked")


def test_admin_issues_a_token_and_shows_the_key_once(world, admin_client):
    partner = make_user("partner")
    response = admin_client.post(
        reverse("admin:deals_apitoken_add"),
        {"user": partner.pk, "name": "from admin", "expires_at_0": "", "expires_at_1": ""},
        follow=True,
    )
    body = response.content.decode()
    token = ApiToken.objects.get(user=partner)
    marker = f"API token for {partner.username}: "
    assert marker in body
    key = body.split(marker, 1)[1].split(" ", 1)[0]
    assert key.startswith(token.prefix)
    assert client_with(key).get("/api/v1/deals/").status_code == 200
    change = admin_client.get(reverse("admin:deals_apitoken_change", args=[token.pk]))
    assert key not in change.content.decode() and token.key_hash not in change.content.decode()


def test_command_never_changes_an_existing_users_groups_silently(world):
    admin = User.objects.create_superuser("root-admin", "", "pw-long-enough-1")
    with pytest.raises(CommandError, match="--make-partner"):
        run_command("root-admin")
    assert not admin.groups.exists() and not ApiToken.objects.filter(user=admin).exists()
    key = run_command("root-admin", "--make-partner")[-1]
    assert list(admin.groups.values_list("name", flat=True)) == ["partner"]
    assert client_with(key).get("/api/v1/deals/").status_code == 200
