"""Admin for partner API tokens: issue (the key is shown once), see use, revoke.

The stored SHA-256 hash is never displayed.
"""

from django.contrib import admin, messages
from django.utils import timezone

from minerals_portal.api.tokens import SHOWN_PREFIX_LENGTH, generate_key, hash_key

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "state", "created_at", "expires_at", "last_used_at")
    list_filter = ("revoked_at", "expires_at")
    search_fields = ("prefix", "name", "user__username")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    fields = ("user", "name", "expires_at", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    @admin.display(description="state")
    def state(self, token):
        if token.revoked_at:
            return "revoked"
        if token.expires_at and token.expires_at <= timezone.now():
            return "expired"
        return "active"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return (*self.readonly_fields, "user")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            key = generate_key()
            obj.prefix, obj.key_hash = key[:SHOWN_PREFIX_LENGTH], hash_key(key)
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                f"API token for {obj.user}: {key} — copy it now, it will not be shown again.",
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)
