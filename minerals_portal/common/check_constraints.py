"""Validate a record's check constraints in one query instead of one each.

Django's ``full_clean`` asks the database once per ``CheckConstraint`` (five
round trips for an amount). ``OneQueryChecks`` first asks once whether all of
them hold; only when one fails (or cannot be checked together) does Django's
own validation run them one by one, to say which failed and how.
"""

import functools
import operator
from contextlib import nullcontext

from django.core.exceptions import FieldError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def all_hold(instance, model, checks, exclude, using) -> bool:
    """True when every check holds for ``instance`` (NULL counts as holding, as in Django)."""
    query = Query(None)
    against = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
    for name, value in against.items():
        expression = value if hasattr(value, "resolve_expression") else Value(value)
        query.add_annotation(expression, name, select=False)
    query.add_annotation(Value(1), "_check")
    holds = [Q(Coalesce(Q(c.condition), True, output_field=BooleanField())) for c in checks]
    connection = connections[using]
    try:
        query.add_q(functools.reduce(operator.and_, holds))
        with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
            return query.get_compiler(using=using).execute_sql(SINGLE) is not None
    except (FieldError, DatabaseError):  # e.g. a check on an excluded field: Django decides
        return False


class OneQueryChecks(models.Model):
    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        self._checks_hold = False
        groups = self.get_constraints()
        if len(groups) == 1 and connections[using].features.supports_comparing_boolean_expr:
            model, constraints = groups[0]
            checks = [c for c in constraints if isinstance(c, models.CheckConstraint)]
            self._checks_hold = len(checks) > 1 and all_hold(self, model, checks, exclude, using)
        try:
            super().validate_constraints(exclude=exclude)
        finally:
            self._checks_hold = False

    def get_constraints(self):
        groups = super().get_constraints()
        if not getattr(self, "_checks_hold", False):
            return groups
        return [
            (model, [c for c in constraints if not isinstance(c, models.CheckConstraint)])
            for model, constraints in groups
        ]
