"""Visibility matrix: each hidden state × each read path × each reader.

For drafts, records in review and withdrawn records (deals, agreements, amounts,
events, companies, deposits, estimates, sources), every page of the URL
conf and every resource of the API router (lists with and without ``q=`` and
the filters that reach through parties, companies and agreements, details,
CSV, stats, tombstones) is read as the public, a partner and an analyst. The
public and partners never meet a hidden record's title, quote, amount or the
company it reaches; analysts do. The paths are enumerated from the URL conf
and the router: a new page or resource fails ``test_every_read_path_is_covered``
until it is listed here.
"""

from dataclasses import dataclass, field

import orjson
import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from deals.tasks import refresh_now
from minerals_portal.api.tokens import issue_token
from minerals_portal.api.urls import router
from tests.visibility_world import (
    COMPANY,
    DEPOSIT,
    HIDDEN_COMPANIES,
    SEARCH_WORDS,
    SECRETS,
    SOURCE,
    build_world,
    secrets,
)

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "withdrawn"]
READERS = ["anonymous", "partner"]
NOT_DATA = {"healthz", "readyz", "set_language", "method"}  # no records on them
STAFF_ONLY = {"deal-history", "editorial"}  # refused to partners and the public


@dataclass
class Read:
    url: str
    analyst_sees: list[str] = field(default_factory=list)
    names_companies: bool = False  # a company page or list: the company itself is shown
    matched_only_through_hidden: list[str] = field(default_factory=list)  # absent for partners


# Each named page of the URL conf → the reads that cover it.
PAGES = {
    "home": lambda w: [
        Read("/", ["Quasar Lattice Accord", "Nebula Crest Ceremony", "Mirage Offtake Pact"]),
        Read(
            "/?company=omega-zeta-holdings",
            ["Quasar Lattice Accord"],
            matched_only_through_hidden=["Tungsten Harbour Project"],
        ),
        Read("/?company=quillfeather-capital"),
        Read("/?company=saffron-delta-metals", ["Mirage Offtake Pact"]),
        Read("/?deposit=glimmer-basin", ["Quasar Lattice Accord", "Nebula Crest Ceremony"]),
        Read(f"/?company={COMPANY}", matched_only_through_hidden=["Harbour Framework Accord"]),
        Read(f"/?deposit={DEPOSIT}", matched_only_through_hidden=["Harbour Framework Accord"]),
    ],
    "deal-list": lambda w: [Read("/deals/", ["Zircon Mirage Venture"])],
    "deal-detail": lambda w: [
        Read(
            "/deals/harbour-deal/",
            [
                *SECRETS["agreement"],
                *SECRETS["party"],
                SECRETS["amount"][0],
                *SECRETS["event"],
                *SECRETS["company"],
                *SECRETS["deposit"][:2],
                SECRETS["source"][1],
            ],
        ),
        Read("/deals/deal-z/", [*SECRETS["deal"], *SECRETS["deal_agreement"]]),
    ],  # fmt: skip
    "company-list": lambda w: [Read("/companies/", ["Cobalt Wren Resources"], True)],
    "company-detail": lambda w: [
        Read("/companies/harbor-lantern-mining/"),
        Read("/companies/omega-zeta-holdings/", ["Quasar Lattice Accord"], True),
        Read("/companies/saffron-delta-metals/", ["Mirage Offtake Pact"], True),
        Read(f"/companies/{COMPANY}/", ["Cobalt Wren Resources"]),
        *[Read(f"/companies/{slug}/", names_companies=True) for slug in HIDDEN_COMPANIES],
    ],
    "deposit-list": lambda w: [Read("/deposits/", ["Obsidian Fen"])],
    "deposit-detail": lambda w: [
        Read(
            "/deposits/glimmer-basin/",
            ["Zircon Mirage Venture", "Nebula Crest Ceremony", SECRETS["estimate"][0]],
        ),
        Read(f"/deposits/{DEPOSIT}/", ["Obsidian Fen"]),
    ],
    "map": lambda w: [Read("/map/")],
    "dashboard": lambda w: [Read("/dashboard/")],
    "search": lambda w: [
        Read(
            "/search/?q=omega",
            ["Tungsten Harbour Project", "Quasar Lattice Accord"],
            True,
            ["Tungsten Harbour Project"],
        ),
        Read("/search/?q=quasar", ["Quasar Lattice Accord"]),
        Read("/search/?q=zircon", ["Zircon Mirage Venture"]),
        Read("/search/?q=saffron", ["Zircon Mirage Venture", "Mirage Offtake Pact"], True),
        Read("/search/?q=cobalt", ["Cobalt Wren Resources"], True),
        Read("/search/?q=obsidian", ["Obsidian Fen"], True),
        Read("/search/?q=velour", ["Velour Gazette"], True),
        *[Read(f"/search/?q={word}", names_companies=True) for word in SEARCH_WORDS],
    ],
    "source-detail": lambda w: [
        Read("/sources/harbour-wire/", _quotes()),
        Read(f"/sources/{SOURCE}/", ["Velour Gazette", SECRETS["source"][1]]),
    ],
    "source-list": lambda w: [Read("/sources/", ["Velour Gazette"]), Read("/sources/?q=harbour")],
    "source-copy": lambda w: [Read(f"/sources/{s}/copy/") for s in ("harbour-wire", SOURCE)],
}


