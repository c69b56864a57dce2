"""Valid requests that name stored records, for the schema fuzzing (``test_schema_fuzz``).

A schema says which values are well formed, not which records exist: a request
it allows may name a record that does not, and is then rightly refused. These
helpers aim the generated requests at the records (and the cursors) stored
while the tests run.
"""

import functools
from urllib.parse import parse_qs, urlsplit

from django.apps import apps
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from werkzeug.test import Client as WsgiClient

from minerals_portal.api.filters import CountryFilter, SlugFilter

# --- real records to aim at -------------------------------------------------------------

# The model behind each resource's detail URL, and the field its path parameter names.
RESOURCES = {
    "deposits": ("deposits.Deposit", "slug"),
    "commodities": ("deposits.Commodity", "slug"),
    "companies": ("deals.Company", "slug"),
    "deals": ("deals.Deal", "slug"),
    "agreements": ("deals.Agreement", "slug"),
    "parties": ("deals.AgreementParty", "pk"),
    "amounts": ("deals.Amount", "slug"),
    "events": ("deals.Event", "slug"),
    "sources": ("deals.Source", "slug"),
    "tombstones": ("deals.Tombstone", "slug"),  # a list only; aimed at should a detail appear
}
# Write-body fields that name another record by slug.
BODY_REFERENCES = {
    "deal": "deals.Deal",
    "agreement": "deals.Agreement",
    "company": "deals.Company",
    "held_via": "deals.Company",
    "investor": "deals.Company",
    "deposit": "deposits.Deposit",
    "restates": "deals.Amount",
    "deposits": "deposits.Deposit",
    "commodities": "deposits.Commodity",
}

# Filled from the database once the seed is loaded (see ``seeded_tokens``) and read while
# the tests run. Explicit examples and coverage cases are built while collecting, before
# any data exists; ``aim_at_stored_record`` points those at stored records instead.
STORED: dict[str, list[str]] = {}
TOKENS: dict[str, str] = {}  # role → API token key, while the module's data exists


def existing(label: str, field: str = "slug") -> list[str]:
    return STORED.get(f"{label}.{field}", [])


def remember_stored_records():
    labels = set(RESOURCES.values()) | {(label, "slug") for label in BODY_REFERENCES.values()}
    for label, field in labels:
        values = apps.get_model(label)._base_manager.order_by("pk").values_list(field, flat=True)
        STORED[f"{label}.{field}"] = [str(value) for value in values]


def path_parameter_of(path: str) -> tuple[str, str, str] | None:
    """(model label, model field, parameter name) of a detail path such as /deals/{slug}/."""
    parts = path.strip("/").split("/")  # api, v1, <resource>, {slug}, ...
    if len(parts) < 4 or parts[2] not in RESOURCES:
        return None
    label, field = RESOURCES[parts[2]]
    return label, field, parts[3].strip("{}")


def or_existing(value, label: str, field: str = "slug"):
    """The generated value, or one naming a stored record."""
    stored = existing(label, field)
    if not stored or not isinstance(value, str | int):
        return st.just(value)
    return st.one_of(st.just(value), st.sampled_from(stored))


def reference(value, label):
    stored = existing(label)
    if not stored:
        return st.just(value)
    if isinstance(value, list):
        return st.just(value) | st.lists(st.sampled_from(stored), max_size=3)
    return or_existing(value, label)


def aim_at_stored_record(case, turn: int, role: str):
    """Point a case at stored records, so that valid data is valid in this database too.

    A schema cannot say which slugs exist: a request it allows may name a record
    that does not, and is then rightly refused. So every positive case names
    stored records: its body's references (distinct companies for the parties of
    one agreement, each held via another), its filters (records the role may see)
    and its cursor (one the server issued for the same list). Examples and
    coverage cases, built while collecting, before any data exists, also get a
    stored record in their path (the fuzzed ones get one from the hooks above,
    half the time); a case that is about its path parameter keeps its own.
    Negative cases keep what they were generated with.
    """
    meta = case.meta
    if meta is None:
        return
    if (
        meta.phase.name != TestPhase.FUZZING
        and positive(meta, ParameterLocation.PATH)
        and not about(meta, ParameterLocation.PATH)
    ):
        target = path_parameter_of(case.operation.path)
        if target is not None and target[2] in (case.path_parameters or {}):
            label, field, name = target
            case.path_parameters = {
                **case.path_parameters,
                name: stored_instead(case.path_parameters[name], label, turn, field),
            }
    if positive(meta, ParameterLocation.BODY) and isinstance(case.body, dict):
        case.body = with_stored_references(case.body, turn)
        if case.operation.path.startswith("/api/v1/amounts/"):
            case.body = consistent_amount(case.body, (case.path_parameters or {}).get("slug"))
    if positive(meta, ParameterLocation.QUERY) and isinstance(case.query, dict):
        case.query = with_stored_filters(case.query, case.operation.path, role, turn)
        if case.query.get("cursor"):
            case.query = with_issued_cursor(case, role)


def positive(meta, location) -> bool:
    component = meta.components.get(location)
    return component is not None and component.mode == GenerationMode.POSITIVE


