"""Imports from an editor's point of view: every error at once, a template that imports as
downloaded, and removing one's own imported drafts."""

import pytest
from django.urls import reverse

from deals.imports.importer import import_file
from deals.models import Agreement, Amount

from .conftest import logged_in, make_user
from .test_imports import as_csv, rows

pytestmark = pytest.mark.django_db


def test_a_dry_run_reports_every_error_of_every_row_with_row_and_column(world, editor):
    bad = {
        0: {"party1_role": "boss", "agreement_title": "x" * 301, "amount_currency": "DOLLARS"},
        2: {"signed": "late 2025", "party2_stake": "many", "citation_source": "no-such-source"},
    }
    result = import_file("a.csv", as_csv(rows(world, n=3, changes=bad)), editor, commit=False)
    found = {(r.number, column) for r in result.failed_rows for column, _ in r.errors}
    assert found == {
        (2, "party1_role"),
        (2, "agreement_title"),
        (2, "amount_currency"),
        (4, "signed"),
        (4, "party2_stake"),
        (4, "citation_source"),
    }
    messages = {c: m for r in result.failed_rows for c, m in r.errors}
    assert "“boss” is not one of" in messages["party1_role"]
    assert "at most 300 characters" in messages["agreement_title"]
    assert "“many” is not a number." == messages["party2_stake"]
    assert not Agreement.objects.filter(title__startswith="Imported offtake").exists()


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_the_templates_example_row_imports_as_downloaded(client, seeded, ext):
    editor = make_user("editor")
    logged_in(client, editor)
    url = reverse("admin:deals_agreement_import_template", args=[ext])
    data = client.get(url).content
    dry = import_file(f"template.{ext}", data, editor, commit=False)
    assert dry.ok and len(dry.rows) == 1, [r.errors for r in dry.rows] + [dry.file_error]
    done = import_file(f"template.{ext}", data, editor, commit=True)
    assert done.committed
    agreement = Agreement.objects.get(title="Agreement on joint development of Severny Katpar")
    assert agreement.publication == "draft" and agreement.parties.count() == 2


def test_an_example_row_also_imports_in_a_database_without_the_seed(client, world, editor):
    logged_in(client, editor)
    data = client.get(reverse("admin:deals_agreement_import_template", args=["csv"])).content
    result = import_file("template.csv", data, editor, commit=True)
    assert result.committed, [r.errors for r in result.rows]


def run_delete(client, user, agreements):
    logged_in(client, user)
    payload = {
        "action": "delete_my_imported_drafts",
        "_selected_action": [a.pk for a in agreements],
    }
    return client.post(reverse("admin:deals_agreement_changelist"), payload, follow=True)


def test_editors_delete_their_own_imported_drafts_only(client, world, editor):
    other = make_user("editor")
    assert import_file("a.csv", as_csv(rows(world, n=2)), editor, commit=True).committed
    mine = list(Agreement.objects.filter(title__startswith="Imported offtake"))
    renamed = {0: {"agreement_title": "Imported by another editor"}}
    theirs_file = as_csv(rows(world, n=1, changes=renamed))
    assert import_file("b.csv", theirs_file, other, commit=True).committed
    theirs = Agreement.objects.get(title="Imported by another editor")

    for refused in ([theirs], [world.agreement], [mine[0], theirs]):
        page = run_delete(client, editor, refused).content.decode()
        assert "Nothing was deleted" in page and "not a draft you imported" in page
    assert Agreement.objects.filter(pk__in=[a.pk for a in mine]).count() == 2

    page = run_delete(client, editor, mine).content.decode()
    assert "Deleted 2 imported draft(s)." in page
    assert not Agreement.objects.filter(pk__in=[a.pk for a in mine]).exists()
    assert not Amount.objects.filter(agreement_id__in=[a.pk for a in mine]).exists()
    assert Agreement.objects.filter(pk=theirs.pk).exists()
