"""Downloads, feeds, the phone's first screen, the focus ring and the deal page, in a browser."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from deals.models import Amount

pytestmark = pytest.mark.browser
ATOM = "{http://www.w3.org/2005/Atom}"


def _filtered_timeline(page):
    page.get_by_label("Commodity").select_option(label="Tungsten")
    page.get_by_label("Country").fill("KZ")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"commodity=tungsten"))


def test_downloads_match_the_filtered_page(tab):
    page = tab.goto("/")
    _filtered_timeline(page)
    titles = [t.strip() for t in page.locator("article.entry h3").all_inner_texts()]
    assert titles, "the filtered page shows entries"
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="CSV").click()
    body = open(csv_download.value.path(), encoding="utf-8").read()
    assert body.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(body[1:])))
    # Money entries show their kind beside the figure on the page.
    kinds = "|".join(re.escape(str(label)) for _, label in Amount.Kind.choices)
    assert [r[2] for r in rows] == [re.sub(rf"\s+({kinds})$", "", t) if r[1] == "amount" else t
                                    for r, t in zip(rows, titles, strict=True)]  # fmt: skip
    expect(page.locator("p.summary")).to_contain_text(f"{len(rows)} entries")
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read())).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == [r[2] for r in rows]
    tab.shot("downloads")


def test_lists_download_what_they_show(tab):
    page = tab.goto("/deposits/?q=katpar")
    shown = page.locator("table tbody tr td:first-child a").all_inner_texts()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert [r[0] for r in list(csv.reader(io.StringIO(text)))[1:]] == shown == ["Severny Katpar"]


def test_the_page_announces_an_atom_feed_of_its_filters(tab):
    page = tab.goto("/")
    _filtered_timeline(page)
    shown = [t.strip() for t in page.locator("article.entry.agreement h3").all_inner_texts()]
    href = page.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    assert "commodity=tungsten" in href and "format=atom" in href
    response = page.request.get(tab.base_url + href)
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())  # well-formed XML, or this raises
    assert feed.tag == f"{ATOM}feed" and "Tungsten" in feed.findtext(f"{ATOM}title")
    entries = feed.findall(f"{ATOM}entry")
    agreements = [e.findtext(f"{ATOM}title") for e in entries
                  if e.find(f"{ATOM}category").get("term") == "agreement"]  # fmt: skip
    assert agreements == shown
    for entry in entries:
        assert entry.findtext(f"{ATOM}id") and entry.findtext(f"{ATOM}updated")
        assert entry.find(f"{ATOM}link").get("href").startswith(tab.base_url)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_phone_sees_entries_on_its_first_screen(open_tab, lang):
    tab = open_tab(lang, width=390, height=844)
    page = tab.goto("/")
    first = page.locator("article.entry").first
    tab.shot("phone")
    box = first.bounding_box()
    assert box["y"] + 60 < 844, box  # the first entry's date and title are on the first screen
    filters = page.locator("details.filter-box")
    expect(filters).not_to_have_attribute("open", "")
    filters.locator("summary").click()
    expect(page.locator("form.filters button[type=submit]")).to_be_visible()
    tab.shot("phone")


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(v)) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_focus_ring_contrast_is_at_least_3_to_1(tab):
    page = tab.goto("/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand link, on the header's grey
    style = page.evaluate("""() => {
      const el = document.activeElement, s = getComputedStyle(el);
      return {outline: s.outlineColor, width: s.outlineWidth, style: s.outlineStyle,
              background: getComputedStyle(el.closest("header")).backgroundColor};
    }""")
    ring = re.findall(r"\d+", style["outline"])[:3]
    around = re.findall(r"\d+", style["background"])[:3]
    lighter, darker = sorted([_luminance(ring), _luminance(around)], reverse=True)
    assert style["style"] == "solid" and float(style["width"][:-2]) >= 2
    assert (lighter + 0.05) / (darker + 0.05) >= 3, style
    white = (_luminance(("255", "255", "255")) + 0.05) / (_luminance(ring) + 0.05)
    assert white >= 3


def test_deal_page_dates_its_record_and_numbers_each_sentence_once(tab):
    page = tab.goto("/deals/katpar-kairakty-tungsten/")
    expect(page.get_by_text("Last updated")).to_be_visible()
    expect(page.get_by_role("heading", name="Change log")).to_be_visible()
    expect(page.locator(".change-log li")).not_to_have_count(0)
    expect(page.locator(".status-history").first).to_contain_text("Status:")
    sentences = page.locator(".sources blockquote").all_inner_texts()
    assert len(sentences) == len(set(sentences)), "each cited sentence is listed once"
    for sup in page.locator("sup").all():
        numbers = sup.locator("a.cite").all_inner_texts()
        assert len(numbers) == len(set(numbers)), numbers
    tab.shot("deal")


def test_home_says_what_the_portal_is_and_how_current(tab):
    page = tab.goto("/")
    intro = page.locator("p.intro")
    expect(intro).to_contain_text("critical-minerals")
    expect(intro.locator("time")).to_have_count(2)
