"""An analyst's journey through the portal, as a person would click through it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_timeline_filter_by_commodity_and_date(tab):
    page = tab.goto("/")
    expect(page.get_by_role("heading", name="Deal timeline")).to_be_visible()
    tab.shot("timeline")
    page.get_by_label("Commodity").select_option(label="Tungsten")
    page.get_by_label("From").fill("2026")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"commodity=tungsten.*date_after=2026"))
    expect(page.get_by_role("heading", name="February 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="November 2025")).to_have_count(0)
    expect(page.get_by_text(re.compile(r"\d+ entr(y|ies)"))).to_be_visible()
    tab.shot("timeline-filtered")
    # The filtered view can be bookmarked: the same URL gives the same selection.
    url = page.url
    page.goto(url)
    expect(page.get_by_label("Commodity")).to_have_value("tungsten")


def test_open_a_deal_and_follow_a_citation_to_its_quote(tab):
    page = tab.goto("/deals/")
    page.get_by_role("link", name="Severny Katpar and Upper Kairakty tungsten project").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tungsten project")
    expect(page.get_by_role("table").first).to_contain_text("Tau-Ken Samruk")
    tab.shot("deal")
    footnote = page.locator("h1 a.cite").first
    target = footnote.get_attribute("href")
    footnote.click()
    quote = page.locator(f"{target} blockquote")
    expect(quote).to_be_visible()
    sentence = quote.inner_text()
    expect(page.locator(target)).to_contain_text(re.compile(r"\d{4},\s+(Russian|Bulgarian)"))
    tab.shot("citation")
    page.locator(f"{target} .meta a").first.click()  # the publisher
    expect(page.get_by_role("heading", name="Facts citing this source")).to_be_visible()
    expect(page.locator("li:target blockquote")).to_have_text(sentence)
    tab.shot("source")


@pytest.mark.parametrize(
    "query, expected",
    [("Северный Катпар", "Severny Katpar"), ("severnyi katpar", "Severny Katpar"),
     ("samruk", "Tau-Ken Samruk")],
)  # fmt: skip
def test_search_in_cyrillic_and_latin(tab, query, expected):
    page = tab.goto("/")
    page.get_by_role("searchbox", name="Search").fill(query)
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name=expected, exact=True)).to_be_visible()
    tab.shot("results")


def test_switch_to_russian(tab):
    page = tab.goto("/deals/katpar-kairakty-tungsten/")
    page.get_by_label("Language").select_option(label="Русский")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("link", name="Хронология")).to_be_visible()
    expect(page.get_by_role("heading", name="Соглашения")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    tab.shot("russian")
    page.get_by_role("link", name="Хронология").click()
    expect(page.get_by_role("heading", name="Хронология сделок")).to_be_visible()


def test_dashboard_draws_its_charts(tab):
    page = tab.goto("/dashboard/")
    charts = page.locator("canvas[data-stat]")
    expect(charts).to_have_count(5)
    for i in range(5):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "true")
    painted = page.evaluate(
        """() => [...document.querySelectorAll('canvas[data-stat]')].map(c => {
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })"""
    )
    assert all(n > 500 for n in painted), painted
    expect(page.get_by_text("Data as of")).to_be_visible()
    tab.shot("dashboard")


def test_dashboard_charts_speak_the_interface_language(tab):
    page = tab.goto("/dashboard/")
    page.get_by_label("Language").select_option(label="Русский")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", name="Сводка")).to_be_visible()
    charts = page.locator("canvas[data-stat]")
    for i in range(5):
        expect(charts.nth(i)).to_have_attribute("data-drawn", "true")
    drawn = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('canvas[data-stat]')].map(c => {
              const chart = Chart.getChart(c);
              return [c.dataset.stat, {labels: chart.data.labels,
                                       series: chart.data.datasets.map(d => d.label)}]; }))"""
    )
    assert "Вольфрам" in drawn["committed-by-commodity"]["labels"]
    assert drawn["committed-by-commodity"]["series"][0] == "инвестиционные обязательства (млрд USD)"
    assert "меморандум / подписано" in drawn["deal-pipeline"]["labels"]
    assert drawn["deal-pipeline"]["series"] == ["соглашения"]
    expect(page.get_by_role("cell", name="меморандум", exact=True).first).to_be_visible()
    tab.shot("dashboard-russian")


def test_map_marker_opens_the_deposit(tab):
    page = tab.goto("/map/")
    marker = page.get_by_role("button", name=re.compile("^Akbulak"))
    expect(marker).to_be_visible()
    tab.shot("map")
    marker.click()
    link = page.locator(".leaflet-popup").get_by_role("link", name="Akbulak", exact=True)
    expect(link).to_be_in_viewport()
    tab.shot("popup")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Akbulak"))
    tab.shot("deposit")


def test_pages_fit_a_phone_screen_and_are_keyboard_usable(browser, seeded_server, request):
    from tests.browser.conftest import Page

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    tab = Page(context.new_page(), seeded_server.url, request.node.name)
    for path in ("/", "/deals/katpar-kairakty-tungsten/", "/deposits/zhana-kazakhstan/",
                 "/dashboard/", "/map/"):  # fmt: skip
        page = tab.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
        tab.shot(path.strip("/").replace("/", "-") or "timeline")
    page = tab.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    context.close()
    assert not tab.errors, tab.errors
