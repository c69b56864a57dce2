"""Check constraints validated in one query, with Django's own messages when one fails."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from deals.models import Amount
from tests import factories as f

pytestmark = pytest.mark.django_db

CHECKS = sum(isinstance(c, models.CheckConstraint) for c in Amount._meta.constraints)


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def test_a_valid_record_is_checked_in_one_query_instead_of_one_per_check():
    assert CHECKS >= 4
    amount = f.amount(f.deal())
    ours = queries(amount.validate_constraints)
    djangos = queries(lambda: models.Model.validate_constraints(amount))
    # Each check costs Django the same (a query, in a savepoint inside a transaction).
    per_check, rest = divmod(djangos, CHECKS)
    assert rest == 0 and ours == per_check


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
