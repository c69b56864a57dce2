"""The analyst pages: content a reader relies on, drafts hidden, bounded query counts."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deals.tasks import refresh_now
from tests import factories as f

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    """A request with an empty cache: its query count is the uncached worst case."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    return response, len(ctx.captured_queries)


def grow(n):
    """Add ``n`` more deals, each with an agreement, two parties, an amount and an event."""
    from deals.models import Event

    for _ in range(n):
        d = f.deal()
        dep = f.deposit()
        d.deposits.add(dep)
        a = f.agreement(d)
        f.party(a, stake=50)
        f.party(a, stake=50, role="state_partner")
        f.amount(d, agreement=a)
        Event.objects.create(
            title="Synthetic test event",
            slug=f"ev-{d.slug}",
            kind="other",
            on=a.signed_on,
            on_precision="day",
            deal=d,
            publication="published",
        )


PAGES = [
    ("home", {}),
    ("deal-list", {}),
    ("deposit-list", {}),
    ("company-list", {}),
    ("dashboard", {}),
    ("map", {}),
]


@pytest.mark.parametrize("name, kwargs", PAGES)
def test_list_pages_query_count_does_not_grow_with_rows(client, seeded, name, kwargs):
    refresh_now()
    url = reverse(name, kwargs=kwargs)
    first, few = get(client, url)
    assert first.status_code == 200
    grow(12)
    refresh_now()
    second, many = get(client, url)
    assert second.status_code == 200
    assert many <= few + 1, f"{url}: {few} queries with the seed, {many} with 12 more deals"
    assert many <= 25


@pytest.mark.parametrize(
    "name, slug",
    [("deal-detail", "katpar-kairakty-tungsten"), ("deposit-detail", "zhana-kazakhstan"),
     ("company-detail", "cove-capital"), ("source-detail", "baq-2025-11-07")],
)  # fmt: skip
def test_detail_pages_run_a_bounded_number_of_queries(client, seeded, name, slug):
    refresh_now()
    response, queries = get(client, reverse(name, args=[slug]))
    assert response.status_code == 200
    assert queries <= 26  # status history, reported figures, locations, change log: prefetched


def test_timeline_groups_by_month_honest_about_precision(client, seeded):
    refresh_now()
    body = client.get(reverse("home")).content.decode()
    assert "<h2" in body and "February 2026" in body and "November 2025" in body
    assert "1 February 2026" not in body  # a month-precise date is never shown as a day
    # The committed total counts Cove Capital's USD 1.1 bn (not November's cost estimate
    # of the same size) and leaves out EXIM's
    # financing interest and Wabtec's contract value: from the view, and live when filtered.
    assert "<strong>USD 1.1 bn</strong>" in body
    filtered = client.get(reverse("home"), {"country": "KZ"}).content.decode()
    assert "<strong>USD 1.1 bn</strong>" in filtered


def test_timeline_company_filter_takes_a_name_in_any_script(client, seeded):
    by_slug = client.get(reverse("home"), {"company": "realloys"}).content.decode()
    assert "Kokbulak" in by_slug and "Founding" not in by_slug
    cyrillic = client.get(reverse("home"), {"company": "Тау-Кен Самрук"}).content.decode()
    assert "Founding" in cyrillic and "Kokbulak" not in cyrillic
    unknown = client.get(reverse("home"), {"company": "Nonexistent Mining"})
    assert unknown.status_code == 400
    assert "No single company matches" in unknown.content.decode()


