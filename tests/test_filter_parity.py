"""One filter vocabulary: a query string selects the same records on a page and in the API.

The public reads the pages anonymously and the API with a partner's token (both
see published records only); an analyst reads both with one session (drafts
included). The timeline spans three API lists: each of its filters is sent to
the agreements, amounts and events lists under the name ``TIMELINE_KINDS`` gives it.
"""

import re
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse
from rest_framework.test import APIClient

from deals.filtersets import TIMELINE_KINDS
from tests import factories as f
from tests.api.conftest import make_user, token_client

pytestmark = pytest.mark.django_db

LIST_QUERIES = {
    "deals": [
        "",
        "deposit=severny-katpar",
        "deposit=Северный Катпар",
        "deposit=severnyi katpar",
        "company=tau-ken-samruk",
        "company=Тау-Кен Самрук&include_subsidiaries=true",
        "commodity=tungsten",
        "country=kz",
        "q=katpar",
        "q=Катпар&commodity=tungsten",
        "publication=draft",
    ],
    "companies": [
        "",
        "q=Samruk",
        "q=Самрук",
        "country=KZ",
        "kind=national_company&kind=sovereign_fund",
        "deposit=Северный Катпар",
        "subsidiaries_of=Samruk-Kazyna",
    ],
    "deposits": [
        "",
        "q=Катпар",
        "q=severnyi katpar",
        "commodity=tungsten",
        "company=Тау-Кен Самрук",
        "company=cove-capital&include_subsidiaries=true",
        "country=KZ",
    ],
}

TIMELINE_QUERIES = [
    "",
    "deposit=Северный Катпар",
    "deposit=severnyi katpar",
    "company=realloys",
    "company=Тау-Кен Самрук",
    "company=Samruk-Kazyna&include_subsidiaries=true",
    "commodity=tungsten",
    "country=KZ",
    "kind=memorandum&kind=framework",
    "status=signed",
    "date_after=2025",
    "date_after=2025-11",
    "date_before=2025-11",
    "date_after=2025-11-06&date_before=2026-02",
    "commodity=tungsten&date_after=2025-11&company=Тау-Кен Самрук",
]

PAGE_NAMES = {"deals": "deal-list", "companies": "company-list", "deposits": "deposit-list"}
DETAIL_PREFIX = {"deals": "deal-detail", "companies": "company-detail",
                 "deposits": "deposit-detail"}  # fmt: skip


@pytest.fixture
def readers(seeded):
    """(page client, API client) for the public and for an analyst, with a draft to tell apart."""
    deal = f.deal("Confidential draft deal", publication="draft")
    f.agreement(deal, title="Draft memorandum on Katpar", kind="memorandum", publication="draft")
    analyst = APIClient()
    analyst.force_login(make_user("analyst"))
    return {"public": (APIClient(), token_client(make_user("partner"))),
            "analyst": (analyst, analyst)}  # fmt: skip


def api_slugs(client, resource: str, query: str, key="slug") -> set:
    params = QueryDict(query, mutable=True)
    params["page_size"] = "500"
    response = client.get(f"/api/v1/{resource}/?{params.urlencode()}")
    assert response.status_code == 200, (resource, query, response.content)
    body = response.json()
    assert not body.get("next"), "more than one page: raise page_size"
    return {item[key] for item in body["results"]}


def page_slugs(client, resource: str, query: str) -> set:
    found, url = set(), f"{reverse(PAGE_NAMES[resource])}?{query}"
    prefix = reverse(DETAIL_PREFIX[resource], args=["x"])[:-2]
    while url:
        response = client.get(url)
        assert response.status_code == 200, (resource, query)
        body = response.content.decode()
        found |= set(re.findall(rf'href="{re.escape(prefix)}([\w-]+)/"', body))
        following = re.search(r'href="\?([^"]*)" rel="next"', body)
        url = following and f"{reverse(PAGE_NAMES[resource])}?{following.group(1)}"
        url = url and url.replace("&amp;", "&")
    return found


