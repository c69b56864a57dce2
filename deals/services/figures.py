"""Derived fields kept by the write layer: the figure in use, and the status its history gives.

* A ``FigureReport`` marked in use releases the figure's other report in use (at most
  one, which the partial unique constraint ``figure_one_in_use`` guarantees) and
  writes its value and qualifier into the record's field, through ``save``: the
  record's history shows the editorial choice, and totals read only that value.
* An agreement's ``status`` follows the latest entry of its dated, cited status
  history (``StatusChange``): adding, changing or removing an entry sets it; an
  edit of the status itself while a history exists is refused with a clear message.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from deposits.models import ResourceEstimate

from ..models import Agreement, AgreementParty, Amount, FigureReport, StatusChange
from . import base

# (record model, report field) -> (value column, qualifier column or None)
COLUMNS = {
    (Amount, "value"): ("value", "qualifier"),
    (AgreementParty, "stake"): ("stake", None),
    (ResourceEstimate, "quantity"): ("quantity", "quantity_qualifier"),
    (ResourceEstimate, "grade"): ("grade", "grade_qualifier"),
}
STATUS_FOLLOWS_HISTORY = (
    "This agreement's status follows its dated status history (now “{status}”): "
    "add a status change with its date and source instead."
)


def release_others(actor, report: FigureReport) -> None:
    if not report.in_use:
        return
    others = FigureReport.objects.filter(
        content_type_id=report.content_type_id, object_id=report.object_id,
        field=report.field, in_use=True,
    ).exclude(pk=report.pk)  # fmt: skip
    for other in others:
        other.in_use = False
        base.save(actor, other)


def apply_in_use(actor, report: FigureReport) -> None:
    if not report.in_use:
        return
    record = report.record
    columns = COLUMNS.get((type(record), report.field))
    if columns is None:
        raise ValidationError({"field": f"A {record._meta.verbose_name} has no {report.field}."})
    value_column, qualifier_column = columns
    changed = getattr(record, value_column) != report.value
    setattr(record, value_column, report.value)
    if qualifier_column and getattr(record, qualifier_column) != report.qualifier:
        setattr(record, qualifier_column, report.qualifier)
        changed = True
    if changed:
        base.save(actor, record)


def latest_status(agreement_id) -> str | None:
    latest = StatusChange.objects.filter(agreement_id=agreement_id).order_by("-on", "-id")
    return latest.values_list("status", flat=True).first()


def check_status(actor, agreement: Agreement) -> None:
    if agreement.pk is None or getattr(agreement, "_following_history", False):
        return
    status = latest_status(agreement.pk)
    if status is not None and agreement.status != status:
        label = Agreement.Status(status).label
        raise ValidationError({"status": STATUS_FOLLOWS_HISTORY.format(status=label)})


def _following(actor, change: StatusChange) -> None:
    """After a status change is saved or deleted (its agreement may be gone with it)."""
    if Agreement.objects.filter(pk=change.agreement_id).exists():
        agreement = Agreement.objects.get(pk=change.agreement_id)
        status = latest_status(change.agreement_id)
        if status is not None and agreement.status != status:
            agreement.status = status
            agreement._following_history = True
            try:
                base.save(actor, agreement)
            finally:
                agreement._following_history = False


base.BEFORE_SAVE.update({FigureReport: [release_others], Agreement: [check_status]})
base.AFTER_SAVE.update({FigureReport: [apply_in_use], StatusChange: [_following]})
base.AFTER_DELETE.update({StatusChange: [_following]})
