"""Bulk import: every row previewed, one bad row among 500 imports nothing, a clean file lands."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from deals.imports.columns import NAMES
from deals.imports.importer import import_file
from deals.models import Agreement, AgreementParty, Amount, Citation, DealPipeline
from deals.tasks import refresh_now

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def rows(world, n=500, changes=None):
    for i in range(n):
        row = {
            "deal": world.deal.slug,
            "agreement_title": f"Imported offtake {i}",
            "kind": "offtake",
            "status": "signed",
            "signed": "2025-11",
            "party1_company": "cove capital",  # names in any case or script find the company
            "party1_role": "buyer",
            "party1_stake": "60",
            "party2_company": "Тау-Кен Самрук",
            "party2_role": "seller",
            "party2_stake": "40",
            "amount_value": str(1_000_000 + i),
            "amount_currency": "USD",
            "amount_qualifier": "approximately",
            "amount_kind": "investment_commitment",
            "amount_as_of": "2025-11",
            "citation_source": world.source.slug,
            "citation_quote": f"Контракт № {i} подписан.",
            "citation_field": "signed_on",
        }
        row.update((changes or {}).get(i, {}))
        yield row


def as_csv(table) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=NAMES)
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode()


def as_xlsx(table) -> bytes:
    book = Workbook()
    book.active.append(NAMES)
    for row in table:
        book.active.append([row.get(name, "") for name in NAMES])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_one_bad_row_among_500_imports_nothing_and_names_the_row_and_field(world, editor):
    before = (Agreement.objects.count(), Amount.objects.count(), Citation.objects.count())
    bad = {249: {"amount_currency": "XYZ"}}
    result = import_file("agreements.csv", as_csv(rows(world, changes=bad)), editor, commit=True)
    assert not result.committed and len(result.rows) == 500
    [failed] = result.failed_rows
    assert failed.number == 251  # spreadsheet numbering: the header is row 1
    assert failed.errors == [("amount_currency", "'XYZ' is not an ISO 4217 currency code.")]
    assert (Agreement.objects.count(), Amount.objects.count(), Citation.objects.count()) == before


def test_a_clean_import_of_500_rows_lands_recorded_and_in_the_derived_views(world, publisher):
    table = list(rows(world, changes={i: {"publication": "published"} for i in range(500)}))
    result = import_file("agreements.xlsx", as_xlsx(table), publisher, commit=True)
    assert result.committed, result.failed_rows[:3]
    imported = Agreement.objects.filter(title__startswith="Imported offtake")
    assert imported.count() == 500 and set(imported.values_list("publication", flat=True)) == {
        "published"
    }
    assert AgreementParty.objects.filter(agreement__in=imported).count() == 1000
    sample = imported.get(title="Imported offtake 7")
    event = sample.history.select_related("pgh_context").get()
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata == {
        "path": "import",
        "user": publisher.pk,
        "file": "agreements.xlsx",
    }
    assert sample.citations.get().quote == "Контракт № 7 подписан."
    refresh_now()
    pipeline = DealPipeline.objects.get(agreement_kind="offtake", agreement_status="signed")
    assert pipeline.agreement_count == 500
    assert pipeline.committed_usd == sum(Decimal(1_000_000 + i) for i in range(500))


def test_a_dry_run_previews_every_row_and_writes_nothing(world, editor):
    before = Agreement.objects.count()
    result = import_file("a.csv", as_csv(rows(world, n=3)), editor, commit=False)
    assert result.ok and not result.committed and Agreement.objects.count() == before
    assert [r.number for r in result.rows] == [2, 3, 4]
    assert result.rows[0].actions[0] == "new agreement “Imported offtake 0” (draft)"


def test_rows_are_checked_like_the_admin_checks_them(world, editor):
    bad = {
        0: {"party1_stake": "70"},  # 70 + 40 > 100 %
        1: {"party2_company": "Nobody Ltd"},
        2: {"signed": "2025-13", "kind": "treaty"},
        3: {"publication": "published"},  # editors cannot publish
        4: {"citation_source": ""},
        5: {"amount_qualifier": "range"},  # a database check constraint, same message
        6: {"agreement_title": "FRAMEWORK agreement"},  # a unique constraint (any case)
    }
    result = import_file("a.csv", as_csv(rows(world, n=7, changes=bad)), editor, commit=False)
    errors = {r.number: r.errors for r in result.rows}
    total = "The parties' stakes in agreement “Imported offtake 0” total 110 %, more than 100 %."
    assert errors[2] == [("party2_stake", total)]
    assert errors[3] == [("party2_company", "No company with the slug or name “Nobody Ltd”.")]
    assert {column for column, _ in errors[4]} == {"signed", "kind"}
    assert errors[5] == [
        (
            "publication",
            "agreement: Only a publisher or an administrator may publish or withdraw records.",
        )
    ]
    assert errors[6] == [("citation_source", "Every row cites a source: give its slug.")]
    range_rule = "A range needs an upper value above the lower one; other qualifiers have none."
    assert errors[7] == [("amount_qualifier", range_rule)]
    assert errors[8] == [("agreement_title", "This deal already has an agreement with this title.")]


def test_the_admin_import_page_previews_then_imports(client, world, editor):
    logged_in(client, editor)
    url = reverse("admin:deals_agreement_import")
    upload = io.BytesIO(as_csv(rows(world, n=2)))
    upload.name = "two.csv"
    preview = client.post(url, {"file": upload})
    text = preview.content.decode()
    assert "All 2 rows checked: they can be imported." in text
    assert not Agreement.objects.filter(title__startswith="Imported offtake").exists()
    digest = preview.context["digest"]
    done = client.post(url, {"confirm": digest}, follow=True)
    assert "Imported 2 row(s) from two.csv." in done.content.decode()
    assert Agreement.objects.filter(title__startswith="Imported offtake").count() == 2

    changes = {i: {"agreement_title": f"Fresh {i}"} for i in range(2)}
    changes[1]["amount_kind"] = "gift"
    upload = io.BytesIO(as_csv(rows(world, n=2, changes=changes)))
    upload.name = "bad.csv"
    refused = client.post(url, {"file": upload}).content.decode()
    assert "1 row is refused: nothing will be imported until it is fixed." in refused
    assert "<code>amount_kind</code>: “gift” is not one of" in refused
    assert 'name="confirm"' not in refused


def test_templates_download_with_every_column(client, editor):
    logged_in(client, editor)
    csv_template = client.get(reverse("admin:deals_agreement_import_template", args=["csv"]))
    header = csv_template.content.decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == NAMES
    xlsx = client.get(reverse("admin:deals_agreement_import_template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == NAMES


def test_unreadable_files_are_refused_as_a_whole(world, editor):
    assert (
        "Unknown column(s): colour"
        in import_file("a.csv", b"deal,colour\nx,y\n", editor, commit=True).file_error
    )
    assert (
        "not a readable XLSX" in import_file("a.xlsx", b"not a zip", editor, commit=True).file_error
    )
    assert ".csv or .xlsx" in import_file("a.txt", b"", editor, commit=True).file_error


def test_the_command_checks_then_imports(world, publisher, tmp_path, capsys):
    path = tmp_path / "rows.csv"
    path.write_bytes(as_csv(rows(world, n=2)))
    call_command("import_agreements", str(path))
    assert "Dry run: 2 row(s) would import" in capsys.readouterr().out
    assert not Agreement.objects.filter(title__startswith="Imported offtake").exists()
    call_command("import_agreements", str(path), "--commit", "--user", publisher.username)
    assert Agreement.objects.filter(title__startswith="Imported offtake").count() == 2
    path.write_bytes(as_csv(rows(world, n=1, changes={0: {"deal": ""}})))
    with pytest.raises(CommandError, match="1 of 1 row"):
        call_command("import_agreements", str(path), "--commit")