def _quotes():
    keys = ("agreement", "party", "event", "deal", "deal_agreement")
    return [SECRETS[key][-1] for key in keys] + [
        SECRETS["company"][1], SECRETS["deposit"][1], SECRETS["estimate"][0]
    ]  # fmt: skip


def page_names() -> set[str]:
    names = set()

    def walk(patterns, skip):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin", "api"):
                    continue
                walk(pattern.url_patterns, skip)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns, set())
    return names


# --- the API, from the router ------------------------------------------------------------

LIST_SEES = {
    "deals": ["Zircon Mirage Venture", DEPOSIT],  # a deposit by its slug (JSON and CSV)
    "agreements": ["Quasar Lattice Accord", "Mirage Offtake Pact", DEPOSIT],
    "amounts": ["987654321", "24681357"],
    "events": ["Nebula Crest Ceremony"],
    "parties": ["Omega Zeta Holdings", "Saffron Delta Metals", "Cobalt Wren Resources"],
    "companies": ["Cobalt Wren Resources"],
    "deposits": ["Obsidian Fen"],
    "sources": ["Velour Gazette"],
}
HIDDEN_DETAILS = {
    "deals": lambda w: [(w.hidden_deal.slug, "Zircon Mirage Venture")],
    "agreements": lambda w: [(w.hidden_agreement.slug, "Quasar Lattice Accord"),
                             (w.deal_agreement.slug, "Mirage Offtake Pact")],
    "amounts": lambda w: [(w.amount.slug, "987654321"), (w.deposit_amount.slug, "24681357")],
    "events": lambda w: [(w.event.slug, "Nebula Crest Ceremony")],
    "parties": lambda w: [(w.party.pk, "Omega Zeta Holdings"),
                          (w.deal_party.pk, "Saffron Delta Metals"),
                          (w.company_party.pk, "Cobalt Wren Resources")],
    "companies": lambda w: [(COMPANY, "Cobalt Wren Resources")],
    "deposits": lambda w: [(DEPOSIT, "Obsidian Fen")],
    "sources": lambda w: [(SOURCE, "Velour Gazette")],
}  # fmt: skip
SHOWN_DETAILS = {
    "deals": lambda w: [
        (
            w.deal.slug,
            [
                "Quasar Lattice Accord",
                "Nebula Crest Ceremony",
                "Obsidian Fen",
                SECRETS["source"][1],
            ],
        )
    ],  # fmt: skip
    "companies": lambda w: (
        [(slug, []) for slug in HIDDEN_COMPANIES]
        + [("omega-zeta-holdings", ["Quasar Lattice Accord"])]
    ),
    "deposits": lambda w: [(w.deposit.slug, ["Zircon Mirage Venture", SECRETS["estimate"][0]])],
    "sources": lambda w: [(w.source.slug, [])],
}
# Resources read here through their lists only: no record on them can be hidden.
LISTS_ONLY = {"commodities", "tombstones", "changes", "webhooks"}
# Lists that carry company records: a company reached only through hidden records
# stays listed as a company (test_the_feed_names_hidden_companies_only_as_companies).
NAMES_COMPANIES = {"companies", "changes"}
PARAMS = {
    "q": lambda w: SEARCH_WORDS,
    "company": lambda w: [*HIDDEN_COMPANIES, COMPANY],
    "deal": lambda w: [w.deal.slug, w.hidden_deal.slug],
    "agreement": lambda w: [w.hidden_agreement.slug, w.deal_agreement.slug],
    "deposit": lambda w: [w.deposit.slug, DEPOSIT],
}
# Filtered lists whose only match, for partners, would come through a hidden record.
ONLY_THROUGH_HIDDEN = {
    ("deals", "q", "omega"): ["Tungsten Harbour Project"],
    ("deals", "company", "omega-zeta-holdings"): ["Tungsten Harbour Project"],
    ("deposits", "company", "omega-zeta-holdings"): ["Glimmer Basin"],
    ("deposits", "company", "quillfeather-capital"): ["Glimmer Basin"],
    ("agreements", "deposit", "glimmer-basin"): ["Quasar Lattice Accord"],
    ("deals", "company", COMPANY): ["Tungsten Harbour Project"],
    ("agreements", "company", COMPANY): ["Harbour Framework Accord"],
    ("deals", "deposit", DEPOSIT): ["Tungsten Harbour Project"],
    ("agreements", "deposit", DEPOSIT): ["Harbour Framework Accord"],
}
ANALYST_SEES_FILTERED = {
    ("deals", "q", "omega"): ["Tungsten Harbour Project"],
    ("deals", "company", "omega-zeta-holdings"): ["Tungsten Harbour Project"],
    ("agreements", "q", "omega"): ["Quasar Lattice Accord"],
    ("amounts", "company", "quillfeather-capital"): ["987654321"],
    ("events", "company", "velvet-orbit-partners"): ["Nebula Crest Ceremony"],
    ("deposits", "deal", "deal-z"): ["Glimmer Basin"],
}


