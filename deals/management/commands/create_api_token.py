"""Issue an API token: ``manage.py create_api_token USERNAME [--expires DAYS] [--name NAME]``.

A new user is created as a partner. An existing user keeps exactly the groups it has:
one without a role (a superuser, say) is refused unless ``--make-partner`` asks for it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from minerals_portal.api.permissions import PARTNER, ROLE_GROUPS
from minerals_portal.api.tokens import issue_token


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME. A new user is created in the partner group; an "
        "existing user's groups are never changed, except with --make-partner for a user "
        "without a role. The token is printed alone on the last line and cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="Days until it expires.")
        parser.add_argument("--name", default="", help="What the token is for (shown in admin).")
        parser.add_argument(
            "--make-partner",
            action="store_true",
            help="Add an existing user without a role to the partner group.",
        )

    def handle(self, *args, username, expires, name, make_partner, **options):
        if expires is not None and expires < 1:
            raise CommandError("--expires takes a whole number of days, at least 1.")
        if len(name) > 100:
            raise CommandError("--name is at most 100 characters.")
        User = get_user_model()
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise CommandError(f"Invalid username {username!r}: {' '.join(exc.messages)}") from None
        try:
            partner = Group.objects.get(name=PARTNER)
        except Group.DoesNotExist:
            raise CommandError("The partner group is missing: run `manage.py migrate`.") from None
        with transaction.atomic():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_unusable_password()
                user.save()
            if not user.groups.filter(name__in=ROLE_GROUPS).exists():
                if not (created or make_partner):
                    kind = "superuser" if user.is_superuser else "user"
                    raise CommandError(
                        f"{kind.capitalize()} {username!r} has no role, and its groups are not "
                        "changed silently: give it a role in the admin, or pass "
                        "--make-partner to add it to the partner group."
                    )
                user.groups.add(partner)
            token, key = issue_token(user, name=name, expires_in_days=expires)
        roles = ", ".join(user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True))
        expiry = (
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "no expiry"
        )
        self.stdout.write(
            f"{'Created' if created else 'Existing'} user {user.username} ({roles}); "
            f"token {token.prefix}… ({expiry}). Store it now, it will not be shown again:"
        )
        self.stdout.write(key)
