"""``/api/v1/`` resources of the deals app: companies, deals, agreements, parties,
amounts, events, sources and the tombstones feed."""

from decimal import Decimal

from django.db.models import Prefetch, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets

from deposits.models import Commodity, Deposit, Region
from minerals_portal.api.pagination import FeedCursorPagination
from minerals_portal.api.representation import Represented
from minerals_portal.api.rows import PlainRowsMixin
from minerals_portal.api.viewsets import (
    PortalViewSetMixin,
    ReadOnlyFeed,
    ReadOnlyResource,
    WritableFeed,
    WritableResource,
)

from ..filtersets import (
    AgreementFilterSet,
    AmountFilterSet,
    CompanyFilterSet,
    DealFilterSet,
    EventFilterSet,
    PartyFilterSet,
    SourceFilterSet,
    TombstoneFilterSet,
    with_usd,
)
from ..models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    Facility,
    FigureReport,
    Ownership,
    Source,
    StatusChange,
    Tombstone,
)
from ..representations.agreement import (
    PARTY_ORDER,
    AgreementRepresentation,
    PartyRepresentation,
)
from ..visibility import visible
from . import serializers as s
from .editorial import HistoryMixin, VersionedETagMixin, VersionedWritesMixin
from .publication import PublicationWrites, publication_serializer
from .rows import AgreementRows
from .write_schema import AGREEMENT_EXAMPLE, AMOUNT_EXAMPLE, written

NAME_COLUMNS = [(n, n) for n in ("slug", "name", "name_ru", "name_kk", "aliases")]


def citations(drafts, prefix=""):
    """The citations prefetch: only those a reader may see (a hidden source's are not)."""
    shown = visible(Citation.objects.select_related("source"), drafts)
    return Prefetch(f"{prefix}citations", queryset=shown)


def by_name(model, drafts):
    """``model``'s rows by name, as a reader may see them (a link to a hidden one is not shown)."""
    return visible(model.objects.order_by("name", "id"), drafts)


def parties_queryset(drafts):
    parties = AgreementParty.objects.select_related("company", "held_via").order_by(*PARTY_ORDER)
    return visible(parties, drafts)


def status_history(drafts):
    return visible(StatusChange.objects.select_related("source").order_by("on", "id"), drafts)


class CompanyViewSet(PublicationWrites, WritableResource):
    """Companies, funds, ministries and other organisations that are party to deals."""

    queryset = Company.objects.all()
    write_serializer_class = publication_serializer(Company)
    list_serializer_class = s.CompanyListSerializer
    detail_serializer_class = s.CompanyDetailSerializer
    filterset_class = CompanyFilterSet
    ordering = ["name"]
    ordering_fields = ["name", "country", "kind", "updated_at", "created_at"]
    csv_filename = "companies"
    csv_columns = [*NAME_COLUMNS, ("kind", "kind"), ("country", "country")]
    csv_columns += [("updated_at", "updated_at")]

    def get_queryset(self):
        drafts = self.show_drafts
        queryset = visible(Company.objects.all(), drafts)
        if self.detailed:
            roles = parties_queryset(drafts).select_related("agreement")
            links = visible(Ownership.objects.all(), drafts)
            queryset = queryset.prefetch_related(
                Prefetch("parent_links", queryset=links.select_related("parent")),
                Prefetch("child_links", queryset=links.select_related("child")),
                Prefetch("party_roles", queryset=roles.order_by("agreement__title", "id")),
                Prefetch("owned_deposits", queryset=by_name(Deposit, drafts)),
                citations(drafts),
            )
        return queryset


class DealViewSet(HistoryMixin, VersionedETagMixin, ReadOnlyResource):
    """Deals: projects followed over time through agreements, amounts and events."""

    queryset = Deal.objects.all()
    list_serializer_class = s.DealListSerializer
    detail_serializer_class = s.DealDetailSerializer
    filterset_class = DealFilterSet
    ordering = ["name"]
    ordering_fields = ["name", "updated_at", "created_at"]
    csv_filename = "deals"
    csv_columns = [
        *NAME_COLUMNS,
        ("host_country", "host_country"),
        ("publication", "publication"),
        ("deposits", "deposits[].slug"),
        ("commodities", "commodities[].slug"),
        ("updated_at", "updated_at"),
    ]

    def get_queryset(self):
        queryset = visible(Deal.objects.all(), self.show_drafts).prefetch_related(
            Prefetch("deposits", queryset=by_name(Deposit, self.show_drafts)),
            Prefetch("commodities", queryset=by_name(Commodity, self.show_drafts)),
        )
        if self.detailed:
            drafts = self.show_drafts
            agreements = Agreement.objects.order_by("signed_on", "announced_on", "title", "id")
            queryset = queryset.prefetch_related(
                Prefetch("agreements", queryset=visible(agreements, drafts)),
                Prefetch(
                    "amounts", queryset=visible(Amount.objects.order_by("as_of", "id"), drafts)
                ),
                Prefetch("events", queryset=visible(Event.objects.order_by("on", "id"), drafts)),
                Prefetch("regions", queryset=by_name(Region, self.show_drafts)),
                Prefetch(
                    "facilities",
                    queryset=by_name(Facility, self.show_drafts).select_related("region"),
                ),
                citations(self.show_drafts),
            )
        return queryset


