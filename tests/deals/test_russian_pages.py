"""Pages in Russian: Russian titles and texts, grammatical date phrases, local units."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from deals.templatetags.portal import big_money, stake
from minerals_portal.common.loose_dates import LooseDate


@pytest.fixture
def russian(client):
    client.cookies["django_language"] = "ru"
    return client


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


@pytest.mark.parametrize(
    "value, english, russian",
    [
        ("2026-02", "in February 2026", "в феврале 2026 г."),
        ("2025-05", "in May 2025", "в мае 2025 г."),
        ("2025-11-07", "on 7 November 2025", "7 ноября 2025 г."),
        ("2025", "in 2025", "в 2025 г."),
    ],
)
def test_a_date_follows_a_verb_in_the_right_case(value, english, russian):
    date = LooseDate.parse(value)
    with translation.override("en"):
        assert date.phrase() == english
    with translation.override("ru"):
        assert date.phrase() == russian


def test_money_and_stakes_use_the_local_decimal_mark():
    with translation.override("ru"):
        assert big_money(1_100_000_000) == "USD 1,1 млрд"
        assert stake("25.50") == "25,5 %"
    with translation.override("en"):
        assert big_money(1_100_000_000) == "USD 1.1 bn"


def test_the_deal_page_in_russian(russian, seeded):
    text = text_of(russian.get(reverse("deal-detail", args=["katpar-kairakty-tungsten"])))
    assert "Договор купли-продажи (SPA) по проекту глубокой переработки вольфрама" in text
    assert "объявлено в феврале 2026 г." in text
    months = "Январь|Февраль|Март|Апрель|Май|Июнь|Июль|Август|Сентябрь|Октябрь|Ноябрь|Декабрь"
    verbs = "объявлено|подписано|подписан|подписаны|истекло|расторгнуто"
    assert not re.search(rf"({verbs})\s+({months})", text)  # never the nominative after a verb
    assert "«Тау-Кен Самрук» и американский инвестор Cove Capital" in text
    assert "USD 1,1 млрд" in text
    assert "Sale and purchase agreement (SPA)" not in text


def test_the_english_page_keeps_english_titles(client, seeded):
    text = text_of(client.get(reverse("deal-detail", args=["katpar-kairakty-tungsten"])))
    assert "Sale and purchase agreement (SPA) for the tungsten deep-processing project" in text
    assert "announced in February 2026" in text
    # the Russian title is not shown (the verbatim Russian quote in the sources panel is)
    assert "Договор купли-продажи (SPA) по проекту" not in text


def test_the_timeline_in_russian_shows_russian_titles(russian, seeded):
    text = text_of(russian.get(reverse("home")))
    assert "Саммит C5+1 в Вашингтоне" in text
    assert "Бизнес-миссия Торговой палаты США в Казахстан" in text
    assert "C5+1 summit in Washington" not in text


def test_no_name_is_shown_twice_and_regions_are_separated(russian, seeded):
    listing = russian.get(reverse("deposit-list")).content.decode()
    assert not re.search(r"(Акбулак)\s*(<[^>]+>\s*)*\1", listing)
    assert "Akbulak" in listing  # the other-language name, once
    deal = text_of(russian.get(reverse("deal-detail", args=["realloys-altyngroup-rare-earths"])))
    assert "Карагандинская область, Костанайская область" in deal


def test_units_are_localised(russian, seeded):
    text = text_of(russian.get(reverse("deposit-detail", args=["zhana-kazakhstan"])))
    assert "20 млн т" in text and "700 г/т" in text
    assert " Mt" not in text and "g/t" not in text


def test_an_ownership_without_a_stake_says_so_in_russian(db):
    from deals.models import Ownership
    from tests import factories as f

    link = Ownership(parent=f.company("Parent"), child=f.company("Child"))
    with translation.override("ru"):
        assert link.stake_label == "доля не указана"


def test_seed_translations_name_existing_records_only(tmp_path):
    from deals.seed.loader import SeedError, read_dataset

    (tmp_path / "dataset.yaml").write_text("version: 1\nevents:\n  - key: e1\n    title: T\n")
    (tmp_path / "dataset.ru.yaml").write_text("events:\n  e1:\n    title_ru: Т\n")
    assert read_dataset(tmp_path / "dataset.yaml")["events"][0]["title_ru"] == "Т"
    (tmp_path / "dataset.ru.yaml").write_text("events:\n  e2:\n    title_ru: Т\n")
    with pytest.raises(SeedError, match="no record 'e2'"):
        read_dataset(tmp_path / "dataset.yaml")
