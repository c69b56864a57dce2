"""Admin entry for companies, deals, agreements (with parties, amounts, citations), events."""

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.text import Truncator

from minerals_portal.api.representation import with_editable_columns
from minerals_portal.common.admin import FoldedSearchMixin

from .admin_editorial import (
    AmountInlineForm,
    AmountInlineFormSet,
    EditorialAdminMixin,
    HistoryAdminMixin,
    PublishableAdminMixin,
    VersionedRowForm,
    with_user,
)
from .admin_figures import FigureReportInline, StatusChangeInline
from .imports.admin import AgreementImportMixin
from .models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    ExchangeRate,
    Ownership,
    Source,
    SourceRelation,
)
from .representations.agreement import AgreementRepresentation
from .templatetags.portal import stamp


class CitationInline(GenericTabularInline):
    model = Citation
    form = VersionedRowForm
    exclude = ("version",)  # the model field: the form declares its own hidden one
    extra = 1
    fields = ("source", "field", "quote", "quote_kind", "unverified", "version")
    autocomplete_fields = ("source",)
    verbose_name_plural = "citations (source and quoted sentence)"


class PartyInline(admin.TabularInline):
    model = AgreementParty
    form = VersionedRowForm
    exclude = ("version",)
    extra = 2
    fields = ("company", "role", "stake", "held_via", "version")
    autocomplete_fields = ("company", "held_via")


class AmountInline(admin.StackedInline):
    model = Amount
    form = AmountInlineForm
    formset = AmountInlineFormSet
    exclude = ("version",)
    extra = 1
    fk_name = "agreement"
    fields = (
        ("value", "value_max", "currency"),
        ("qualifier", "kind"),
        ("as_of", "as_of_precision"),
        ("deal", "slug", "publication"),
        ("investor", "deposit", "restates"),
        ("citation_source", "citation_quote"),
        "version",
    )
    autocomplete_fields = ("deal", "investor", "deposit", "restates")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_user(formset.form, request.user)
        return formset


class SourceRelationInline(admin.TabularInline):
    model = SourceRelation
    fk_name = "source"
    extra = 1
    fields = ("kind", "other")
    autocomplete_fields = ("other",)
    verbose_name_plural = "relations to other sources (translation of, republished from, relies on)"


@admin.register(Source)
class SourceAdmin(PublishableAdminMixin, admin.ModelAdmin):
    list_display = ("publisher", "title", "kind", "language", "published", "publication")
    list_filter = ("publication", "kind", "language", "publisher")
    readonly_fields = ("archive_sha256",)
    inlines = [SourceRelationInline]
    search_fields = ("publisher", "title", "url")
    date_hierarchy = "published"
    prepopulated_fields = {"slug": ("publisher", "title")}


@admin.register(Citation)
class CitationAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("source", "content_type", "object_id", "field", "short_quote", "unverified")
    list_filter = ("content_type", "unverified", "quote_kind", "source")
    search_fields = ("quote", "source__publisher")
    autocomplete_fields = ("source",)
    list_select_related = ("source", "content_type")

    @admin.display(description="quote")
    def short_quote(self, obj):
        return obj.quote[:120]


@admin.register(Company)
class CompanyAdmin(PublishableAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "name_ru", "kind", "country", "publication")
    list_filter = ("publication", "kind", "country")
    search_fields = ("name", "name_ru", "name_kk")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("owned_deposits",)
    inlines = [CitationInline]


@admin.register(Ownership)
class OwnershipAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("parent", "child", "relation", "stake_min", "stake_max")
    list_filter = ("relation",)
    search_fields = ("parent__name", "child__name")
    autocomplete_fields = ("parent", "child")
    list_select_related = ("parent", "child")
    inlines = [CitationInline]


@admin.register(Deal)
class DealAdmin(EditorialAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("name", "host_country", "publication", "changed")
    list_filter = ("publication", "host_country", "commodities")
    search_fields = ("name", "name_ru", "summary")
    autocomplete_fields = ("deposits", "commodities", "facilities")
    filter_horizontal = ("regions",)
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CitationInline]

    @admin.display(description="changed", ordering="updated_at")
    def changed(self, obj):
        return stamp(obj.updated_at)


