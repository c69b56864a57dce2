"""``Authorization: Token <key>`` (or ``Bearer <key>``) authentication against ``ApiToken``.

The token, its user, the user's groups and permissions and, for reads, the
published-only data version (the ETag's basis, see ``caching``) come from one
query: a partner's revalidation (``If-None-Match``) then costs one query, where
fetching each lazily cost five (token, user permissions, group permissions,
groups, data version). The permissions are kept on the user for
``KnownPermissionsBackend``. The token is still read from the database on every
request, so revoking it (even by a bare ``UPDATE``) takes effect at once.
"""

import datetime as dt

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db import DEFAULT_DB_ALIAS
from django.db.models import F, OuterRef, Value
from django.db.models.functions import Concat
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS

from minerals_portal.db_router import may_write, stay_on_primary

from .caching import remember_data_version, version_annotations, version_of
from .tokens import hash_key

KEYWORDS = (b"token", b"bearer")
# Recording every use would write on every request; once a minute is enough to audit.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
# Where the user's permissions ("app_label.codename") fetched with the token are kept.
KNOWN_PERMISSIONS = "portal_known_permissions"


def _permission_names(**owner):
    names = Permission.objects.filter(**owner).annotate(
        full=Concat(F("content_type__app_label"), Value("."), F("codename"))
    )
    return ArraySubquery(names.values("full"))


def fetch_token(key_hash: str, request=None):
    """The ``ApiToken`` (its user attached, roles known on the user) or None; one query.

    For a read, the published-only data version comes along and is remembered
    on the request: partners never see drafts, so their conditional GET needs
    no query of its own.
    """
    from django.contrib.auth.models import Group

    from deals.models import ApiToken

    reading = request is not None and request.method in SAFE_METHODS
    user = OuterRef("user")
    tokens = ApiToken.objects.select_related("user").annotate(
        group_names=ArraySubquery(Group.objects.filter(user=user).values("name")),
        user_permissions=_permission_names(user=user),
        group_permissions=_permission_names(group__user=user),
        **(version_annotations(published_only=True) if reading else {}),
    )
    token = tokens.filter(key_hash=key_hash).first()
    if token is None:
        return None
    user = token.user
    user._portal_group_names = frozenset(token.group_names)  # permissions.group_names' own
    setattr(user, KNOWN_PERMISSIONS, frozenset(token.user_permissions + token.group_permissions))
    if reading:
        remember_data_version(request, True, version_of(token.data_version, token.data_changed_at))
    return token


class KnownPermissionsBackend(ModelBackend):
    """Django's ``ModelBackend``, answering from permissions already fetched with the user.

    ``fetch_token`` fetches them in its one query; any other user is asked as
    ``ModelBackend`` asks.
    """

    def get_all_permissions(self, user_obj, obj=None):
        known = getattr(user_obj, KNOWN_PERMISSIONS, None)
        if known is None or obj is not None or not user_obj.is_active:
            return super().get_all_permissions(user_obj, obj)
        return known


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
        if may_write(token.user):
            stay_on_primary()  # an editor reads their own writes at once
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            # Bookkeeping, not the user's write: it does not move reads to the primary.
            ApiToken.objects.using(DEFAULT_DB_ALIAS).filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to unauthenticated requests.
        return 'Token realm="api"'