@extend_schema_view(
    **written(s.AgreementWriteSerializer, s.AgreementDetailSerializer, AGREEMENT_EXAMPLE)
)
class AgreementViewSet(
    Represented, HistoryMixin, VersionedWritesMixin, PlainRowsMixin, WritableFeed
):
    """Agreements (memoranda, SPAs, offtakes…) with their parties; editors may write them."""

    queryset = Agreement.objects.all()
    representation = AgreementRepresentation
    write_serializer_class = s.AgreementWriteSerializer
    filterset_class = AgreementFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    ordering = ["updated_at", "id"]
    ordering_fields = ["updated_at", "created_at"]
    csv_filename = "agreements"
    list_rows = AgreementRows  # the list and CSV from values() rows, not a serializer each

    def get_queryset(self):
        drafts = self.show_drafts
        parties = parties_queryset(drafts)
        if self.detailed:
            parties = parties.prefetch_related(citations(self.show_drafts))
        queryset = (
            visible(Agreement.objects.all(), drafts)
            .select_related("deal")
            .prefetch_related(
                Prefetch("parties", queryset=parties),
                Prefetch("deposits", queryset=by_name(Deposit, self.show_drafts)),
                Prefetch("commodities", queryset=by_name(Commodity, self.show_drafts)),
                Prefetch("status_changes", queryset=status_history(self.show_drafts)),
            )
        )
        if self.detailed:
            queryset = queryset.prefetch_related(
                Prefetch(
                    "amounts", queryset=visible(Amount.objects.order_by("as_of", "id"), drafts)
                ),
                Prefetch("events", queryset=visible(Event.objects.order_by("on", "id"), drafts)),
                citations(self.show_drafts),
            )
        return queryset


@extend_schema_view(**written(s.PartyWriteSerializer, s.PartyDetailSerializer))
class PartyViewSet(Represented, HistoryMixin, WritableResource):
    """Parties to agreements, by id; editors may add, change and remove them."""

    queryset = AgreementParty.objects.all()
    lookup_field = "pk"
    lookup_value_regex = r"[0-9]{1,18}"
    representation = PartyRepresentation
    write_serializer_class = s.PartyWriteSerializer
    filterset_class = PartyFilterSet
    ordering = ["id"]
    # A cursor needs a position on every row: parties without a stake sort as -1 (first).
    ordering_fields = {
        "stake": "stake_order",
        "updated_at": "updated_at",
        "created_at": "created_at",
    }
    csv_filename = "parties"

    def get_queryset(self):
        queryset = (
            visible(AgreementParty.objects.all(), self.show_drafts)
            .select_related("agreement", "company", "held_via")
            .annotate(stake_order=Coalesce("stake", Value(Decimal(-1))))
        )
        if self.detailed:
            queryset = queryset.prefetch_related(citations(self.show_drafts))
        return queryset