def test_timeline_filters_are_in_the_url_and_bad_ones_explained(client, seeded):
    body = client.get(reverse("home"), {"commodity": "tungsten", "date_after": "2026"}).content
    body = body.decode()
    assert "Severny Katpar" in body or "tungsten" in body.lower()
    assert "USD 4 bn" not in body  # the Wabtec rail contract is not tungsten
    response = client.get(reverse("home"), {"date_after": "Feb 2026", "country": "Narnia"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in text and "Unknown country" in text


def test_timeline_is_cached_until_a_change_its_reader_can_see(client, seeded):
    client.get(reverse("home"))
    _, cached = get_cached(client, reverse("home"))
    assert cached <= 8  # counts and lists come from the cache
    draft_deal = f.deal("Draft deal", publication="draft")
    f.agreement(draft_deal, title="Unpublished draft agreement", publication="draft")
    _, after_draft = get_cached(client, reverse("home"))
    assert after_draft <= 8  # a draft changes nothing the public sees: still cached
    a = f.agreement(f.deal("Fresh deal after caching"), title="Brand new agreement")
    assert a.title in client.get(reverse("home")).content.decode()


def test_unfiltered_counts_come_from_the_refresh_only_while_they_describe_the_data(client, seeded):
    from django.db.models import F

    from deals.models import Event, TimelineTotals
    from deals.selectors import public_totals

    refresh_now()
    live = public_totals()
    # undated agreements are entries too, at their first report (the method page's rule)
    entries = live["agreements"] + live["amounts"] + live["events"] + live["reported_agreements"]
    assert f"{entries} entries" in client.get(reverse("home")).content.decode()
    # While the data is the one the refresh counted, its counts are used as they are...
    TimelineTotals.objects.update(events=F("events") + 1000)
    cache.clear()
    assert f"{entries + 1000} entries" in client.get(reverse("home")).content.decode()
    # ...and after a change the public can see, the page counts live again.
    Event.objects.create(title="Fresh public event", slug="fresh-public-event", kind="other",
                         on="2026-03-01", on_precision="day", publication="published")  # fmt: skip
    body = client.get(reverse("home")).content.decode()
    assert f"{entries + 1} entries" in body and "Fresh public event" in body


def entries_html(body: str) -> str:
    """The timeline's sections (everything between the summary and the pager)."""
    start = body.index('<section class="month"')
    return body[start : body.rindex("</section>")]


def test_unfiltered_first_pages_come_from_the_refresh_and_match_a_live_read(
    client, seeded, monkeypatch
):
    from deals import selectors
    from deals.models import TimelineTotals

    grow(30)  # three pages
    monkeypatch.setattr(selectors, "STORED_PAGES", 1)
    refresh_now()
    stored = TimelineTotals.objects.get()
    assert len(stored.newest) == selectors.PAGE_SIZE
    from_refresh = [entries_html(get(client, "/", page=n)[0].content.decode()) for n in (1, 2)]
    # A live read (the refresh describes other data) shows exactly the same entries.
    TimelineTotals.objects.update(data_version="stale")
    live = [entries_html(get(client, "/", page=n)[0].content.decode()) for n in (1, 2)]
    assert from_refresh == live
    # The stored entries are what page 1 shows; page 2 lies beyond them and is read live.
    TimelineTotals.objects.update(data_version=stored.data_version, newest=stored.newest[::-1])
    first = entries_html(get(client, "/")[0].content.decode())
    assert first != from_refresh[0] and first.count("<article") == selectors.PAGE_SIZE
    assert entries_html(get(client, "/", page=2)[0].content.decode()) == from_refresh[1]


def test_timeline_filters_are_labelled_described_and_errors_announced(client, seeded):
    import re

    body = client.get(reverse("home"), {"country": "Narnia", "commodity": "tungsten"})
    text = body.content.decode()
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    for control in re.findall(r"<(?:input|select)[^>]*>", text):
        for target in re.findall(r'aria-describedby="([^"]+)"', control):
            assert set(target.split()) <= ids, f"{control} points at text not on the page"
    country = re.search(r'<input[^>]*name="country"[^>]*>', text).group(0)
    assert 'aria-invalid="true"' in country and 'value="Narnia"' in country
    assert 'id="id_country_error"' in text and "ISO code, e.g. KZ" in text
    assert re.search(r'<label for="id_commodity">Commodity:</label>', text)
    assert '<option value="tungsten" selected>Tungsten</option>' in text


def test_timeline_commodity_choices_follow_the_interface_language(client, seeded):
    client.cookies["django_language"] = "ru"
    body = client.get(reverse("home")).content.decode()
    assert '<option value="tungsten">Вольфрам</option>' in body


def get_cached(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, len(ctx.captured_queries)


def test_timeline_pages_large_results(client, seeded):
    grow(30)  # 90+ more entries
    first = client.get(reverse("home")).content.decode()
    assert 'rel="next"' in first and "Page 1 of" in first
    second = client.get(reverse("home"), {"page": 2}).content.decode()
    assert 'rel="prev"' in second


def test_deal_page_shows_parties_amounts_and_sources_with_quotes(client, seeded):
    body = client.get(reverse("deal-detail", args=["katpar-kairakty-tungsten"])).content.decode()
    assert "Tau-Ken Samruk" in body and "EXIM" in body
    assert "about USD 1.1 bn" in body and "at least USD 1.1 bn" in body
    assert "financing interest" in body
    assert 'href="#citation-' in body and 'id="citation-' in body
    assert "Документ был подписан на полях саммита C5+1 в Вашингтоне." in body
    assert "BAQ.KZ" in body


def test_deposit_page_shows_all_scripts_estimates_side_by_side_and_map(client, seeded):
    body = client.get(reverse("deposit-detail", args=["zhana-kazakhstan"])).content.decode()
    assert "Zhana Kazakhstan" in body and "Жаңа Қазақстан" in body
    assert "more than 20 Mt" in body and "700 g/t" in body and "to 300 m" in body
    assert "Kuyrektykol" not in body  # a deposit of its own, not another name for this one
    assert 'id="deposit-map"' in body and 'id="map-data"' in body  # Leaflet map, data as JSON
    assert "Zhana Kazakhstan" in body.split('id="map-data"')[1].split("</script>")[0]


def test_company_page_shows_ownership_tree_and_rolled_up_totals(client, seeded):
    refresh_now()
    body = client.get(reverse("company-detail", args=["cove-capital"])).content.decode()
    assert "Cove Kaz Capital Group" in body  # subsidiary in the tree
    assert "Through subsidiaries" in body and "USD 1.1 bn" in body
    parent = client.get(reverse("company-detail", args=["tau-ken-samruk"])).content.decode()
    assert "Samruk-Kazyna" in parent and "Kazgeology" in parent


@pytest.mark.parametrize("query", ["Severny Katpar", "severnyi katpar", "Северный Катпар"])
def test_search_finds_a_deposit_in_any_script(client, seeded, query):
    response = client.get(reverse("search"), {"q": query})
    assert reverse("deposit-detail", args=["severny-katpar"]) in response.content.decode()


def test_search_samruk_finds_the_kazakh_spelling(client, seeded):
    body = client.get(reverse("search"), {"q": "Samruk"}).content.decode()
    assert reverse("company-detail", args=["tau-ken-samruk"]) in body
    assert "Самрұқ" in body


def test_drafts_are_hidden_from_the_public_and_marked_for_analysts(client, seeded):
    d = f.deal("Confidential draft deal", publication="draft")
    assert "Confidential draft deal" not in client.get(reverse("deal-list")).content.decode()
    assert client.get(reverse("deal-detail", args=[d.slug])).status_code == 404
    analyst = User.objects.create_user("ana", password="pw-long-enough-1")
    analyst.groups.add(Group.objects.get(name="analyst"))
    client.force_login(analyst)
    body = client.get(reverse("deal-list")).content.decode()
    assert "Confidential draft deal" in body and 'class="draft"' in body


def test_russian_interface_shows_russian_names(client, seeded):
    client.cookies["django_language"] = "ru"
    body = client.get(reverse("deal-detail", args=["katpar-kairakty-tungsten"])).content.decode()
    assert 'lang="ru"' in body
    assert "Тау-Кен Самрук" in body


def russian_entries(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} запись"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} записи"
    return f"{n} записей"


@pytest.mark.parametrize("more", [0, 1, 2])
def test_russian_timeline_translates_labels_and_counts_in_every_plural_form(client, seeded, more):
    import re

    grow(more)  # three entries each, so the count passes through the plural forms
    english = client.get(reverse("home")).content.decode()
    n = int(re.search(r"(\d+) entries", english).group(1))
    client.cookies["django_language"] = "ru"
    body = client.get(reverse("home")).content.decode()
    assert russian_entries(n) in body
    assert "необязывающее партнёрство, подписано" in body and "(государственный партнёр)" in body
    assert "инвестиционное обязательство" in body and "non-binding partnership" not in body


def test_long_lists_are_paged(client, db):
    for _ in range(55):
        f.deal()
    first = client.get(reverse("deal-list")).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(reverse("deal-list"), {"page": 2}).content.decode()
    assert second.count("<li>") < first.count("<li>")
