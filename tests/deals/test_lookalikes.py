"""A name that only looks new (case, script, invisible characters, transliteration) is refused."""

import pytest
from django.core.exceptions import ValidationError

from deals import services
from deals.models import Company

pytestmark = pytest.mark.django_db


def company(name, **fields):
    return Company(name=name, kind="national_company", country="KZ", **fields)


@pytest.fixture
def tks(db):
    return services.save(None, company("Tau-Ken Samruk", aliases=["TKS"]))


@pytest.mark.parametrize(
    "name",
    [
        "tau-ken samruk",  # case
        "Tau-\u200bKen Sam\u00adruk",  # a zero-width space and a soft hyphen
        "Тау-Кен Самрук",  # Russian Cyrillic
        "Тау-Кен Самрұқ",  # Kazakh Cyrillic
        "Tau-Ken Samruq",  # another romanization
        "Tаu-Ken Samruk",  # a Cyrillic "а" among Latin letters (homoglyph)
    ],
)
def test_a_lookalike_of_an_existing_company_is_refused_naming_it(tks, name):
    with pytest.raises(ValidationError) as refused:
        services.save(None, company(name))
    message = refused.value.message_dict["name"][0]
    assert "looks like the existing company “Tau-Ken Samruk”" in message
    assert f"/admin/deals/company/{tks.pk}/change/" in message
    assert Company.objects.count() == 1


def test_an_alias_is_checked_too_and_a_record_may_keep_its_own_names(tks):
    with pytest.raises(ValidationError) as refused:
        services.save(None, company("Other", aliases=["tks"]))
    assert "aliases" in refused.value.message_dict
    tks.name_ru = "Тау-Кен Самрук"
    services.save(None, tks)  # its own names never collide with themselves
    services.save(None, company("Samruk-Kazyna"))  # a different name passes
