"""Downloads and feeds of the analyst pages: same filters, same records, safe cells."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff"), "spreadsheet programs need the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


def test_timeline_csv_keeps_the_filters_and_escapes_formulas(client):
    kept = f.deal("Kept deal")
    f.agreement(kept, title='=HYPERLINK("http://evil")', signed_on=dt.date(2026, 2, 1))
    f.agreement(f.deal("Old deal"), title="Older memo", signed_on=dt.date(2024, 5, 1))
    response = client.get(reverse("home"), {"date_after": "2026", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header[:3] == ["Date", "Type", "Title"]
    assert [(r[0], r[2], r[4]) for r in rows] == [
        ("2026-02-01", '\'=HYPERLINK("http://evil")', "Kept deal")
    ]
    assert rows[0][6].endswith(f"/deals/{kept.slug}/#agreement-{kept.agreements.get().pk}")


def test_timeline_xlsx_has_the_same_rows_as_the_csv(client):
    f.amount(f.deal("Money deal"), value=2_500_000_000)
    f.agreement(f.deal("Other"), title="+cmd|' /C calc'!A0")
    as_csv = _csv(client.get(reverse("home"), {"format": "csv"}))
    response = client.get(reverse("home"), {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    as_xlsx = [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert as_xlsx == as_csv
    assert any(r[2] == "'+cmd|' /C calc'!A0" for r in as_xlsx)


def test_invalid_filters_answer_400_not_a_download(client):
    response = client.get(reverse("home"), {"date_after": "soon", "format": "csv"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    response = client.get(reverse("deal-list"), {"country": "XX1", "format": "xlsx"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("view", ["deal-list", "deposit-list", "company-list"])
def test_list_pages_download_the_whole_filtered_list(client, view, django_assert_num_queries):
    for i in range(3):
        deal = f.deal(f"Needle {i}")
        deposit = f.deposit(f"Needle deposit {i}")
        deal.deposits.add(deposit)
        f.company(f"Needle company {i}")
    f.deal("Haystack")
    f.deposit("Haystack deposit")
    f.company("Haystack company")
    client.get(reverse(view))
    with django_assert_num_queries(_QUERIES[view]):
        response = client.get(reverse(view), {"q": "needle", "format": "csv"})
    header, *rows = _csv(response)
    assert len(rows) == 3 and all("Needle" in r[0] for r in rows)
    assert rows[0][-1].startswith("/")


_QUERIES = {"deal-list": 3, "deposit-list": 3, "company-list": 1}


def test_pages_link_their_downloads_and_feed_with_the_same_filters(client):
    body = client.get(reverse("home"), {"commodity": "", "country": "KZ"}).content.decode()
    assert 'href="?commodity=&amp;country=KZ&amp;format=csv"' in body
    assert ('<link rel="alternate" type="application/atom+xml" '
            'href="/?commodity=&amp;country=KZ&amp;format=atom"') in body  # fmt: skip
    body = client.get(reverse("deal-list"), {"q": "x", "page": "2"}).content.decode()
    assert 'href="?q=x&amp;format=xlsx"' in body


def test_atom_feed_lists_the_filtered_entries(client):
    tungsten = f.deal("Tungsten deal")
    f.agreement(tungsten, title="Signed tungsten memo", signed_on=dt.date(2026, 2, 10))
    f.agreement(f.deal("Other"), title="Drafted memo", status="drafted")
    f.agreement(f.deal("Hidden"), title="Draft record", publication="draft")
    response = client.get(reverse("home"), {"status": "signed", "format": "atom"})
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["Signed tungsten memo"]
    entry = root.find(f"{ATOM}entry")
    assert (
        entry.find(f"{ATOM}link")
        .get("href")
        .endswith(f"/deals/{tungsten.slug}/#agreement-{tungsten.agreements.get().pk}")
    )
    assert entry.findtext(f"{ATOM}updated").startswith("2026-02-10")
