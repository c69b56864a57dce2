"""Editorial workflow: draft → in review → published (→ withdrawn), and who may move what.

* Who may move which state is decided in ``deals.services.rights``: editors
  between draft and in review, publishers (``deals.publish``) anywhere.
* A record is published only with at least one citation. The admin, the API and
  the import check this here; the database refuses it too, at commit (deals
  migrations 0009 and 0024). Sources are exempt: they are what citations point to.

States move through ``deals.services.publication.change_publication`` (admin
actions) and the services' ``save`` (forms, API); this module answers questions.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from deposits.models import Deposit, ResourceEstimate

from .models import Agreement, Amount, Citation, Company, Deal, Event, Source
from .services.base import (
    SELF_EVIDENT,
    UNCITED,  # noqa: F401  (the admin and the API show it)
)

PUBLISHABLE = (Deal, Agreement, Amount, Event, Company, Source, Deposit, ResourceEstimate)


def uncited(records) -> list:
    """The records among ``records`` with no citation (one query per kind of record)."""
    by_model = defaultdict(list)
    for record in records:
        if not isinstance(record, SELF_EVIDENT):
            by_model[type(record)].append(record)
    missing = []
    for model, group in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        cited = set(
            Citation.objects.filter(
                content_type=content_type, object_id__in=[r.pk for r in group]
            ).values_list("object_id", flat=True)
        )
        missing += [r for r in group if r.pk not in cited]
    return missing


def is_cited(record) -> bool:
    return record.pk is not None and not uncited([record])


def label(record) -> str:
    return f"{record._meta.verbose_name} “{record}”"
