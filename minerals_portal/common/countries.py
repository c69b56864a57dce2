"""Countries by ISO 3166-1 code or by name, in English, Russian or Kazakh (``pycountry``)."""

import gettext
from functools import cache

import pycountry

from .search import fold

NAME_LANGUAGES = ("ru", "kk")

# Everyday short names that ISO lists only in a longer form.
SHORT_NAMES = {
    "Russia": "RU", "Россия": "RU", "Ресей": "RU", "USA": "US", "США": "US", "АҚШ": "US",
    "UK": "GB", "Britain": "GB", "Великобритания": "GB", "South Korea": "KR",
    "Южная Корея": "KR", "Iran": "IR", "Иран": "IR", "Vietnam": "VN", "Вьетнам": "VN",
}  # fmt: skip


@cache
def _by_key() -> dict[str, str]:
    """Folded code or name (any spelling ``fold`` equates) -> alpha-2 code."""
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in NAME_LANGUAGES
    ]
    keys = {fold(name): code for name, code in SHORT_NAMES.items()}
    for country in pycountry.countries:
        english = [getattr(country, attr, "") for attr in ("name", "official_name", "common_name")]
        names = [*english, *(t.gettext(n) for t in translations for n in english if n)]
        for name in names:
            if name:
                keys.setdefault(fold(name), country.alpha_2)
    return keys


def country_code(text: str) -> str | None:
    """The alpha-2 code of a country given by its alpha-2 or alpha-3 code or by a name."""
    text = text.strip()
    if len(text) in (2, 3) and text.isascii() and text.isalpha():
        found = pycountry.countries.get(**{f"alpha_{len(text)}": text.upper()})
        if found:
            return found.alpha_2
    return _by_key().get(fold(text)) if text else None
