"""``Authorization: Token <key>`` (or ``Bearer <key>``) authentication against ``ApiToken``."""

import datetime as dt

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .tokens import hash_key

KEYWORDS = (b"token", b"bearer")
# Recording every use would write on every request; once a minute is enough to audit.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


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
        return self.authenticate_key(key)

    def authenticate_key(self, key: str):
        from deals.models import ApiToken

        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
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
