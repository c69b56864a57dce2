"""In Chromium: a typo still finds the deposit, a source in Chinese dated by its year,
and the Russian deal page."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from deals.models import Source

pytestmark = pytest.mark.browser

PASSWORD = "pw-long-enough-1"


def test_a_typo_in_the_search_box_finds_severny_katpar(tab):
    page = tab.goto("/")
    page.get_by_role("searchbox", name="Search").fill("Katapr")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="Did you mean")).to_be_visible()
    tab.shot("did-you-mean")
    page.get_by_role("link", name="Severny Katpar", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Severny Katpar"))


def test_an_editor_records_a_chinese_source_known_only_by_its_year(tab):
    User.objects.create_superuser("admin-browser", password=PASSWORD)
    page = tab.goto("/admin/login/?next=/admin/deals/source/add/")
    page.get_by_label("Username").fill("admin-browser")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.locator("#id_publisher").fill("Xinhua")  # made-up test data
    page.locator("#id_title").fill("哈萨克斯坦锂矿项目")
    page.locator("#id_slug").fill("xinhua-lithium-2025")
    page.locator("#id_language").select_option(label="Chinese")
    page.locator("#id_published").fill("2025-01-01")
    page.locator("#id_published_precision").select_option("year")
    page.locator("#id_accessed").fill("2026-03-02")
    tab.shot("source-form")
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    assert Source.objects.get(slug="xinhua-lithium-2025").language == "zh"
    page = tab.goto("/sources/xinhua-lithium-2025/")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(re.compile(r"Published\s*2025\s"))
    expect(facts).to_contain_text("Chinese")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "zh")
    tab.shot("chinese-source")
    page = tab.goto("/sources/")
    expect(page.get_by_role("link", name="哈萨克斯坦锂矿项目")).to_be_visible()


def test_a_translation_links_to_its_original(tab):
    page = tab.goto("/sources/charter97-2025-11-06/")
    page.get_by_role("link", name="The National Interest").click()
    expect(page.get_by_text("translates this source")).to_be_visible()


def test_the_russian_deal_page_has_russian_titles_and_grammatical_dates(tab):
    page = tab.goto("/deals/katpar-kairakty-tungsten/")
    page.get_by_label("Language").select_option(label="Русский")
    page.get_by_role("button", name="Switch").click()
    heading = "Договор купли-продажи (SPA) по проекту глубокой переработки вольфрама"
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator(f"#agreement-{_spa_pk()}")).to_contain_text("объявлено в феврале 2026 г.")
    tab.shot("russian-deal")
    page = tab.goto("/deposits/")
    expect(page.get_by_role("row", name=re.compile("Акбулак"))).to_contain_text("Akbulak")
    expect(page.get_by_role("row", name=re.compile("Акбулак Акбулак"))).to_have_count(0)


def _spa_pk() -> int:
    from deals.models import Agreement

    return Agreement.objects.get(slug="katpar-2026-02-spa").pk
