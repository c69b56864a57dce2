"""Import rows never create a deal by accident nor change a published agreement for an editor."""

import pytest

from deals.imports.importer import import_file
from deals.models import Deal, Revision

from .test_imports import as_csv, rows

pytestmark = pytest.mark.django_db


NO_PARTIES_NOR_AMOUNT = {
    column: ""
    for column in (
        *(f"party{n}_{part}" for n in (1, 2) for part in ("company", "role", "stake")),
        *(f"amount_{part}" for part in ("value", "currency", "qualifier", "kind", "as_of")),
    )
}


def one_row(world, **changes):
    return as_csv(rows(world, n=1, changes={0: changes}))


def test_a_misspelt_deal_slug_is_refused_with_the_closest_slugs(world, editor):
    deals = Deal.objects.count()
    misspelt = world.deal.slug[:-1] + "x"
    result = import_file("a.csv", one_row(world, deal=misspelt), editor, commit=True)
    assert not result.committed and Deal.objects.count() == deals
    [(column, message)] = result.rows[0].errors
    assert column == "deal"
    assert f"No deal with the slug or name “{misspelt}”." in message
    assert "Did you mean" in message and f"“{world.deal.slug}”" in message
    assert "put yes in the new_deal column" in message


def test_new_deal_yes_creates_the_deal_as_a_draft(world, editor):
    result = import_file(
        "a.csv",
        one_row(world, deal="Brand new lithium project", new_deal="yes"),
        editor,
        commit=True,
    )
    assert result.committed, result.rows[0].errors
    deal = Deal.objects.get(name="Brand new lithium project")
    assert deal.publication == "draft"
    assert result.rows[0].actions[0] == "new deal “Brand new lithium project” (draft)"
    assert deal.citations.count() == 1


def test_an_editor_row_changing_a_published_agreement_waits_for_review(world, editor):
    change = {"agreement_slug": world.agreement.slug, "venue": "Changed", **NO_PARTIES_NOR_AMOUNT}
    result = import_file("a.csv", one_row(world, **change), editor, commit=True)
    assert result.committed, result.rows[0].errors
    assert any("sent for review (revision #" in action for action in result.rows[0].actions)
    world.agreement.refresh_from_db()
    assert world.agreement.venue != "Changed"
    revision = Revision.objects.get()
    assert (revision.path, revision.author, revision.status) == ("import", editor, "pending")
    assert {"venue": "Changed"}.items() <= revision.changes[0]["fields"].items()


def test_a_publisher_row_may_change_a_published_agreement(world, publisher):
    change = {"agreement_slug": world.agreement.slug, "venue": "Changed", **NO_PARTIES_NOR_AMOUNT}
    result = import_file("a.csv", one_row(world, **change), publisher, commit=True)
    assert result.committed, result.rows[0].errors
    world.agreement.refresh_from_db()
    assert world.agreement.venue == "Changed"
