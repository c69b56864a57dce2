"""Partner API tokens: generated once, stored only as a SHA-256 hash plus a short prefix."""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

KEY_PREFIX = "mpk_"
SHOWN_PREFIX_LENGTH = 12


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def issue_token(user, name: str = "", expires_in_days: int | None = None):
    """Create an ``ApiToken`` for ``user``; return ``(token, key)``. The key is not stored."""
    from deals.models import ApiToken

    key = generate_key()
    expires_at = None
    if expires_in_days is not None:
        expires_at = timezone.now() + dt.timedelta(days=expires_in_days)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:SHOWN_PREFIX_LENGTH],
        key_hash=hash_key(key),
        expires_at=expires_at,
    )
    return token, key
