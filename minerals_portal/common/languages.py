"""ISO 639-1 languages (the full list, from ``pycountry``), named in the reader's language."""

import gettext
from functools import cache

import pycountry
from django.utils.translation import get_language

# (code, English name) for every language with a two-letter ISO 639-1 code, by code.
ISO_639_1 = sorted(
    (lang.alpha_2, lang.name) for lang in pycountry.languages if hasattr(lang, "alpha_2")
)
CODES = frozenset(code for code, _ in ISO_639_1)


@cache
def _catalogue(lang: str) -> gettext.NullTranslations:
    return gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def language_name(code: str) -> str:
    """The name of ISO 639-1 ``code`` in the active interface language ("Chinese", "Китайский")."""
    found = pycountry.languages.get(alpha_2=code) if code else None
    if found is None:
        return code
    name = _catalogue((get_language() or "en")[:2]).gettext(found.name)
    return name[:1].upper() + name[1:]