@extend_schema_view(**written(s.AmountWriteSerializer, s.AmountDetailSerializer, AMOUNT_EXAMPLE))
class AmountViewSet(HistoryMixin, VersionedWritesMixin, WritableFeed):
    """Money committed or offered, with its USD value where an exchange rate is known."""

    queryset = Amount.objects.all()
    list_serializer_class = s.AmountListSerializer
    detail_serializer_class = s.AmountDetailSerializer
    write_serializer_class = s.AmountWriteSerializer
    filterset_class = AmountFilterSet
    ordering = ["as_of", "id"]
    ordering_fields = ["as_of", "value", "updated_at", "created_at"]
    csv_filename = "amounts"
    csv_columns = [
        ("slug", "slug"),
        ("deal_slug", "deal.slug"),
        ("agreement_slug", "agreement.slug"),
        ("reported_with", "reported_with[].slug"),
        ("deposit_slug", "deposit.slug"),
        ("investor_slug", "investor.slug"),
        ("kind", "kind"),
        ("qualifier", "qualifier"),
        ("value", "value"),
        ("value_max", "value_max"),
        ("currency", "currency"),
        ("usd_value", "usd_value"),
        ("usd_value_max", "usd_value_max"),
        ("as_of", "as_of.date"),
        ("as_of_precision", "as_of.precision"),
        ("restates", "restates"),
        ("publication", "publication"),
        ("updated_at", "updated_at"),
    ]

    def get_queryset(self):
        queryset = with_usd(
            visible(Amount.objects.all(), self.show_drafts)
            .select_related("deal", "agreement", "deposit", "investor", "restates")
            .prefetch_related(
                Prefetch(
                    "reported_with",
                    queryset=visible(Agreement.objects.order_by("title"), self.show_drafts),
                )
            )
        )
        if self.detailed:
            reports = visible(FigureReport.objects.select_related("source"), self.show_drafts)
            queryset = queryset.prefetch_related(
                citations(self.show_drafts), Prefetch("reports", queryset=reports)
            )
        return queryset


class EventViewSet(HistoryMixin, VersionedETagMixin, ReadOnlyFeed):
    """The timeline: discoveries, summits, signings and other dated happenings."""

    queryset = Event.objects.all()
    list_serializer_class = s.EventListSerializer
    detail_serializer_class = s.EventDetailSerializer
    filterset_class = EventFilterSet
    ordering = ["on", "id"]
    ordering_fields = {"date": "on", "updated_at": "updated_at", "created_at": "created_at"}
    csv_filename = "events"
    csv_columns = [
        ("slug", "slug"),
        ("title", "title"),
        ("kind", "kind"),
        ("date", "date.date"),
        ("date_precision", "date.precision"),
        ("end", "end.date"),
        ("end_precision", "end.precision"),
        ("deal_slug", "deal.slug"),
        ("agreement_slug", "agreement.slug"),
        ("deposits", "deposits[].slug"),
        ("companies", "companies[].slug"),
        ("publication", "publication"),
        ("updated_at", "updated_at"),
    ]

    def get_queryset(self):
        queryset = (
            visible(Event.objects.all(), self.show_drafts)
            .select_related("deal", "agreement")
            .prefetch_related(
                Prefetch("deposits", queryset=by_name(Deposit, self.show_drafts)),
                Prefetch("companies", queryset=by_name(Company, self.show_drafts)),
            )
        )
        if self.detailed:
            queryset = queryset.prefetch_related(citations(self.show_drafts))
        return queryset


class SourceViewSet(PublicationWrites, WritableResource):
    """Articles and documents that citations quote."""

    queryset = Source.objects.all()
    write_serializer_class = publication_serializer(Source)
    list_serializer_class = s.SourceListSerializer
    detail_serializer_class = s.SourceDetailSerializer
    filterset_class = SourceFilterSet
    ordering = ["-published", "publisher"]
    ordering_fields = ["published", "publisher", "updated_at", "created_at"]
    csv_filename = "sources"
    csv_columns = [
        (n, n) for n in ("slug", "publisher", "title", "url", "language", "published")
    ] + [("updated_at", "updated_at")]

    def get_queryset(self):
        return visible(Source.objects.all(), self.show_drafts)


class TombstonePagination(FeedCursorPagination):
    ordering = ("deleted_at", "id")


@extend_schema_view(
    list=extend_schema(
        summary="Deleted and unpublished records, for incremental sync",
        description=(
            "Every record that disappeared from the API: deleted, unpublished, or hidden "
            "because the deal or agreement it belongs to was unpublished. Remove "
            "(resource, object_id) from your copy. A record that comes back later "
            "reappears in its resource's `updated_since` results. An empty slug marks a "
            "record you never received. Superseded by `/api/v1/changes/` (one feed of "
            "every change, deletions and withdrawals included); kept for existing clients."
        ),
    )
)
class TombstoneViewSet(PortalViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Tombstone.objects.all()
    read_permission = "deals.view_deal"
    list_serializer_class = s.TombstoneSerializer
    detail_serializer_class = s.TombstoneSerializer
    filterset_class = TombstoneFilterSet
    pagination_class = TombstonePagination
    ordering = ["deleted_at", "id"]
    ordering_fields = ["deleted_at"]
    csv_filename = "tombstones"
    csv_columns = [(n, n) for n in ("id", "resource", "object_id", "slug", "deleted_at")]

    def get_queryset(self):
        return Tombstone.objects.all()
