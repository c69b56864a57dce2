"""Script- and spelling-tolerant search keys.

``fold`` maps a name in Latin, Russian Cyrillic or Kazakh Cyrillic to one
Latin key, so that "Severny Katpar", "severnyi katpar" and "Северный Катпар"
(or "Samruk" and "Самрұқ") compare equal. It folds case and diacritics, maps
the Kazakh letters onto their Russian neighbours, transliterates Cyrillic and
then collapses spelling variants that transliteration systems disagree on
(y/i/j, kh/q/c/k, w/v, doubled letters).

``search_key`` stores, besides the folded names, the folded form of every
common romanization of each Cyrillic name (BGN/PCGN, ISO 9, GOST 7.79, ALA-LC,
ICAO, scientific, ... through ``iuliia``; Kazakh Latin 2021), so that a name
typed in any of them is found by a plain ``contains`` on the stored key: the
romanizations are made once, when a record is saved, never per query.
"""

import re
import unicodedata
from functools import cache

import iuliia
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Value

_KAZAKH = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
)

# The Kazakh Latin alphabet of 2021 (Decree No. 637 as amended).
_KAZAKH_LATIN_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū",
    "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch", "ш": "ş", "щ": "şş", "ъ": "",
    "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

# Russian romanization systems in common use (iuliia's schema objects).
_SCHEMES = (
    iuliia.BGN_PCGN, iuliia.ISO_9_1968, iuliia.GOST_779, iuliia.GOST_779_ALT, iuliia.ALA_LC,
    iuliia.ICAO_DOC_9303, iuliia.SCIENTIFIC, iuliia.UNGEGN_1987, iuliia.WIKIPEDIA,
    iuliia.MOSMETRO, iuliia.YANDEX_MAPS, iuliia.GOST_52535, iuliia.MVD_782,
)  # fmt: skip

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "є": "e", "ї": "i", "ў": "u",
}  # fmt: skip

_VARIANTS = [
    (re.compile(r"[`'’‘ʹʺʼ]"), ""),  # soft/hard sign and apostrophes inside a word
    (re.compile(r"shch|sch"), "sh"),
    (re.compile(r"kh"), "k"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?!h)"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"[yji]+"), "i"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"[^a-z0-9]+"), " "),
]


def fold(text: str | None) -> str:
    """Return the search key of ``text`` (lowercase Latin letters, digits, spaces)."""
    if not text:
        return ""
    # Invisible format characters (zero-width space, joiners, soft hyphen) are dropped.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = text.lower().translate(_KAZAKH)
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).replace("ı", "i")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for pattern, replacement in _VARIANTS:
        text = pattern.sub(replacement, text)
    return text.strip()


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@cache
def romanizations(name: str) -> tuple[str, ...]:
    """``name`` in every romanization system above (itself when it is not Cyrillic)."""
    if not has_cyrillic(name):
        return (name,)
    lower = name.lower()
    russian = lower.translate(_KAZAKH)
    kazakh_latin = "".join(_KAZAKH_LATIN_2021.get(ch, ch) for ch in lower)
    return (name, kazakh_latin, *(scheme.translate(russian) for scheme in _SCHEMES))


def search_key(*names: str | None) -> str:
    """Join the folded forms of every name and its romanizations, separated so that a
    query cannot span two names."""
    keys = []
    for name in names:
        for spelling in romanizations(name) if name else ():
            key = fold(spelling)
            if key and key not in keys:
                keys.append(key)
    return "|" + "|".join(keys) + "|" if keys else ""


# Below this pg_trgm word similarity a name is not offered as "did you mean"
# ("katapr" against "severni katpar" scores 0.43; unrelated names under 0.3).
SIMILAR_ENOUGH = 0.4


def closest(queryset, text: str, limit: int = 5):
    """The records of ``queryset`` whose names are nearest to ``text`` (typos included).

    Compares the folded ``text`` with each stored ``search_key`` by pg_trgm word
    similarity (one query); best first.
    """
    key = fold(text)
    if not key:
        return queryset.none()
    return (
        queryset.annotate(similarity=TrigramWordSimilarity(Value(key), "search_key"))
        .filter(similarity__gte=SIMILAR_ENOUGH)
        .order_by("-similarity", "pk")[:limit]
    )


def rekey(model) -> None:
    """Rebuild ``search_key`` of every row of ``model`` (a migration's historical model
    too) after the way keys are made has changed."""
    rows = list(model._base_manager.only("pk", "name", "name_ru", "name_kk", "aliases"))
    for row in rows:
        row.search_key = search_key(row.name, row.name_ru, row.name_kk, *(row.aliases or []))
    model._base_manager.bulk_update(rows, ["search_key"], batch_size=500)
