"""``/api/v1/stats/…``: the derived views, public, as JSON or as CSV rows."""

import csv
import io
from decimal import Decimal

import pytest

from deals.aggregates import VIEWS
from deals.models import Deal
from deals.tasks import refresh_now
from tests import factories as f

pytestmark = pytest.mark.django_db

STATS = [name.replace("_", "-") for name in VIEWS]


def text(value) -> str:
    return "" if value is None else str(value)


def flat(item: dict) -> dict:
    """A JSON row as its CSV row: related records as ``name_attr`` columns."""
    row = {}
    for key, value in item.items():
        if isinstance(value, dict):
            row.update({f"{key}_{attr}": text(v) for attr, v in value.items()})
        else:
            row[key] = value
    return row


def same(csv_row: dict, json_row: dict) -> bool:
    """Cells equal their JSON values' text (money is a decimal string in both)."""
    assert csv_row.keys() == json_row.keys()
    for key, value in json_row.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert Decimal(csv_row[key]) == Decimal(str(value)), key
        else:
            assert csv_row[key] == text(value), key
    return True


@pytest.mark.parametrize("stat", STATS)
def test_csv_rows_equal_the_json_rows(client, seeded, stat):
    # Money without a USD rate, so every view has rows (the seed converts everything).
    f.amount(Deal.objects.first(), currency="KZT", value=5 * 10**9, publication="published")
    refresh_now()
    url = f"/api/v1/stats/{stat}/"
    body = client.get(url).json()
    assert body["refreshed_at"] and body["results"], "the seed fills every view"
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{stat.replace("-", "_")}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == len(body["results"])
    assert all(same(row, flat(item)) for row, item in zip(rows, body["results"], strict=True))


def test_committed_by_commodity_reads_as_a_spreadsheet_would(client, seeded):
    refresh_now()
    response = client.get("/api/v1/stats/committed-by-commodity/", HTTP_ACCEPT="text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    tungsten = next(row for row in rows if row["commodity_slug"] == "tungsten")
    assert tungsten["commodity_name"] == "Tungsten" and tungsten["commodity_name_ru"] == "Вольфрам"
    assert tungsten["committed_usd"] == "1100000000.00"


@pytest.mark.parametrize("stat", STATS)
def test_money_is_decimal_strings_in_usd_and_times_are_utc(client, seeded, stat):
    refresh_now()
    body = client.get(f"/api/v1/stats/{stat}/").json()
    assert body["refreshed_at"].endswith("Z")
    for row in body["results"]:
        assert row["currency"] == "USD" and row["computed_at"].endswith("Z")
        money = {key: value for key, value in row.items() if key.endswith("_usd")}
        assert money and all(isinstance(value, str) for value in money.values()), row
        assert all(Decimal(value) >= 0 and "." in value for value in money.values())
