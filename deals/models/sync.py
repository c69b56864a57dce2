"""Records that partners' incremental sync needs: deletions (tombstones) and API tokens."""

from django.conf import settings
from django.db import models


class Tombstone(models.Model):
    """A deleted (or unpublished) record, so ``updated_since`` syncs can drop it too."""

    resource = models.CharField(max_length=40, help_text="API resource name, e.g. agreements.")
    object_id = models.PositiveBigIntegerField()
    slug = models.CharField(max_length=80, blank=True)
    deleted_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["resource", "deleted_at"])]

    def __str__(self) -> str:
        return f"{self.resource} #{self.object_id} deleted {self.deleted_at:%Y-%m-%d %H:%M}"


class ApiToken(models.Model):
    """A partner's API token; only its SHA-256 hash is stored, the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True, help_text="First characters, shown.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class DataVersion(models.Model):
    """The data version: its rows' sums advance, on commit, with any change the API serves.

    Database triggers (migration 0016) on every table listed in
    ``minerals_portal.api.caching.VERSIONED`` keep it: each writing statement
    sets ``everything`` of the row its transaction holds to the next value of a
    sequence; ``published`` moves too unless every row the statement touched
    in a publishable table is a draft (drafts never reach partners or the
    public). A transaction holds its row until it ends, so readers see the
    sums move exactly when the data commits; concurrent writers hold different
    rows and never wait for each other. A table the API starts serving needs
    the triggers too (``tests/api/test_caching.py`` checks every one has them).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    everything = models.BigIntegerField(default=0)
    published = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)
    published_changed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"data version {self.everything} (published {self.published})"
