"""Admin entry for commodities, regions, deposits and resource estimates."""

from django.contrib import admin

from deals.admin import CitationInline
from deals.admin_editorial import HistoryAdminMixin, PublishableAdminMixin
from deals.admin_figures import FigureReportInline
from minerals_portal.common.admin import FoldedSearchMixin

from .models import Commodity, Deposit, DepositCommodity, Region, ResourceEstimate


@admin.register(Commodity)
class CommodityAdmin(HistoryAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "code", "group", "usgs_2022", "usgs_2025")
    list_filter = ("group", "usgs_2022", "usgs_2025")
    search_fields = ("name", "name_ru", "code")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]


@admin.register(Region)
class RegionAdmin(HistoryAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "name_ru", "iso_code", "country")
    list_filter = ("country",)
    search_fields = ("name", "name_ru", "iso_code")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]


class DepositCommodityInline(admin.TabularInline):
    model = DepositCommodity
    extra = 1
    autocomplete_fields = ("commodity",)


class EstimateInline(admin.StackedInline):
    model = ResourceEstimate
    extra = 0
    show_change_link = True
    fields = (
        ("slug", "commodity"),
        ("quantity_qualifier", "quantity", "quantity_unit", "measured"),
        ("grade", "grade_unit", "depth_limit_m"),
        ("category", "reporting_code"),
        ("as_of", "as_of_precision"),
    )
    autocomplete_fields = ("commodity",)


@admin.register(Deposit)
class DepositAdmin(PublishableAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "name_ru", "kind", "stage", "location_accuracy", "publication")
    list_filter = ("publication", "kind", "stage", "regions", "commodities")
    search_fields = ("name", "name_ru", "name_kk")
    autocomplete_fields = ("regions",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [DepositCommodityInline, EstimateInline, CitationInline]


@admin.register(ResourceEstimate)
class ResourceEstimateAdmin(PublishableAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("__str__", "category", "reporting_code", "as_of", "publication")
    list_filter = ("publication", "category", "reporting_code", "measured")
    search_fields = ("slug",)
    folded_search_fields = ("deposit__search_key",)
    autocomplete_fields = ("deposit", "commodity")
    list_select_related = ("deposit",)
    inlines = [FigureReportInline, CitationInline]
