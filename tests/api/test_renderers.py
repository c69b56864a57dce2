"""The orjson renderer writes exactly the text DRF's JSON renderer writes."""

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from minerals_portal.api.renderers import FastJSONRenderer

ALMATY = ZoneInfo("Asia/Almaty")

SAMPLES = [
    {"a": 1, "b": [1.5, None, True, False], "c": "Тау-Кен Самрұқ", "d": {}},
    {"utc": dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC)},
    {"local": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=ALMATY), "day": dt.date(2025, 11, 1)},
    {"naive": dt.datetime(2026, 1, 2, 3, 4, 5), "time": dt.time(12, 30)},
    {"money": Decimal("1100000000.00"), "id": uuid.UUID(int=7)},
    {"lazy": gettext_lazy("Not found."), "separators": "line\u2028paragraph\u2029end"},
    ReturnList([ReturnDict({"slug": "x"}, serializer=None)], serializer=None),
    {"wide": 2**70},  # beyond orjson: DRF's renderer writes it
    {1: "a non-string key"},  # likewise
    [],
]


@pytest.mark.parametrize("data", SAMPLES)
def test_same_text_as_drf(data):
    assert FastJSONRenderer().render(data) == JSONRenderer().render(data)


def test_indented_output_is_left_to_drf():
    media_type = "application/json; indent=4"
    data = {"a": [1, 2]}
    rendered = FastJSONRenderer().render(data, media_type)
    assert rendered == JSONRenderer().render(data, media_type) and b"\n    " in rendered


def test_nothing_renders_as_nothing():
    assert FastJSONRenderer().render(None) == b""
