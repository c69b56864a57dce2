"""Bad data is refused by the database itself, whatever path writes it (no forms here)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from deals.models import AgreementParty, Amount, Company, Ownership
from tests import factories as f
from tests.api.conftest import event

pytestmark = pytest.mark.django_db


def refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_stake_outside_0_100_is_refused():
    a = f.agreement()
    refused(lambda: f.party(a, stake=120))
    refused(lambda: f.party(a, stake=-5))


def refused_at_commit(fn):
    """Deferred rules (the stake total) run at commit; ``check_constraints`` runs them now."""
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()
        connection.check_constraints()


def test_stakes_in_one_agreement_cannot_total_more_than_100():
    a = f.agreement()
    f.party(a, stake=75)
    f.party(a, stake=25, role="state_partner")
    refused_at_commit(lambda: f.party(a, stake=1, role="partner"))
    p = AgreementParty.objects.get(agreement=a, stake=25)
    p.stake = 26
    refused_at_commit(p.save)


def test_amount_must_be_positive_and_in_an_iso_currency():
    refused(lambda: f.amount(value=0))
    refused(lambda: f.amount(value=-1))
    refused(lambda: f.amount(currency="XXY"))
    refused(lambda: f.amount(currency="usd"))


def test_amount_range_needs_an_upper_value_above_the_lower():
    refused(lambda: f.amount(qualifier="range"))
    refused(lambda: f.amount(qualifier="range", value=10, value_max=5))
    refused(lambda: f.amount(qualifier="approximately", value=10, value_max=20))
    assert f.amount(qualifier="range", value=10, value_max=20).pk


def test_an_amount_is_restated_once_and_never_by_itself():
    first = f.amount()
    f.amount(first.deal, restates=first)
    refused(lambda: f.amount(first.deal, restates=first))
    refused(lambda: Amount.objects.filter(pk=first.pk).update(restates=first))


@pytest.mark.parametrize(
    "day, precision",
    [(dt.date(2026, 2, 15), "month"), (dt.date(2026, 2, 1), "year"), (dt.date(2026, 2, 1), "")],
)
def test_date_precision_must_match_the_date(day, precision):
    refused(lambda: f.agreement(signed_on=day, signed_on_precision=precision))


def test_signed_agreement_needs_a_date():
    refused(lambda: f.agreement(signed_on=None, signed_on_precision=""))


def test_names_are_unique_within_a_kind_whatever_the_case():
    f.company("Cove Capital")
    refused(lambda: f.company("cove capital"))


def test_country_codes_are_iso():
    refused(lambda: f.company(country="kz"))
    refused(lambda: f.company(country="K1"))
    # A country no source states is empty, never a made-up code.
    assert f.company("Planned Co", country="").country_shown == "not stated"


def test_only_amounts_may_be_dated_by_their_report():
    amount = f.amount(as_of=dt.date(2026, 2, 23), as_of_precision="reported")
    assert str(amount.as_of_loose) == "reported 23 February 2026"
    refused(lambda: f.amount(as_of=dt.date(2026, 2, 1), as_of_precision="repor"))
    with pytest.raises(DataError), transaction.atomic():  # an event's precision: 5 letters
        event(on=dt.date(2026, 2, 23), on_precision="reported")


def test_a_company_cannot_own_itself_and_stakes_are_ordered():
    c = f.company()
    refused(lambda: Ownership.objects.create(parent=c, child=c, relation="subsidiary"))
    refused(
        lambda: Ownership.objects.create(
            parent=c, child=f.company(), relation="subsidiary", stake_min=60, stake_max=40
        )
    )


def test_deleting_a_company_that_is_party_to_an_agreement_is_protected():
    a = f.agreement()
    c = f.company()
    f.party(a, c)
    with pytest.raises(ProtectedError):
        c.delete()
    assert Company.objects.filter(pk=c.pk).exists()


def test_deleting_a_deal_with_agreements_is_protected():
    a = f.agreement()
    with pytest.raises(ProtectedError):
        a.deal.delete()


def test_validation_messages_name_the_problem():
    amount = Amount(
        deal=f.deal(),
        slug="x",
        value=-3,
        currency="ABC",
        kind="contract_value",
        as_of=dt.date(2025, 1, 1),
        as_of_precision="year",
    )
    with pytest.raises(ValidationError) as exc:
        amount.full_clean()
    text = str(exc.value)
    assert "An amount must be positive." in text
    assert "ISO 4217" in text


def test_half_filled_locations_and_grades_are_refused():
    from deposits.models import ResourceEstimate

    refused(lambda: f.deposit(latitude=48, location_accuracy="approximate"))
    d = f.deposit()
    refused(
        lambda: ResourceEstimate.objects.create(
            deposit=d,
            slug="e1",
            quantity=1,
            quantity_unit="Mt",
            measured="ore",
            category="prognostic",
            grade_unit="g/t",
        )
    )
    refused(
        lambda: ResourceEstimate.objects.create(
            deposit=d,
            slug="e2",
            quantity=1,
            quantity_unit="Mt",
            measured="ore",
            category="prognostic",
            grade=120,
            grade_unit="%",
        )
    )


def test_out_of_range_values_get_a_readable_message_not_a_crash():
    from deposits.models import ResourceEstimate

    a = f.agreement()
    party = AgreementParty(agreement=a, company=f.company(), role="investor", stake=-5)
    with pytest.raises(ValidationError) as exc:
        party.full_clean()
    assert "A stake lies between 0 and 100 %." in str(exc.value)
    c = f.company()
    link = Ownership(parent=c, child=f.company(), relation="subsidiary", stake_min=150)
    with pytest.raises(ValidationError) as exc:
        link.full_clean()
    assert "Stakes lie between 0 and 100 %, minimum ≤ maximum." in str(exc.value)
    estimate = ResourceEstimate(
        deposit=f.deposit(),
        slug="e",
        quantity=1,
        quantity_unit="t",
        measured="ore",
        category="inferred",
        grade=120,
        grade_unit="%",
    )
    with pytest.raises(ValidationError) as exc:
        estimate.full_clean()
    assert "A grade in % cannot exceed 100." in str(exc.value)
