"""Admin entry for reported figures, an agreement's status history and facilities."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline

from minerals_portal.common.admin import FoldedSearchMixin

from .admin_editorial import HistoryAdminMixin
from .models import Facility, FigureReport, StatusChange


class FigureReportInline(GenericTabularInline):
    model = FigureReport
    extra = 1
    fields = ("field", "qualifier", "value", "unit", "source", "quote", "in_use")
    autocomplete_fields = ("source",)
    verbose_name_plural = (
        "reported figures (each source's value; the one in use is the one totals count)"
    )


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 1
    fields = ("status", "on", "on_precision", "source", "quote")
    autocomplete_fields = ("source",)
    verbose_name_plural = "status history (the latest entry sets the agreement's status)"


@admin.register(Facility)
class FacilityAdmin(HistoryAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "region", "operator")
    list_filter = ("kind",)
    search_fields = ("name", "name_ru")
    autocomplete_fields = ("operator",)
    prepopulated_fields = {"slug": ("name",)}
