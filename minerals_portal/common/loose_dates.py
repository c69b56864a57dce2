"""Dates known only to the day, the month or the year.

A loose date is stored as two columns: the first day of the period and its
precision. "February 2026" is (2026-02-01, "month"): it sorts correctly and is
shown honestly, never as "1 February 2026".
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


# The source dates only its own report: the date is the report's day, never shown as
# the day the fact happened ("reported 23 February 2026"). The timeline places undated
# agreements at their first report with this same mark.
REPORTED = "reported"


class ReportedPrecision(models.TextChoices):
    """``Precision`` plus "reported", for facts an article states without their own date."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    REPORTED = REPORTED, _("reported (the source dates only its report)")


# Month names as they follow "in": Russian puts them in the prepositional case
# ("в феврале"), which none of Django's formats gives (F: nominative, E: genitive).
_IN_MONTH = "month name after 'in' (Russian: prepositional case)"
MONTHS_AFTER_IN = {
    1: pgettext_lazy(_IN_MONTH, "January"), 2: pgettext_lazy(_IN_MONTH, "February"),
    3: pgettext_lazy(_IN_MONTH, "March"), 4: pgettext_lazy(_IN_MONTH, "April"),
    5: pgettext_lazy(_IN_MONTH, "May"), 6: pgettext_lazy(_IN_MONTH, "June"),
    7: pgettext_lazy(_IN_MONTH, "July"), 8: pgettext_lazy(_IN_MONTH, "August"),
    9: pgettext_lazy(_IN_MONTH, "September"), 10: pgettext_lazy(_IN_MONTH, "October"),
    11: pgettext_lazy(_IN_MONTH, "November"), 12: pgettext_lazy(_IN_MONTH, "December"),
}  # fmt: skip

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class LooseDate:
    date: dt.date
    precision: str

    @classmethod
    def parse(cls, value: "str | int | dt.date | LooseDate") -> "LooseDate":
        """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``reported YYYY-MM-DD`` (a report's
        day); raise ``ValueError`` otherwise."""
        if isinstance(value, LooseDate):
            return value
        if isinstance(value, dt.date):
            return cls(value, Precision.DAY)
        text = str(value).strip()
        if text.startswith(f"{REPORTED} "):
            day = cls.parse(text[len(REPORTED) + 1 :])
            if day.precision != Precision.DAY:
                raise ValueError(f"{value!r}: a report is dated to its day (YYYY-MM-DD)")
            return cls(day.date, REPORTED)
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(f"{value!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        try:
            date = dt.date(int(year), int(month or 1), int(day or 1))
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid date: {exc}") from None
        precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
        return cls(date, precision)

    def last_day(self) -> dt.date:
        """The period's last day: 31 December for a year, the month's end for a month."""
        date = self.date
        if self.precision == Precision.YEAR:
            return dt.date(date.year, 12, 31)
        if self.precision == Precision.MONTH:
            return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
        return date

    @property
    def reported(self) -> bool:
        return self.precision == REPORTED

    def iso(self) -> str:
        if self.precision == Precision.YEAR:
            return f"{self.date.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()

    def phrase(self) -> str:
        """The date as it follows a verb ("signed …"): "in February 2026", "on 23 February
        2026", "in 2026"; in Russian "в феврале 2026 г.", "23 февраля 2026 г.", "в 2026 г."."""
        if self.precision == Precision.YEAR:
            return pgettext("date phrase", "in %(year)d") % {"year": self.date.year}
        if self.precision == Precision.MONTH:
            month = MONTHS_AFTER_IN[self.date.month]
            return pgettext("date phrase", "in %(month)s %(year)d") % {
                "month": month,
                "year": self.date.year,
            }
        day = formats.date_format(self.date, "j E Y")
        if self.reported:
            return gettext("reported %(date)s") % {"date": day}
        return gettext("on %(date)s") % {"date": day}

    def __str__(self) -> str:
        if self.precision == Precision.YEAR:
            return str(self.date.year)
        if self.precision == Precision.MONTH:
            return formats.date_format(self.date, "YEAR_MONTH_FORMAT")
        if self.reported:
            return gettext("reported %(date)s") % {"date": formats.date_format(self.date, "j E Y")}
        return formats.date_format(self.date, "j E Y")


def loose(date: dt.date | None, precision: str) -> LooseDate | None:
    return LooseDate(date, precision) if date else None


def precision_constraint(field: str, name: str, reported=False) -> models.CheckConstraint:
    """Date and precision agree: both empty, or a month/year date on the period's first day
    (with ``reported``, a report's day may also be marked "reported")."""
    p = f"{field}_precision"
    day = {f"{p}__in": [Precision.DAY, REPORTED]} if reported else {p: Precision.DAY}
    return models.CheckConstraint(
        condition=(
            Q(**{f"{field}__isnull": True, p: ""})
            | Q(**{f"{field}__isnull": False, **day})
            | Q(**{f"{field}__isnull": False, p: Precision.MONTH, f"{field}__day": 1})
            | Q(
                **{
                    f"{field}__isnull": False,
                    p: Precision.YEAR,
                    f"{field}__day": 1,
                    f"{field}__month": 1,
                }
            )
        ),
        name=name,
        violation_error_message=(
            f"{field}: a date needs a precision (day, month or year); a month-precise date "
            "falls on the 1st, a year-precise one on 1 January."
        ),
    )
