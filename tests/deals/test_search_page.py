"""The search box and the filters forgive typos, spellings and country names."""

import re

from django.urls import reverse

from deals.filtersets import EventFilterSet
from deals.models import Event
from tests import factories as f


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_typo_finds_the_closest_name(client, seeded):
    response = client.get(reverse("search"), {"q": "Katapr"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Did you mean" in text
    assert "Severny Katpar" in text
    assert "Akbulak" not in text and "Tau-Ken Samruk" not in text


def test_an_exact_match_needs_no_suggestion(client, seeded):
    text = text_of(client.get(reverse("search"), {"q": "Severnyj Katpar"}))
    assert "Severny Katpar" in text and "Did you mean" not in text


def test_a_kazakh_latin_spelling_finds_the_deposit(client, seeded):
    text = text_of(client.get(reverse("search"), {"q": "Jaña Qazaqstan"}))
    assert "Zhana Kazakhstan" in text


def test_nonsense_suggests_nothing(client, seeded):
    text = text_of(client.get(reverse("search"), {"q": "Xylophone"}))
    assert "0 results" in text and "Did you mean" not in text


def test_events_and_sources_are_searchable(client, seeded):
    event = Event.objects.filter(publication="published").first()
    source = f.source(publisher="Xinhua Wire", title="Lithium brine pilot plant opens")
    words = event.title.split()
    text = text_of(client.get(reverse("search"), {"q": f"{words[0]} {words[-1]}"}))
    assert event.title in text
    text = text_of(client.get(reverse("search"), {"q": "Xinhua brine"}))
    assert source.title in text


def test_search_runs_a_constant_number_of_queries(client, seeded, django_assert_max_num_queries):
    for q in ("tungsten", "Katapr"):
        with django_assert_max_num_queries(12):
            client.get(reverse("search"), {"q": q})


def test_a_filter_value_matching_nothing_suggests_the_closest_name(client, seeded):
    response = client.get(reverse("home"), {"deposit": "Katapr"})
    assert response.status_code == 400
    text = text_of(response)
    assert "No single deposit matches “Katapr”. Did you mean “Severny Katpar”?" in text
    response = client.get(reverse("home"), {"company": "Katapr"})
    assert "/search/?q=Katapr" in response.content.decode()


def test_the_filter_set_names_the_closest_record_for_the_api_too(seeded):
    filters = EventFilterSet({"deposit": "Zhana Kazakstn"}, Event.objects.all())
    assert not filters.is_valid()
    assert "Did you mean “Zhana Kazakhstan”?" in filters.errors["deposit"][0]


def deal_links(response) -> list[str]:
    return re.findall(r'href="(/deals/[^"/]+/)"', response.content.decode())


def test_a_country_is_accepted_by_name_or_code_in_english_or_russian(client, seeded):
    kz = deal_links(client.get(reverse("deal-list"), {"country": "KZ"}))
    assert kz
    for name in ("Kazakhstan", "Казахстан", "Қазақстан", "KAZ", "Republic of Kazakhstan"):
        response = client.get(reverse("deal-list"), {"country": name})
        assert response.status_code == 200, name
        assert deal_links(response) == kz, name
    assert deal_links(client.get(reverse("deal-list"), {"country": "China"})) != kz
    response = client.get(reverse("deal-list"), {"country": "Narnia"})
    assert response.status_code == 400 and "Unknown country" in response.content.decode()
