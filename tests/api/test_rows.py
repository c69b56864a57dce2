"""The agreements list and CSV built from plain rows equal what the serializers make."""

import datetime as dt
from itertools import groupby
from operator import itemgetter

import pytest
from django.db.models import Prefetch
from django.utils import translation

from deals.api.rows import PARTY_FIELDS, PARTY_ORDER, AgreementRows, Nested
from deals.api.serializers import AgreementListSerializer
from deals.api.views import AgreementViewSet, by_name, parties_queryset
from deals.models import Agreement, AgreementParty
from deposits.models import Commodity, Deposit
from minerals_portal.api.renderers import csv_lines
from minerals_portal.api.rows import csv_chunks
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(world):
    """Agreements that exercise every branch: ties, nulls, several links, awkward text."""
    other = f.agreement(
        world.deal,
        title='Offtake, "phase 2"\nwith a line break',
        kind="offtake",
        status="announced",
        binding=False,
        announced_on=dt.date(2024, 1, 1),
        announced_on_precision="year",
    )
    other.deposits.add(world.kairakty, world.katpar, world.lithium_field)
    other.commodities.add(world.tungsten, world.lithium)
    f.party(other, world.outsider, role="buyer", stake=None)
    f.party(other, world.tks, role="seller", stake=25)
    f.party(other, world.skz, role="partner", stake=25)  # a tie: ordered by company name
    f.party(other, world.cove, role="financier", stake="12.5", held_via=world.cove_kz)
    binding = f.agreement(world.deal, title="Binding SPA", kind="spa", binding=True)
    f.party(binding, world.cove_kz, role="buyer", stake=100)
    f.agreement(world.deal, title="No parties at all", kind="memorandum")
    return world


def serializer_queryset():
    """The queryset the list serializer was fed (drafts included: every branch is seen)."""
    return (
        Agreement.objects.select_related("deal")
        .prefetch_related(
            Prefetch("parties", queryset=parties_queryset()),
            Prefetch("deposits", queryset=by_name(Deposit)),
            Prefetch("commodities", queryset=by_name(Commodity)),
        )
        .order_by("updated_at", "id")
    )


def serialized():
    return AgreementListSerializer(serializer_queryset(), many=True, context={}).data


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_list_form_equals_the_serializers(varied, language):
    with translation.override(language):
        rows = list(AgreementRows().rows(serializer_queryset()))
        assert AgreementRows().items(rows) == serialized()
    assert len(rows) >= 6


def test_the_csv_equals_the_generic_export_of_the_serializers_items(varied):
    columns = AgreementViewSet.csv_columns
    assert list(AgreementRows.csv_headers) == [header for header, _ in columns]
    expected = "".join(csv_lines(columns, serialized()))
    chunks = AgreementRows().csv_rows(serializer_queryset())
    assert "".join(csv_chunks(AgreementRows.csv_headers, chunks)) == expected


def test_csv_chunks_cover_every_row(varied, monkeypatch):
    monkeypatch.setattr(AgreementRows, "chunk_size", 2)
    chunks = list(AgreementRows().csv_rows(serializer_queryset()))
    assert len(chunks) > 2 and sum(map(len, chunks)) == Agreement.objects.count()


def test_the_one_query_finds_the_nested_rows_in_the_orms_order(varied):
    """The prepared statement returns what the ORM would, in the API's order."""
    ids = list(Agreement.objects.values_list("id", flat=True))
    nested = Nested(ids)

    def grouped(rows):
        return {key: list(group) for key, group in groupby(map(tuple, rows), itemgetter(0))}

    parties = AgreementParty.objects.filter(agreement_id__in=ids)
    parties = parties.order_by("agreement_id", *PARTY_ORDER).values_list(*PARTY_FIELDS)
    expected = {"parties": grouped(parties)}
    for name, link, fields in (
        ("deposits", "deposit", ("slug", "name")),
        ("commodities", "commodity", ("slug", "name", "code")),
    ):
        through = getattr(Agreement, name).through
        rows = through.objects.filter(agreement_id__in=ids)
        rows = rows.order_by("agreement_id", f"{link}__name", f"{link}__id")
        expected[name] = grouped(
            rows.values_list("agreement_id", *(f"{link}__{f}" for f in fields))
        )
    assert len(expected["parties"]) > 1 and expected["deposits"] and expected["commodities"]
    for name, rows in expected.items():
        found = {k: list(map(tuple, v)) for k, v in getattr(nested, name).items()}
        assert found == rows, name
