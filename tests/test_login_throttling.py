"""Wrong passwords are throttled per account and per address (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.management import call_command

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/"
RIGHT = "a-Long-enough-passphrase-7"


@pytest.fixture
def staff(db):
    return User.objects.create_user("ed", password=RIGHT, is_staff=True)


def login(client, username, password, address="198.51.100.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_with_a_message(client, staff):
    for _ in range(4):
        assert login(client, "ed", "wrong").status_code == 200  # the form again, with its error
    locked = login(client, "ed", "wrong")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    # From another address too: the account itself is locked.
    refused = login(client, "ed", RIGHT, address="203.0.113.9")
    assert refused.status_code == 429 and "_auth_user_id" not in client.session


def test_one_address_guessing_many_accounts_is_locked_out(client, staff):
    for name in ("a1", "a2", "a3", "a4", "a5"):
        login(client, name, "guess")
    assert login(client, "ed", RIGHT).status_code == 429
    assert login(client, "ed", RIGHT, address="203.0.113.9").status_code == 302


def test_an_administrator_unlocks_the_account(client, staff):
    for _ in range(5):
        login(client, "ed", "wrong")
    assert AccessAttempt.objects.filter(username="ed").exists()
    call_command("axes_reset_username", "ed")
    assert login(client, "ed", RIGHT, address="203.0.113.9").status_code == 302