def api_reads(w) -> list[Read]:
    reads = []
    for prefix, viewset, _basename in router.registry:
        base = f"/api/v1/{prefix}/"
        on_companies = prefix in NAMES_COMPANIES
        reads.append(Read(base + "?page_size=500", LIST_SEES.get(prefix, []), on_companies))
        reads.append(Read(base + "?format=csv", LIST_SEES.get(prefix, []), on_companies))
        filters = getattr(getattr(viewset, "filterset_class", None), "base_filters", {})
        for name, values in PARAMS.items():
            if name in filters:
                for value in values(w):
                    key = (prefix, name, value)
                    sees = ANALYST_SEES_FILTERED.get(key, [])
                    hides = ONLY_THROUGH_HIDDEN.get(key, [])
                    # Filtered through agreements, a company list names what it reached.
                    names = on_companies and name == "q"
                    reads.append(Read(f"{base}?{name}={value}", sees, names, hides))
        for key, sees in SHOWN_DETAILS.get(prefix, lambda w: [])(w):
            reads.append(Read(f"{base}{key}/", sees, on_companies))
    return reads


def hidden_details(w) -> list[tuple[str, str]]:
    return [
        (f"/api/v1/{prefix}/{key}/", sees)
        for prefix, details in HIDDEN_DETAILS.items()
        for key, sees in details(w)
    ]


# --- readers ------------------------------------------------------------------------------


def _user(role):
    user = User.objects.create_user(f"{role}-reader")
    user.groups.add(Group.objects.get(name=role))
    return user


def reader_clients(who):
    """(page client, API client) for ``who``."""
    if who == "anonymous":
        return Client(), APIClient()
    user = _user(who)
    page = Client()
    page.force_login(user)
    api = APIClient()
    if who == "partner":
        api.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user)[1]}")
    else:
        api.force_login(user)
    return page, api


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def leaked(text: str, read: Read) -> list[str]:
    found = [s for s in secrets() + read.matched_only_through_hidden if s in text]
    if not read.names_companies:
        found += [name for name in HIDDEN_COMPANIES.values() if name in text]
    return found


@pytest.fixture(params=STATES)
def world(request, db):
    w = build_world(request.param)
    refresh_now()  # the stats and the dashboard as the refresh leaves them
    return w


