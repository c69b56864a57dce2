"""Serializer fields shared by the resources."""

import datetime as dt

from rest_framework import serializers

from minerals_portal.common.loose_dates import REPORTED, LooseDate, Precision, loose


def loose_date_json(value: LooseDate | None) -> dict | None:
    if value is None:
        return None
    return {"date": value.date.isoformat(), "precision": value.precision, "display": str(value)}


class LooseDateField(serializers.Field):
    """A date known to the day, month or year, stored as ``<column>`` + ``<column>_precision``.

    Reads as ``{"date": "2026-02-01", "precision": "month", "display": "February 2026"}``;
    accepts ``"2026"``, ``"2026-02"``, ``"2026-02-14"``, that object (``display`` is
    ignored) or ``null``.
    """

    default_error_messages = {
        "invalid": "Give a date as YYYY, YYYY-MM or YYYY-MM-DD, or an object with date and "
        "precision.",
        "not_first_day": "A {precision}-precise date falls on the first day of its {precision}.",
    }

    def __init__(self, column: str, reported=False, **kwargs):
        self.column = column
        # Precision "reported" (a report's day, "reported 2026-02-23") only where stored.
        self.precisions = [*Precision.values, REPORTED] if reported else Precision.values
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return loose_date_json(
            loose(getattr(instance, self.column), getattr(instance, f"{self.column}_precision"))
        )

    def to_internal_value(self, data):
        precision_column = f"{self.column}_precision"
        if data is None:
            return {self.column: None, precision_column: ""}
        value = self._parse(data)
        return {self.column: value.date, precision_column: value.precision}

    def _parse(self, data) -> LooseDate:
        if isinstance(data, str):
            try:
                value = LooseDate.parse(data)
            except ValueError:
                self.fail("invalid")
            if value.precision not in self.precisions:
                self.fail("invalid")
            return value
        if not isinstance(data, dict) or not isinstance(data.get("date"), str):
            self.fail("invalid")
        try:
            date = dt.date.fromisoformat(data["date"])
        except ValueError:
            self.fail("invalid")
        precision = data.get("precision", Precision.DAY)
        if precision not in self.precisions:
            self.fail("invalid")
        if (precision == Precision.MONTH and date.day != 1) or (
            precision == Precision.YEAR and (date.day, date.month) != (1, 1)
        ):
            self.fail("not_first_day", precision=precision)
        return LooseDate(date, precision)


def iso_datetime(value, zone=None) -> str:
    """A datetime as DRF writes it: ISO 8601 (in ``zone`` when given), UTC as Z."""
    text = (value.astimezone(zone) if zone else value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class StrictBooleanField(serializers.BooleanField):
    """``true``/``false`` only: the schema says boolean, so ``0``, ``"yes"`` and the like
    are refused instead of being read as one."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)
