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


def test_fold_of_nothing_is_empty():
    assert fold("") == "" and fold(None) == "" and fold(" - ") == ""
