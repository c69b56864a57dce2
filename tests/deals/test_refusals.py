"""Every kind of database refusal becomes a message naming the field, never a crash.

The writes here skip Django's validation on purpose (plain ``create``, raw
deletes), as a path that forgot it would: the database refuses, and
``database_refusals()`` says what and where.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.urls import reverse

from deals.models import AgreementParty, Citation, Company
from deals.services.refusals import database_refusals
from minerals_portal.common.validators import NUL_MESSAGE
from tests import factories as f

pytestmark = pytest.mark.django_db


def refusal(write) -> dict:
    """What ``database_refusals()`` makes of the database refusing ``write``."""
    with pytest.raises(ValidationError) as refused, database_refusals(), transaction.atomic():
        write()
        connection.check_constraints()  # deferred checks (foreign keys, triggers) now
    return refused.value.message_dict


def test_a_check_constraint_on_one_field_names_that_field():
    agreement = f.agreement()
    assert refusal(lambda: f.party(agreement, stake=120)) == {
        "stake": ["A stake lies between 0 and 100 %."]
    }


def test_a_check_constraint_across_fields_is_a_message_for_the_record():
    assert refusal(lambda: f.agreement(signed_on=None, signed_on_precision="")) == {
        NON_FIELD_ERRORS: ["A signed agreement needs a signing or announcement date."]
    }


def test_a_named_unique_constraint_gives_its_own_message():
    f.company("Cove Capital")
    assert refusal(lambda: f.company("COVE CAPITAL")) == {
        "name": ["A company with this name already exists."]
    }


def test_a_unique_field_is_named_from_the_key_the_database_reports():
    taken = f.company()
    assert refusal(lambda: f.company(slug=taken.slug)) == {
        "slug": ["A company with this slug already exists."]
    }


def test_a_missing_foreign_key_target_names_the_field():
    agreement = f.agreement()
    assert refusal(
        lambda: AgreementParty.objects.create(
            agreement=agreement, company_id=987654, role="investor"
        )
    ) == {"company": ["The chosen company does not exist (any more)."]}


def test_removing_a_record_others_point_to_says_who_points_to_it():
    company = f.company()
    f.party(f.agreement(), company)
    connection.check_constraints()  # the party's own reference is checked: it holds
    rows = Company.objects.filter(pk=company.pk)
    assert refusal(lambda: rows._raw_delete(connection.alias)) == {
        NON_FIELD_ERRORS: [
            "Other records (agreement parties) still refer to this one; "
            "change or remove them first."
        ]
    }


def test_a_missing_required_value_names_the_field():
    agreement = f.agreement()
    assert refusal(
        lambda: AgreementParty.objects.create(agreement=agreement, company=f.company(), role=None)
    ) == {"role": ["This field is required."]}


def test_a_nul_character_in_text_is_refused_with_a_message():
    assert refusal(lambda: f.company("Nul\x00Corp")) == {NON_FIELD_ERRORS: [NUL_MESSAGE]}


def test_a_nul_character_in_json_is_refused_with_a_message():
    assert refusal(lambda: f.company(aliases=["ok", "nul\x00"])) == {
        NON_FIELD_ERRORS: [NUL_MESSAGE]
    }


def test_a_value_too_long_for_its_column_says_the_limit():
    assert refusal(lambda: f.company("x" * 201)) == {
        NON_FIELD_ERRORS: ["A value is longer than its field allows (200 characters at most)."]
    }


def test_a_number_too_large_for_its_column_is_explained():
    agreement = f.agreement()
    assert refusal(lambda: f.party(agreement, stake=Decimal("12345"))) == {
        NON_FIELD_ERRORS: ["A number is too large or too precise for its field."]
    }


def test_the_stake_total_trigger_names_the_agreement_and_the_total():
    agreement = f.agreement(title="Offtake")

    def write():
        f.party(agreement, stake=80)
        f.party(agreement, stake=30, role="partner")

    assert refusal(write) == {
        "stake": ["The parties' stakes in agreement “Offtake” total 110 %, more than 100 %."]
    }


@pytest.fixture
def citation_backstop():
    """The test database switches the backstop off (tests/conftest.py); on for this test."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL deals.skip_citation_check = 'off'")  # until the test ends


def test_publishing_without_a_citation_is_refused_on_citations(citation_backstop):
    draft_deal = f.deal(publication="draft")
    messages = refusal(lambda: f.agreement(draft_deal, publication="published"))
    assert list(messages) == ["citations"]
    [message] = messages["citations"]
    assert "A published agreement" in message and "needs at least one citation" in message


def test_removing_the_last_citation_of_a_published_record_is_refused(citation_backstop):
    with transaction.atomic():  # written and checked before the backstop sees them
        amount = f.amount(f.deal(publication="draft"), publication="draft")
        citation = Citation.objects.create(content_object=amount, source=f.source(), quote="Q.")
        amount.publication = "published"
        amount.save()
    messages = refusal(citation.delete)
    assert "needs at least one citation" in messages["citations"][0]


def test_an_unforeseen_refusal_is_still_a_clear_message():
    def write():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    assert refusal(write) == {
        NON_FIELD_ERRORS: ["The database refused the change: division by zero."]
    }


# --- NUL characters are refused before they reach the database ----------------------------


def test_nul_characters_are_refused_by_validation_naming_each_field():
    company = Company(
        name="Nul\x00Corp", slug="nul-corp", kind="miner", country="KZ", aliases=["a", "b\x00"]
    )
    with pytest.raises(ValidationError) as refused:
        company.full_clean()
    assert refused.value.message_dict["name"] == [NUL_MESSAGE]
    assert refused.value.message_dict["aliases"] == [NUL_MESSAGE]


def test_an_alias_with_a_nul_character_is_a_form_error_in_the_admin(client):
    client.force_login(User.objects.create_superuser("chief", password="pw-long-enough-1"))
    citations = "deals-citation-content_type-object_id"
    form = {
        "name": "Nul Mining",
        "slug": "nul-mining",
        "kind": "miner",
        "country": "KZ",
        "aliases": "Nul\x00Mining",  # one alias per line (the admin edits them as text)
        f"{citations}-TOTAL_FORMS": "0",
        f"{citations}-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:deals_company_add"), form)
    assert response.status_code == 200
    assert str(NUL_MESSAGE) in response.content.decode()
    assert not Company.objects.filter(slug="nul-mining").exists()
