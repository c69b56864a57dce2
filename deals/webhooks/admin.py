"""Webhook endpoints and their delivery log in the admin; redelivery as an action."""

from django.contrib import admin, messages

from ..services import webhooks as service
from .models import WebhookDelivery, WebhookEndpoint
from .tasks import deliver_endpoint


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ("change", "status", "attempts", "response_status", "error", "delivered_at")
    readonly_fields = fields
    ordering = ("-id",)
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "active", "position", "failures", "disabled_reason")
    list_filter = ("active",)
    search_fields = ("url", "owner__username")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    readonly_fields = ("position", "failures", "disabled_reason", "created_at")
    inlines = [DeliveryInline]

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in service.ENDPOINT_FIELDS}
        stored = WebhookEndpoint.objects.get(pk=obj.pk) if change else None
        saved = service.save_endpoint(form.cleaned_data["owner"], stored, **values)
        obj.pk, obj.secret = saved.pk, saved.secret


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "endpoint", "change", "status", "attempts", "response_status")
    list_filter = ("status",)
    list_select_related = ("endpoint", "change")
    readonly_fields = (
        "endpoint",
        "change",
        "status",
        "attempts",
        "response_status",
        "error",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    )
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Deliver the selected entries again")
    def redeliver(self, request, queryset):
        for delivery in queryset.select_related("endpoint", "change"):
            service.redeliver(request.user, delivery)
            deliver_endpoint.delay(delivery.endpoint_id)
        messages.success(request, f"{queryset.count()} deliveries queued again.")
