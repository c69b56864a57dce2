"""Check constraints are validated by Django, each failure named with its own message."""

import pytest
from django.core.exceptions import ValidationError

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "change, message",
    [
        ({"value": -5}, "An amount must be positive."),
        ({"currency": "usd"}, "Currency must be an ISO 4217 code such as USD or KZT."),
        ({"qualifier": "range", "value_max": None}, "upper value"),
    ],
)
def test_a_failing_check_is_named_as_django_names_it(change, message):
    amount = f.amount(f.deal())
    for field, value in change.items():
        setattr(amount, field, value)
    with pytest.raises(ValidationError) as raised:
        amount.validate_constraints()
    assert message in " ".join(raised.value.messages)


def test_checks_on_excluded_fields_are_left_out_as_django_leaves_them_out():
    amount = f.amount(f.deal())
    amount.value = -5
    amount.validate_constraints(exclude={"value"})  # the positive-value check is skipped
    with pytest.raises(ValidationError):
        amount.validate_constraints()
