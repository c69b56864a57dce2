"""A small published world with drafts around it, and API clients for each role."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from rest_framework.test import APIClient

from deals.models import Citation, Event, ExchangeRate, Ownership
from deposits.models import Commodity, DepositCommodity, Region
from minerals_portal.api.throttling import local_windows
from minerals_portal.api.tokens import issue_token
from tests import factories as f

_users = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    cache.clear()
    local_windows.clear()
    yield
    cache.clear()
    local_windows.clear()


def make_user(role=None, **kwargs):
    user = User.objects.create_user(f"{role or 'nobody'}-{next(_users)}", **kwargs)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def token_client(user, **token_kwargs):
    _, key = issue_token(user, **token_kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def partner(db):
    return make_user("partner")


@pytest.fixture
def editor(db):
    return make_user("editor")


@pytest.fixture
def partner_client(partner):
    return token_client(partner)


@pytest.fixture
def editor_client(editor):
    return token_client(editor)


@pytest.fixture
def publisher_client(db):
    """An editor who may also publish, and change or delete published records."""
    user = make_user("editor")
    user.groups.add(Group.objects.get(name="publisher"))
    return token_client(user)


@pytest.fixture
def analyst_client(db):
    client = APIClient()
    client.force_login(make_user("analyst"))
    return client


def cite(record, source, quote, field=""):
    return Citation.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        source=source,
        quote=quote,
        field=field,
    )


def event(deal=None, **kw):
    n = next(_users)
    kw.setdefault("kind", "summit")
    kw.setdefault("on", dt.date(2025, 11, 6))
    kw.setdefault("on_precision", "day")
    kw.setdefault("publication", "published")
    return Event.objects.create(
        deal=deal, slug=f"test-event-{n}", title=kw.pop("title", f"Test event {n}"), **kw
    )


@pytest.fixture
def world(db):
    """One published tungsten deal in Karaganda, plus drafts partners must never see."""
    w = SimpleNamespace()
    w.tungsten = Commodity.objects.create(
        name="Tungsten", name_ru="Вольфрам", code="W", slug="tungsten", group="minor_metal"
    )
    w.lithium = Commodity.objects.create(name="Lithium", code="Li", slug="lithium")
    w.karaganda = Region.objects.create(
        name="Karaganda Region",
        name_ru="Карагандинская область",
        slug="karaganda",
        iso_code="KZ-KAR",
        country="KZ",
    )
    w.katpar = f.deposit("Severny Katpar", name_ru="Северный Катпар")
    w.katpar.regions.add(w.karaganda)
    DepositCommodity.objects.create(deposit=w.katpar, commodity=w.tungsten)
    w.kairakty = f.deposit("Upper Kairakty", name_ru="Верхние Кайракты")
    w.lithium_field = f.deposit("Lithium Field")
    DepositCommodity.objects.create(deposit=w.lithium_field, commodity=w.lithium)

    w.skz = f.company("Samruk-Kazyna", name_ru="Самрук-Казына", kind="sovereign_fund")
    w.tks = f.company(
        "Tau-Ken Samruk",
        name_ru="Тау-Кен Самрук",
        name_kk="Тау-Кен Самрұқ",
        kind="national_company",
    )
    w.cove = f.company("Cove Capital", kind="private_investor", country="US")
    w.cove_kz = f.company("Cove Kazakhstan", kind="private_investor")
    w.outsider = f.company("Outsider Metals", country="CN")
    Ownership.objects.create(parent=w.skz, child=w.tks, relation="subsidiary")
    Ownership.objects.create(parent=w.cove, child=w.cove_kz, relation="subsidiary")

    w.deal = f.deal("Tungsten project", name_ru="Вольфрамовый проект", summary="Katpar works.")
    w.deal.deposits.add(w.katpar, w.kairakty)
    w.deal.commodities.add(w.tungsten)
    w.agreement = f.agreement(
        w.deal,
        title="Joint development agreement",
        kind="framework",
        status="signed",
        signed_on=dt.date(2025, 11, 1),
        signed_on_precision="month",
        venue="C5+1 summit, Washington",
    )
    w.agreement.deposits.add(w.katpar)
    w.agreement.commodities.add(w.tungsten)
    w.tks_party = f.party(w.agreement, w.tks, role="state_partner", stake=30)
    w.cove_party = f.party(w.agreement, w.cove, role="investor", stake=70, held_via=w.cove_kz)
    w.usd = f.amount(
        w.deal,
        agreement=w.agreement,
        investor=w.cove,
        value=1_100_000_000,
        qualifier="approximately",
    )
    ExchangeRate.objects.create(currency="KZT", on=dt.date(2025, 10, 1), usd_per_unit="0.002")
    w.kzt = f.amount(w.deal, value=50_000_000_000, currency="KZT", deposit=w.katpar)
    w.eur = f.amount(w.deal, value=10_000_000, currency="EUR")
    w.summit = event(w.deal, title="C5+1 summit in Washington", agreement=w.agreement)
    w.summit.companies.add(w.tks, w.cove)
    w.summit.deposits.add(w.katpar)
    w.discovery = event(
        None,
        title="Tungsten find announced",
        kind="discovery",
        on=dt.date(2024, 1, 1),
        on_precision="year",
    )
    w.source = f.source(publisher="Kazinform", title="Agreement signed in Washington")
    cite(w.agreement, w.source, "Документ был подписан в ноябре 2025 года.", field="signed_on")
    cite(w.deal, w.source, "Проект освоения месторождения Северный Катпар.")

    # Drafts, and published records hidden because what they belong to is a draft.
    w.draft_deal = f.deal("Secret lithium deal", publication="draft")
    w.draft_deal.deposits.add(w.lithium_field)
    w.hidden_agreement = f.agreement(w.draft_deal, title="Lithium offtake")
    f.party(w.hidden_agreement, w.outsider, stake=10)
    w.hidden_amount = f.amount(w.draft_deal, value=7, investor=w.outsider)
    w.hidden_event = event(w.draft_deal, title="Lithium talks")
    w.draft_agreement = f.agreement(w.deal, title="Draft offtake term sheet", publication="draft")
    w.draft_amount = f.amount(w.deal, value=99, publication="draft")
    w.draft_event = event(w.deal, title="Unannounced visit", publication="draft")
    return w


def results(response):
    """The items of a list answer, paginated either way."""
    assert response.status_code == 200, response.content
    return response.json()["results"]


def slugs(response):
    return [item["slug"] for item in results(response)]


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code is not None:
        assert error["code"] == code
    return error