@pytest.mark.parametrize("reader", ["public", "analyst"])
def test_list_pages_and_api_give_the_same_records(readers, reader):
    page_client, api_client = readers[reader]
    for resource, queries in LIST_QUERIES.items():
        for query in queries:
            on_page = page_slugs(page_client, resource, query)
            assert on_page == api_slugs(api_client, resource, query), (resource, query)


def test_the_filters_change_what_the_lists_show(readers):
    page_client, _ = readers["public"]
    everything = page_slugs(page_client, "deposits", "")
    katpar = page_slugs(page_client, "deposits", "q=Катпар")
    assert katpar == {"severny-katpar"} and len(everything) > 1
    assert (
        "Confidential draft deal" not in page_client.get("/deals/?q=confidential").content.decode()
    )


def timeline_records(client, query: str) -> dict[str, set]:
    """Every entry of every page of the timeline for ``query``, as ids by kind."""
    found = {tag: set() for tag in TIMELINE_KINDS}
    number = 1
    while True:
        response = client.get(f"{reverse('home')}?{query}&page={number}")
        assert response.status_code == 200, (query, response.content[:300])
        t = response.context["t"]
        for group in t.groups:
            for entry in group.entries:
                found[entry.kind].add(entry.obj["pk"])
        if not t.page.has_next():
            return found
        number += 1


def api_timeline_records(client, query: str) -> dict[str, set]:
    """The same records through the agreements, amounts and events lists."""
    given = QueryDict(query)
    found = {}
    for tag, (model, _filterset, renamed) in TIMELINE_KINDS.items():
        params = [(renamed.get(name, name), value) for name, value in given.lists()
                  for value in value]  # fmt: skip
        ids = api_slugs(client, f"{tag}s", urlencode(params), key="slug")
        dated = model.objects.filter(slug__in=ids)
        if tag == "agreement":  # without a date it is placed at its first report, if any
            dated = dated.exclude(
                signed_on__isnull=True, announced_on__isnull=True, citations__isnull=True
            )
        found[tag] = set(dated.values_list("pk", flat=True))
    return found


@pytest.mark.parametrize("reader", ["public", "analyst"])
def test_timeline_and_api_give_the_same_records(readers, reader):
    page_client, api_client = readers[reader]
    for query in TIMELINE_QUERIES:
        on_page = timeline_records(page_client, query)
        assert on_page == api_timeline_records(api_client, query), query
        if query in ("", "date_after=2025-11"):
            assert all(on_page.values()), (query, on_page)  # every kind takes part


def test_a_name_matching_no_single_record_is_refused_on_page_and_api(readers):
    page_client, api_client = readers["public"]
    page = page_client.get(reverse("deal-list"), {"company": "Nonexistent Mining"})
    api = api_client.get("/api/v1/deals/", {"company": "Nonexistent Mining"})
    assert page.status_code == api.status_code == 400
    assert "No single company matches" in page.content.decode()
    assert "No single company matches" in api.content.decode()


@pytest.mark.parametrize(
    "name, query",
    [("deal-list", "company=Тау-Кен Самрук&commodity=tungsten&region=&q=katpar"),
     ("company-list", "q=samruk&deposit=severny-katpar&kind=national_company"),
     ("deposit-list", "commodity=tungsten&company=cove-capital&include_subsidiaries=true"),
     ("home", "company=Тау-Кен Самрук&kind=framework&date_after=2025")],
)  # fmt: skip
def test_filtered_pages_run_a_constant_number_of_queries(client, seeded, name, query):
    from tests.test_pages import get, grow

    url = f"{reverse(name)}?{query}"
    first, few = get(client, url)
    grow(12)
    second, many = get(client, url)
    assert first.status_code == second.status_code == 200
    assert many <= few, f"{url}: {few} queries with the seed, {many} with 12 more deals"


def test_paging_a_filtered_list_keeps_its_filters(client, db):
    for _ in range(55):
        f.deal()
    f.deal("Unrelated venture")
    first = client.get(reverse("deal-list"), {"q": "test deal"}).content.decode()
    assert "Page 1 of 2" in first and 'href="?q=test+deal&amp;page=2" rel="next"' in first
    second = client.get(reverse("deal-list"), {"q": "test deal", "page": 2}).content.decode()
    assert "Unrelated venture" not in first + second and "Page 2 of 2" in second
