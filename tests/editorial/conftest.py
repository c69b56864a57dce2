"""Roles, a small cited world with drafts around it, and the database's citation backstop on."""

import datetime as dt
import itertools
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from rest_framework.test import APIClient

from deals.models import Citation, Event
from minerals_portal.api.tokens import issue_token
from tests import factories as f
from tests.browser.conftest import browser, open_tab, seeded_server, tab  # noqa: F401  (Chromium)
from tests.deals.test_admin import CITATIONS

_users = itertools.count(1)
PASSWORD = "pw-long-enough-1"


@pytest.fixture(autouse=True)
def citation_backstop(request):
    """The test database starts with the backstop off (tests/conftest.py); here it is on."""
    if not {"db", "transactional_db"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("db" if "db" in request.fixturenames else "transactional_db")
    with connection.cursor() as cursor:
        cursor.execute("SET deals.skip_citation_check = 'off'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET deals.skip_citation_check")


def make_user(*roles, staff=True, superuser=False):
    name = f"{'-'.join(roles) or 'admin'}-{next(_users)}"
    if superuser:
        return User.objects.create_superuser(name, "", PASSWORD)
    user = User.objects.create_user(name, password=PASSWORD, is_staff=staff)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


@pytest.fixture
def editor(db):
    return make_user("editor")


@pytest.fixture
def publisher(db):
    return make_user("editor", "publisher")


@pytest.fixture
def analyst(db):
    return make_user("analyst")


@pytest.fixture
def partner(db):
    return make_user("partner", staff=False)


def logged_in(client, user):
    client.force_login(user)
    return client


def token_client(user):
    _, key = issue_token(user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def cite(record, source, quote="Документ был подписан.", field=""):
    return Citation.objects.create(content_object=record, source=source, quote=quote, field=field)


def cited(record, source):
    cite(record, source, f"Quote on {record._meta.model_name} {record.pk}.")
    return record


@pytest.fixture
def world(db):
    """A published, cited tungsten deal; drafts and records in review marked SECRET."""
    w = SimpleNamespace()
    w.source = f.source()
    w.deal = cited(f.deal("Tungsten project"), w.source)
    tks = f.company("Tau-Ken Samruk", name_ru="Тау-Кен Самрук", kind="national_company")
    w.tks = cited(tks, w.source)  # published companies are cited, like deals
    w.cove = cited(f.company("Cove Capital", kind="private_investor", country="US"), w.source)
    w.agreement = cited(f.agreement(w.deal, title="Framework agreement"), w.source)
    w.party = f.party(w.agreement, w.cove, stake=70)
    w.amount = cited(f.amount(w.deal, agreement=w.agreement, investor=w.cove), w.source)
    w.event = cited(
        Event.objects.create(
            slug="summit", title="C5+1 summit", kind="summit", on=dt.date(2025, 11, 6),
            on_precision="day", deal=w.deal, publication="published",
        ),
        w.source,
    )  # fmt: skip
    # Unpublished: never shown to partners or visitors.
    w.draft_deal = f.deal("SECRET draft deal", publication="draft")
    w.review_agreement = f.agreement(
        w.deal, title="SECRET agreement in review", publication="in_review"
    )
    w.draft_amount = f.amount(w.deal, value=987654321, publication="draft", currency="USD")
    w.withdrawn_event = Event.objects.create(
        slug="secret-withdrawn", title="SECRET withdrawn visit", kind="other",
        on=dt.date(2025, 12, 1), on_precision="day", deal=w.deal, publication="withdrawn",
    )  # fmt: skip
    # Published, but in a draft deal: hidden with it.
    w.hidden_agreement = cited(
        f.agreement(w.draft_deal, title="SECRET offtake term sheet"), w.source
    )
    return w


def change_form(agreement, **changes):
    """The admin change form of ``agreement`` as the page posts it, with ``changes``."""
    data = {
        "deal": agreement.deal_id,
        "title": agreement.title,
        "slug": agreement.slug,
        "kind": agreement.kind,
        "status": agreement.status,
        "binding": "unknown",
        "venue": agreement.venue,
        "publication": agreement.publication,
        "announced_on": "",
        "announced_on_precision": "",
        "signed_on": agreement.signed_on.isoformat(),
        "signed_on_precision": agreement.signed_on_precision,
        "version": agreement.version,
    }
    parties = list(agreement.parties.all())
    citations = list(agreement.citations.all())
    forms = {"parties": parties, "amounts": [], "status_changes": [], CITATIONS: citations}
    for prefix, rows in forms.items():
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        data.update({f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
    for i, p in enumerate(parties):
        data.update({f"parties-{i}-id": p.pk, f"parties-{i}-agreement": agreement.pk})
        data.update({f"parties-{i}-company": p.company_id, f"parties-{i}-role": p.role})
        data[f"parties-{i}-stake"] = "" if p.stake is None else str(p.stake)
        data[f"parties-{i}-version"] = p.version
    for i, c in enumerate(citations):
        data.update({f"{CITATIONS}-{i}-id": c.pk, f"{CITATIONS}-{i}-source": c.source_id})
        data.update({f"{CITATIONS}-{i}-quote": c.quote, f"{CITATIONS}-{i}-field": c.field})
        data[f"{CITATIONS}-{i}-quote_kind"] = c.quote_kind  # a ticked box sends "on"
        data.update({f"{CITATIONS}-{i}-unverified": "on"} if c.unverified else {})
        data[f"{CITATIONS}-{i}-version"] = c.version
    data.update(changes)
    return data
