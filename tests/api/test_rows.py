"""The agreements list and CSV built from plain rows equal what the serializers make."""

import datetime as dt

import pytest
from django.db.models import Prefetch
from django.utils import translation

from deals.api.rows import AgreementRows
from deals.api.serializers import AgreementListSerializer
from deals.api.views import by_name, parties_queryset
from deals.models import Agreement
from deals.representations.agreement import AgreementRepresentation
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
            Prefetch("parties", queryset=parties_queryset(True)),
            Prefetch("deposits", queryset=by_name(Deposit, True)),
            Prefetch("commodities", queryset=by_name(Commodity, True)),
        )
        .order_by("updated_at", "id")
    )


def serialized():
    return AgreementListSerializer(serializer_queryset(), many=True, context={}).data


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_list_form_equals_the_serializers(varied, language):
    with translation.override(language):
        rows = list(AgreementRows.rows(serializer_queryset()))
        assert AgreementRows.items(rows) == serialized()
    assert len(rows) >= 6


def test_the_csv_equals_the_generic_export_of_the_serializers_items(varied):
    columns = AgreementRepresentation.csv_columns()
    assert list(AgreementRows.csv_headers) == [header for header, _ in columns]
    expected = "".join(csv_lines(columns, serialized()))
    chunks = AgreementRows.csv_rows(serializer_queryset())
    assert "".join(csv_chunks(AgreementRows.csv_headers, chunks)) == expected


def test_csv_chunks_cover_every_row(varied, monkeypatch):
    monkeypatch.setattr(AgreementRows, "chunk_size", 2)
    chunks = list(AgreementRows.csv_rows(serializer_queryset()))
    assert len(chunks) > 2 and sum(map(len, chunks)) == Agreement.objects.count()


def test_a_page_is_one_query(varied, django_assert_num_queries):
    """Parties (with companies), deposits and commodities come with the page's rows."""
    with django_assert_num_queries(1):
        items = AgreementRows.items(list(AgreementRows.rows(serializer_queryset())))
    assert sum(len(item["parties"]) for item in items) >= 5