def all_reads(w):
    pages = [read for name in sorted(PAGES) for read in PAGES[name](w)]
    return [("page", read) for read in pages] + [("api", read) for read in api_reads(w)]


# --- the matrix ----------------------------------------------------------------------------


def test_every_read_path_is_covered():
    """A new page or API resource fails here until the matrix says how to read it."""
    assert page_names() - NOT_DATA - STAFF_ONLY == set(PAGES)
    prefixes = {prefix for prefix, _viewset, _basename in router.registry}
    with_details = set(HIDDEN_DETAILS) | set(SHOWN_DETAILS)
    lists_only = {p for p in prefixes if p.startswith("stats/")} | LISTS_ONLY
    assert with_details | lists_only == prefixes


@pytest.mark.parametrize("who", READERS)
def test_hidden_records_never_reach_the_public_or_partners(world, who):
    pages, api = reader_clients(who)
    failures = []
    for kind, read in all_reads(world):
        response = (pages if kind == "page" else api).get(read.url)
        assert response.status_code < 500, read.url
        found = leaked(body(response), read)
        if found:
            failures.append(f"{read.url}: {found}")
    assert not failures, f"{world.state}, {who}:\n" + "\n".join(failures)


@pytest.mark.parametrize("who", READERS)
def test_hidden_details_are_not_found(world, who):
    pages, api = reader_clients(who)
    for url, _sees in hidden_details(world):
        assert api.get(url).status_code == (404 if who == "partner" else 401), url
    assert pages.get(f"/deals/{world.hidden_deal.slug}/").status_code == 404
    for name in STAFF_ONLY:
        url = "/editorial/" if name == "editorial" else f"/deals/{world.deal.slug}/history/"
        response = pages.get(url)
        assert response.status_code in (302, 403), url
        assert not leaked(body(response), Read(url))


def test_analysts_reach_every_hidden_record(world):
    pages, api = reader_clients("analyst")
    missing = []
    for kind, read in all_reads(world):
        text = body((pages if kind == "page" else api).get(read.url))
        missing += [f"{read.url}: {s}" for s in read.analyst_sees if s not in text]
    for url, sees in hidden_details(world):
        response = api.get(url)
        if response.status_code != 200 or sees not in body(response):
            missing.append(f"{url}: {sees}")
    assert not missing, f"{world.state}:\n" + "\n".join(missing)


# --- ETags -------------------------------------------------------------------------------
# Decision: a partner's ETag is computed from published rows only, so editing a hidden
# record leaves it as it was (a 304 tells nothing); it is an opaque hash either way, and a
# record leaving "published" changes it, so the old ETag never vouches for a hidden record.


def test_editing_a_hidden_record_leaves_partners_etags_alone(world):
    _pages, api = reader_clients("partner")
    urls = ["/api/v1/deals/", "/api/v1/agreements/", f"/api/v1/deals/{world.deal.slug}/"]
    etags = {url: api.get(url)["ETag"] for url in urls}
    world.hidden_deal.name = "Zircon Mirage Venture renamed"
    world.hidden_deal.save()
    world.hidden_agreement.title = "Quasar Lattice Accord renamed"
    world.hidden_agreement.save()
    for url, etag in etags.items():
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def test_a_withdrawn_record_is_not_vouched_for_by_its_old_etag(world):
    _pages, api = reader_clients("partner")
    url = f"/api/v1/agreements/{world.agreement.slug}/"
    etag = api.get(url)["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    world.agreement.publication = "withdrawn"
    world.agreement.save()
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
    assert api.get(url, HTTP_IF_NONE_MATCH="*").status_code == 404


@pytest.mark.parametrize("who", READERS)
def test_the_feed_names_hidden_companies_only_as_companies(world, who):
    _pages, api = reader_clients(who)
    response = api.get("/api/v1/changes/?page_size=500")
    if who == "anonymous":
        assert response.status_code == 401
        return
    entries = response.json()["results"]
    companies = {e["data"]["name"] for e in entries if e["resource"] == "companies" and e["data"]}
    assert set(HIDDEN_COMPANIES.values()) <= companies  # listed, as /api/v1/companies/ lists them
    others = orjson.dumps([e for e in entries if e["resource"] != "companies"]).decode()
    assert not [name for name in HIDDEN_COMPANIES.values() if name in others]
