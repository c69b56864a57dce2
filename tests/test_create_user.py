"""``manage.py create_user NAME --role ROLE``: accounts with exactly one role."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def create(monkeypatch, *args, password="a-Long-enough-passphrase-7"):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    out = io.StringIO()
    call_command("create_user", *args, "--password-stdin", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    "role, groups, staff",
    [
        ("analyst", ["analyst"], True),
        ("editor", ["editor"], True),
        ("publisher", ["editor", "publisher"], True),
        ("partner", ["partner"], False),
    ],
)
def test_each_role_gets_its_groups_and_admin_access(monkeypatch, client, role, groups, staff):
    assert f"Created {role} ann" in create(monkeypatch, "ann", "--role", role)
    user = User.objects.get(username="ann")
    assert sorted(user.groups.values_list("name", flat=True)) == groups
    assert user.is_staff is staff and not user.is_superuser
    answer = client.post(
        "/admin/login/", {"username": "ann", "password": "a-Long-enough-passphrase-7"}
    )
    assert (answer.status_code == 302) is staff  # staff roles reach the admin


def test_refuses_a_weak_password_a_taken_name_and_an_unknown_role(monkeypatch):
    with pytest.raises(CommandError, match="too short|too common"):
        create(monkeypatch, "bob", "--role", "editor", password="abc")
    assert not User.objects.filter(username="bob").exists()
    create(monkeypatch, "bob", "--role", "editor")
    with pytest.raises(CommandError, match="already exists"):
        create(monkeypatch, "BOB", "--role", "analyst")
    with pytest.raises(CommandError, match="invalid choice"):
        create(monkeypatch, "carol", "--role", "admin")