@admin.register(Agreement)
class AgreementAdmin(
    AgreementImportMixin, EditorialAdminMixin, FoldedSearchMixin, admin.ModelAdmin
):
    list_display = ("short_title", "status", "publication", "signed_date", "kind", "short_deal")
    list_display_links = ("short_title",)
    list_filter = ("publication", "status", "kind", "binding", "deal")
    search_fields = ("title", "venue")
    folded_search_fields = (
        "deal__search_key",
        "deposits__search_key",
        "parties__company__search_key",
    )
    autocomplete_fields = ("deal", "deposits", "commodities")
    list_select_related = ("deal",)
    prepopulated_fields = {"slug": ("title",)}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "deal",
                    "title",
                    "slug",
                    ("kind", "status", "binding"),
                    "venue",
                    "publication",
                )
            },
        ),
        (
            "Dates (precision: day, month or year; a month date falls on the 1st)",
            {
                "fields": (
                    ("announced_on", "announced_on_precision"),
                    ("signed_on", "signed_on_precision"),
                )
            },
        ),
        ("Scope", {"fields": ("deposits", "commodities")}),
    )
    inlines = [PartyInline, AmountInline, StatusChangeInline, CitationInline]

    @admin.display(description="title", ordering="title")
    def short_title(self, obj):
        return Truncator(obj.title).chars(70)

    @admin.display(description="deal", ordering="deal__name")
    def short_deal(self, obj):
        return Truncator(obj.deal.name).chars(40)

    @admin.display(description="signed", ordering="signed_on")
    def signed_date(self, obj):
        """The date as precise as it is known: 2025, 2025-11 or 2025-11-06."""
        return obj.signed.iso() if obj.signed else "—"

    def get_fieldsets(self, request, obj=None):
        """The layout above, plus any field declared since in the representation."""
        fieldsets = super().get_fieldsets(request, obj)
        return with_editable_columns(fieldsets, AgreementRepresentation)


@admin.register(Amount)
class AmountAdmin(EditorialAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = (
        "__str__",
        "kind",
        "qualifier",
        "value",
        "currency",
        "as_of",
        "restates",
        "publication",
    )
    list_filter = ("publication", "kind", "qualifier", "currency")
    search_fields = ("slug",)
    folded_search_fields = ("deal__search_key", "investor__search_key")
    autocomplete_fields = (
        "deal", "agreement", "deposit", "investor", "restates", "covers", "reported_with",
    )  # fmt: skip
    list_select_related = ("deal", "restates", "restates__deal")
    inlines = [FigureReportInline, CitationInline]


@admin.register(AgreementParty)
class AgreementPartyAdmin(HistoryAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("agreement", "company", "role", "stake", "held_via")
    list_filter = ("role",)
    search_fields = ("agreement__title",)
    folded_search_fields = ("company__search_key",)
    autocomplete_fields = ("agreement", "company", "held_via")
    list_select_related = ("agreement", "company", "held_via")
    inlines = [FigureReportInline, CitationInline]


@admin.register(Event)
class EventAdmin(EditorialAdminMixin, FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "on", "on_precision", "deal", "publication")
    list_filter = ("publication", "kind")
    search_fields = ("title", "description")
    folded_search_fields = ("deal__search_key", "deposits__search_key", "companies__search_key")
    autocomplete_fields = ("deal", "agreement", "deposits", "companies")
    list_select_related = ("deal",)
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "on"
    inlines = [CitationInline]


@admin.register(ExchangeRate)
class ExchangeRateAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ("currency", "on", "usd_per_unit", "source")
    list_filter = ("currency",)
    search_fields = ("currency",)


from . import admin_revisions, admin_tokens  # noqa: E402, F401  (revisions, ApiToken admins)
from .webhooks import admin as webhooks_admin  # noqa: E402, F401  (webhook endpoints, deliveries)
