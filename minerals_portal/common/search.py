"""Script- and spelling-tolerant search keys.

``fold`` maps a name in Latin, Russian Cyrillic or Kazakh Cyrillic to one
Latin key, so that "Severny Katpar", "severnyi katpar" and "Северный Катпар"
(or "Samruk" and "Самрұқ") compare equal. It folds case and diacritics, maps
the Kazakh letters onto their Russian neighbours, transliterates Cyrillic and
then collapses spelling variants that transliteration systems disagree on
(y/i/j, kh/q/c/k, w/v, doubled letters).
"""

import re
import unicodedata

_KAZAKH = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
)

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "є": "e", "ї": "i", "ў": "u",
}  # fmt: skip

_VARIANTS = [
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
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    for pattern, replacement in _VARIANTS:
        text = pattern.sub(replacement, text)
    return text.strip()


def search_key(*names: str | None) -> str:
    """Join the folded forms of every name, separated so a query cannot span two names."""
    keys = []
    for name in names:
        key = fold(name)
        if key and key not in keys:
            keys.append(key)
    return "|" + "|".join(keys) + "|" if keys else ""
