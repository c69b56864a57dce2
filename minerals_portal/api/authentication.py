"""``Authorization: Token <key>`` (or ``Bearer <key>``) authentication against ``ApiToken``.

On PostgreSQL the token, its user, the user's groups and permissions and, for
reads, the published-only data version (the ETag's basis, see ``caching``) come
from one prepared statement: a partner's revalidation (``If-None-Match``) then
costs one query, where fetching each lazily cost five (token, user permissions,
group permissions, groups, data version). The token is still read from the
database on every request, so revoking it (even by a bare ``UPDATE``) takes
effect at once.
"""

import datetime as dt
from functools import cache as memoize

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS

from .caching import fetch_prepared, fingerprint_columns, remember_data_version, version_of
from .tokens import hash_key

KEYWORDS = (b"token", b"bearer")
# Recording every use would write on every request; once a minute is enough to audit.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _fields(model) -> list:
    return list(model._meta.concrete_fields)


@memoize
def _token_sql(with_version: bool) -> str:
    """The token by its key hash, with its user, roles and (``with_version``) data version."""
    from deals.models import ApiToken

    quote = connection.ops.quote_name
    User = get_user_model()

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    user_groups = User.groups.through
    user_perms = User.user_permissions.through
    group_perms = Group.permissions.through
    content_type = Permission._meta.get_field("content_type").related_model
    perm_name = (
        f"ct.{column(content_type, 'app_label')} || '.' || p.{column(Permission, 'codename')}"
    )
    perms_from = (
        f"FROM {table(Permission)} p JOIN {table(content_type)} ct"
        f" ON ct.{quote('id')} = p.{column(Permission, 'content_type')}"
    )
    selected = [
        *(f"t.{quote(f.column)}" for f in _fields(ApiToken)),
        *(f"u.{quote(f.column)}" for f in _fields(User)),
        f"ARRAY(SELECT g.{column(Group, 'name')} FROM {table(Group)} g"
        f" JOIN {table(user_groups)} ug ON ug.{column(user_groups, 'group')} = g.{quote('id')}"
        f" WHERE ug.{column(user_groups, 'user')} = u.{quote('id')})",
        f"ARRAY(SELECT {perm_name} {perms_from}"
        f" JOIN {table(user_perms)} up"
        f" ON up.{column(user_perms, 'permission')} = p.{quote('id')}"
        f" WHERE up.{column(user_perms, 'user')} = u.{quote('id')})",
        f"ARRAY(SELECT {perm_name} {perms_from}"
        f" JOIN {table(group_perms)} gp"
        f" ON gp.{column(group_perms, 'permission')} = p.{quote('id')}"
        f" JOIN {table(user_groups)} ug"
        f" ON ug.{column(user_groups, 'group')} = gp.{column(group_perms, 'group')}"
        f" WHERE ug.{column(user_groups, 'user')} = u.{quote('id')})",
    ]
    if with_version:
        selected.append(fingerprint_columns(published_only=True))
    return (
        f"SELECT {', '.join(selected)} FROM {table(ApiToken)} t"
        f" JOIN {table(User)} u ON u.{quote('id')} = t.{column(ApiToken, 'user')}"
        f" WHERE t.{column(ApiToken, 'key_hash')} = %s"
    )


def fetch_token(key_hash: str, request=None):
    """The ``ApiToken`` (its user attached, roles cached on the user) or None; one query.

    For a read, the published-only data version comes along and is remembered
    on the request: partners never see drafts, so their conditional GET needs
    no query of its own.
    """
    from deals.models import ApiToken

    reading = request is not None and request.method in SAFE_METHODS
    row = fetch_prepared(_token_sql(reading), [key_hash])
    if row is None:
        return None
    token_fields, user_fields = _fields(ApiToken), _fields(get_user_model())
    values = iter(row)
    token = ApiToken.from_db(
        connection.alias, [f.attname for f in token_fields], [next(values) for _ in token_fields]
    )
    user = get_user_model().from_db(
        connection.alias, [f.attname for f in user_fields], [next(values) for _ in user_fields]
    )
    token.user = user
    groups, user_perms, group_perms = next(values), next(values), next(values)
    user._portal_group_names = frozenset(groups)  # the cache permissions.group_names keeps
    if not user.is_superuser:  # a superuser's has_perm answers True without asking
        # The caches Django's ModelBackend keeps per user object.
        user._user_perm_cache = set(user_perms)
        user._group_perm_cache = set(group_perms)
        user._perm_cache = user._user_perm_cache | user._group_perm_cache
    if reading:
        remember_data_version(request, True, version_of(values))
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """Authenticates partners by API token; unknown, expired or revoked tokens get 401."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                "Malformed Authorization header: send `Authorization: Token <key>`.",
                code="malformed_token_header",
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("Invalid API token.", code="invalid_token") from None
        return self.authenticate_key(key, request)

    def authenticate_key(self, key: str, request=None):
        from deals.models import ApiToken

        token = fetch_token(hash_key(key), request)
        if token is None:
            raise AuthenticationFailed("Invalid API token.", code="invalid_token")
        now = timezone.now()
        if token.revoked_at is not None:
            raise AuthenticationFailed("This API token has been revoked.", code="token_revoked")
        if token.expires_at is not None and token.expires_at <= now:
            raise AuthenticationFailed("This API token has expired.", code="token_expired")
        if not token.user.is_active:
            raise AuthenticationFailed("The token's user is inactive.", code="user_inactive")
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return 'Token realm="api"'