def about(meta, location) -> bool:
    return getattr(meta.phase.data, "parameter_location", None) == location


def stored_instead(value, label: str, turn: int, field: str = "slug", stored=None):
    stored = existing(label, field) if stored is None else stored
    if not stored or str(value) in stored:
        return value
    return stored[turn % len(stored)]


def with_stored_references(body: dict, turn: int) -> dict:
    body = dict(body)
    for offset, (name, label) in enumerate(BODY_REFERENCES.items()):
        value = body.get(name)
        if isinstance(value, str):
            body[name] = stored_instead(value, label, turn + offset)
        elif isinstance(value, list):
            body[name] = [stored_instead(v, label, turn + offset + i) for i, v in enumerate(value)]
    if isinstance(body.get("parties"), list):
        body["parties"] = distinct_parties(body["parties"], turn)
    return body


def distinct_parties(parties: list, turn: int) -> list:
    """Each party a different stored company, held via another one (or none)."""
    companies = existing("deals.Company")
    if not companies or len(parties) >= len(companies):
        return parties
    aimed = []
    for index, party in enumerate(parties):
        if not isinstance(party, dict):
            aimed.append(party)
            continue
        party = dict(party)
        if isinstance(party.get("company"), str):
            party["company"] = companies[(turn + index) % len(companies)]
        if isinstance(party.get("held_via"), str):
            party["held_via"] = companies[(turn + index + len(parties)) % len(companies)]
        aimed.append(party)
    return aimed


def consistent_amount(body: dict, slug: str | None) -> dict:
    """An amount's agreement of its own deal, and a restated amount of that deal and kind
    that nothing restates yet and that restates nothing (so no loop): or none."""
    from deals.models import Agreement, Amount

    stored = Amount._base_manager.filter(slug=slug).first() if slug else None
    deal = body.get("deal", stored and stored.deal.slug)
    kind = body.get("kind", stored and stored.kind)
    body = dict(body)
    if isinstance(body.get("agreement"), str):
        agreements = Agreement._base_manager.filter(deal__slug=deal).order_by("pk")
        body["agreement"] = agreements.values_list("slug", flat=True).first()
    if isinstance(body.get("restates"), str):
        candidates = Amount._base_manager.filter(
            deal__slug=deal, kind=kind, restates__isnull=True, restatements__isnull=True
        )
        candidates = candidates.exclude(slug=slug).order_by("pk")
        body["restates"] = candidates.values_list("slug", flat=True).first()
    return body


# --- filters and cursors ----------------------------------------------------------------


COUNTRIES = ["KZ", "US", "kaz", "Kazakhstan", "Казахстан"]  # codes and names, any case


def record_filters(path: str) -> dict:
    """A list's query parameters that name a record (``SlugFilter``) or a country, by name."""
    if "{" in path:
        return {}
    try:
        view = getattr(resolve(path).func, "cls", None)
    except Resolver404:
        return {}
    filterset = getattr(view, "filterset_class", None)
    if filterset is None:
        return {}
    kinds = (SlugFilter, CountryFilter)
    return {n: f for n, f in filterset.base_filters.items() if isinstance(f, kinds)}


RECORD_FILTERS: dict[str, dict] = {}  # path → its record filters (``find_record_filters``)


def find_record_filters(paths) -> None:
    RECORD_FILTERS.update((path, record_filters(path)) for path in paths)


def remember_filter_choices(users: dict):
    """The slugs each role may name in each record filter (its own visibility applies)."""
    for role, user in users.items():
        request = RequestFactory().get("/")
        request.user = user
        for path, filters in RECORD_FILTERS.items():
            for name, record_filter in filters.items():
                if isinstance(record_filter, CountryFilter):
                    STORED[f"{role} {path} {name}"] = COUNTRIES
                    continue
                queryset = record_filter.get_queryset(request).order_by("pk")
                STORED[f"{role} {path} {name}"] = list(queryset.values_list("slug", flat=True))


def with_stored_filters(query: dict, path: str, role: str, turn: int) -> dict:
    query = dict(query)
    for name in RECORD_FILTERS.get(path, {}):
        value = query.get(name)
        stored = STORED.get(f"{role} {path} {name}", [])
        if isinstance(value, str) and value:
            query[name] = stored_instead(value, "", turn, stored=stored)
    return query


def with_issued_cursor(case, role: str) -> dict:
    """The query with the cursor of this list's second page (none when it has one page).

    Asked through the WSGI application, as schemathesis calls it: Django's test
    client would reconnect the signals that close the test's connection.
    """
    query = {k: v for k, v in case.query.items() if k != "cursor"}
    first = WsgiClient(wsgi_application()).get(
        case.formatted_path,
        query_string={**query, "page_size": 1, "format": "json"},
        headers={"Authorization": f"Token {TOKENS[role]}"},
    )
    following = first.get_json().get("next") if first.status_code == 200 else None
    if following:
        query["cursor"] = parse_qs(urlsplit(following).query)["cursor"][0]
    return query


@functools.cache
def wsgi_application():
    return get_wsgi_application()
