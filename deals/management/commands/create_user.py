"""Create an account with one role: ``manage.py create_user NAME --role ROLE``.

Roles are the portal's groups: ``analyst`` (reads everything, drafts included),
``editor`` (enters drafts), ``publisher`` (reviews and publishes) and ``partner``
(API only, through tokens: see ``create_api_token``). Staff roles may log in to the
admin; a partner has no password. A staff account's password is read from the
terminal (twice) or, with ``--password-stdin``, from standard input.
"""

import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from minerals_portal.api.permissions import ANALYST, EDITOR, PARTNER, PUBLISHER

ROLES = (ANALYST, EDITOR, PUBLISHER, PARTNER)


class Command(BaseCommand):
    help = "Create a user with a role: analyst, editor, publisher or partner."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args, username, role, email, password_stdin, **options):
        User = get_user_model()
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise CommandError(f"Invalid username {username!r}: {' '.join(exc.messages)}") from None
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user {username!r} already exists; change it in the admin.")
        groups = list(Group.objects.filter(name__in=self.groups_for(role)))
        if len(groups) != len(self.groups_for(role)):
            raise CommandError("The role groups are missing: run `manage.py migrate`.")
        user = User(username=username, email=email, is_staff=role != PARTNER)
        if role == PARTNER:
            user.set_unusable_password()
        else:
            password = self.read_password(password_stdin)
            try:
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.set(groups)
        self.stdout.write(f"Created {role} {username}.")

    @staticmethod
    def groups_for(role: str) -> list[str]:
        """A publisher is an editor who may also publish (the publisher group adds that)."""
        return [EDITOR, PUBLISHER] if role == PUBLISHER else [role]

    @staticmethod
    def read_password(from_stdin: bool) -> str:
        if from_stdin:
            return sys.stdin.readline().rstrip("\n")
        if not sys.stdin.isatty():
            raise CommandError("No terminal to ask for a password: use --password-stdin.")
        first, second = getpass.getpass("Password: "), getpass.getpass("Password (again): ")
        if first != second:
            raise CommandError("The passwords differ.")
        return first
