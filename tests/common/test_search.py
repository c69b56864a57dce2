import pytest

from minerals_portal.common.search import fold, search_key


@pytest.mark.parametrize(
    "a, b",
    [
        ("Severny Katpar", "Северный Катпар"),
        ("severnyi katpar", "Северный Катпар"),
        ("SEVERNYY KATPAR", "Severny Katpar"),
        ("Samruk", "Самрұқ"),
        ("Tau-Ken Samruk", "Тау-Кен Самрук"),
        ("Zhana Kazakhstan", "Жаңа Қазақстан"),
        ("Zhana Kazakhstan", "Жана Казахстан"),
        ("Upper Kairakty", "Upper Kairakty"),
        ("Kairakty", "Кайракты"),
        ("Kokbulak", "Көкбұлақ"),
        ("Ulbа", "Ульба"),
        ("Qazaqstan", "Казахстан"),
    ],
)
def test_spellings_in_any_script_fold_to_one_key(a, b):
    assert fold(a) == fold(b)


def test_different_names_stay_different():
    assert fold("Akbulak") != fold("Kokbulak")
    assert fold("Katpar") not in search_key("Upper Kairakty", "Верхнее Кайракты")


def test_search_key_holds_every_name_once_and_separated():
    key = search_key("Tau-Ken Samruk", "Тау-Кен Самрук", "Тау-Кен Самрұқ", "Tau-Ken Samruk JSC")
    assert key == "|tau ken samruk|tau ken samruk isk|"
    assert fold("Samruk") in key


@pytest.mark.parametrize(
    "spelling, system",
    [
        ("Severnyy Katpar", "BGN/PCGN"),
        ("Severnyj Katpar", "ISO 9 / GOST 7.79 system A"),
        ("Severny`j Katpar", "GOST 7.79 system B"),
        ("Severnyĭ Katpar", "ALA-LC"),
        ("Shchuchinsk", "BGN/PCGN"),
        ("Ščučinsk", "ISO 9"),
        ("Ŝučinsk", "GOST 7.79 system A"),
        ("Shhuchinsk", "GOST 7.79 system B"),
        ("Kazaxstan", "scientific / GOST 7.79 B"),
        ("Kazahstan", "ISO 9"),
        ("Ul’ba", "BGN/PCGN apostrophe"),
        ("Ulʹba", "ISO 9 prime"),
    ],
)
def test_every_common_romanization_of_a_russian_name_is_in_its_key(spelling, system):
    key = search_key("Северный Катпар", "Щучинск", "Казахстан", "Ульба")
    assert f"|{fold(spelling)}" in key or f" {fold(spelling)}" in key, system


@pytest.mark.parametrize("spelling", ["Jaña Qazaqstan", "Zhana Kazakhstan", "Žaņa Ķazaķstan"])
def test_kazakh_latin_2021_and_russian_systems_find_a_kazakh_name(spelling):
    assert f"|{fold(spelling)}|" in search_key("Жаңа Қазақстан")


def test_a_latin_name_gets_no_invented_romanizations():
    assert search_key("Akbulak") == "|akbulak|"


def test_fold_of_nothing_is_empty():
    assert fold("") == "" and fold(None) == "" and fold(" - ") == ""
