"""Agreements and their parties, as the API, CSV export, import and seed file show them."""

from django.db.models import F
from rest_framework import serializers

from minerals_portal.api.briefs import (
    AgreementBrief,
    AmountBrief,
    CitationSerializer,
    CommodityBrief,
    CompanyBrief,
    DealBrief,
    DepositBrief,
    EventBrief,
)
from minerals_portal.api.representation import Attr, LooseDate, Many, One, Representation

from ..models import Agreement, AgreementParty, Source, StatusChange

# A party's order within its agreement: largest stake first, then company name.
PARTY_ORDER = (F("stake").desc(nulls_last=True), "company__name", "id")
CITATIONS = Many("citations", brief=CitationSerializer, write=False, csv=None)


class PartyEntryRepresentation(Representation):
    """A party as listed inside its agreement."""

    model = AgreementParty
    serializer_names = ("PartyEntrySerializer", "PartyEntryDetailSerializer")
    fields = (
        Attr("id", write=False),
        One(
            "company",
            brief=CompanyBrief,
            csv_fields={"company_slug": "slug", "company_name": "name"},
        ),
        Attr("role"),
        Attr("stake"),
        One("held_via", brief=CompanyBrief),
    )
    detail = (CITATIONS,)


class PartyRepresentation(Representation):
    """A party on its own (``/api/v1/parties/``)."""

    model = AgreementParty
    serializer_names = ("PartyListSerializer", "PartyDetailSerializer")
    fields = (
        PartyEntryRepresentation.fields[0],
        One("agreement", brief=AgreementBrief),
        *PartyEntryRepresentation.fields[1:],
        Attr("updated_at", write=False),
    )
    detail = (CITATIONS, Attr("created_at", write=False))


class StatusSourceBrief(serializers.ModelSerializer):
    """The source a status change cites (no date column: nested lists carry JSON values)."""

    class Meta:
        model = Source
        fields = ["slug", "publisher", "title"]


class StatusChangeRepresentation(Representation):
    """One dated, cited entry of an agreement's status history (read-only)."""

    model = StatusChange
    serializer_names = ("StatusChangeEntrySerializer", "StatusChangeEntryDetailSerializer")
    fields = (
        Attr("status"),
        LooseDate("date", "on"),
        One("source", brief=StatusSourceBrief),
        Attr("quote"),
    )


class AgreementRepresentation(Representation):
    model = Agreement
    serializer_names = ("AgreementListSerializer", "AgreementDetailSerializer")
    fields = (
        Attr("id", write=False, import_as=None),
        Attr(
            "slug",
            import_as="agreement_slug",
            label="Empty: made from the title. An existing slug updates that agreement.",
        ),
        Attr("title", import_as="agreement_title", label="Required for a new agreement."),
        Attr("title_ru", import_as="agreement_title_ru", label="The title in Russian."),
        One("deal", brief=DealBrief, csv_fields={"deal_slug": "slug", "deal_name": "name"}),
        Attr("kind"),
        Attr("status"),
        Attr("binding", import_as=None),
        LooseDate("announced", "announced_on"),
        LooseDate("signed", "signed_on"),
        Attr("venue"),
        Attr("publication", label="draft (default) or in_review; published only for publishers."),
        Many(
            "parties",
            brief=PartyEntryRepresentation,
            order=PARTY_ORDER,
            csv_fields={
                "party_companies": "company.slug",
                "party_roles": "role",
                "party_stakes": "stake",
                "party_held_via": "held_via.slug",
            },
        ),
        Many("deposits", brief=DepositBrief),
        Many("commodities", brief=CommodityBrief),
        Many(
            "status_history",
            source="status_changes",
            brief=StatusChangeRepresentation,
            order=("on", "id"),
            write=False,
            csv_fields={
                "status_history": "status",
                "status_history_dates": "date.date",
                "status_history_precisions": "date.precision",
                "status_history_sources": "source.slug",
            },
        ),
        Attr("updated_at", write=False, import_as=None),
    )
    detail = (
        Many("amounts", brief=AmountBrief, write=False, csv=None),
        Many("events", brief=EventBrief, write=False, csv=None),
        CITATIONS,
        Attr("created_at", write=False),
        Attr("version", write=False),
    )
