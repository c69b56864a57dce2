import datetime as dt

import pytest
from django.utils import translation

from minerals_portal.common.loose_dates import LooseDate


def test_parse_keeps_precision():
    assert LooseDate.parse("2026-02") == LooseDate(dt.date(2026, 2, 1), "month")
    assert LooseDate.parse("2025") == LooseDate(dt.date(2025, 1, 1), "year")
    assert LooseDate.parse("2025-11-06") == LooseDate(dt.date(2025, 11, 6), "day")


@pytest.mark.parametrize(
    "bad", ["2026-13", "2026-02-30", "Feb 2026", "26-02", "", "reported 2026-02", "reported"]
)
def test_parse_refuses_malformed_dates(bad):
    with pytest.raises(ValueError):
        LooseDate.parse(bad)


def test_shown_honestly_at_its_precision():
    with translation.override("en"):
        assert str(LooseDate.parse("2026-02")) == "February 2026"
        assert str(LooseDate.parse("2025")) == "2025"
        assert str(LooseDate.parse("2025-11-06")) == "6 November 2025"


def test_sorts_by_date():
    dates = [LooseDate.parse(v) for v in ("2026-02", "2025", "2025-11-06")]
    assert [d.iso() for d in sorted(dates)] == ["2025", "2025-11-06", "2026-02"]


def test_a_report_day_is_shown_as_reported_never_as_the_day_it_happened():
    reported = LooseDate.parse("reported 2026-02-23")
    assert (reported.date, reported.precision, reported.iso()) == (
        dt.date(2026, 2, 23), "reported", "2026-02-23",
    )  # fmt: skip
    assert reported.last_day() == dt.date(2026, 2, 23)
    with translation.override("en"):
        assert str(reported) == reported.phrase() == "reported 23 February 2026"
    with translation.override("ru"):
        assert str(reported) == "сообщено 23 февраля 2026 г."
