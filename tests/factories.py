"""Small builders for test records (real seed data lives in deals/seed/dataset.yaml)."""

import datetime as dt
import itertools

from deals.models import Agreement, AgreementParty, Amount, Company, Deal, Source
from deposits.models import Deposit

_seq = itertools.count(1)


def company(name=None, **kw):
    n = next(_seq)
    name = name or f"Test Company {n}"
    kw.setdefault("slug", f"test-company-{n}")
    kw.setdefault("publication", "published")
    return Company.objects.create(
        name=name, kind=kw.pop("kind", "miner"), country=kw.pop("country", "KZ"), **kw
    )


def deposit(name=None, **kw):
    n = next(_seq)
    kw.setdefault("publication", "published")
    return Deposit.objects.create(name=name or f"Test Deposit {n}", slug=f"test-deposit-{n}", **kw)


def deal(name=None, **kw):
    n = next(_seq)
    kw.setdefault("publication", "published")
    return Deal.objects.create(name=name or f"Test Deal {n}", slug=f"test-deal-{n}", **kw)


def agreement(deal_=None, **kw):
    n = next(_seq)
    kw.setdefault("kind", "memorandum")
    kw.setdefault("status", "signed")
    kw.setdefault("publication", "published")
    kw.setdefault("signed_on", dt.date(2025, 11, 6))
    kw.setdefault("signed_on_precision", "day")
    return Agreement.objects.create(
        deal=deal_ or deal(),
        title=kw.pop("title", f"Test Agreement {n}"),
        slug=f"test-agreement-{n}",
        **kw,
    )


def party(agreement_, company_=None, **kw):
    kw.setdefault("role", "investor")
    return AgreementParty.objects.create(agreement=agreement_, company=company_ or company(), **kw)


def amount(deal_=None, **kw):
    n = next(_seq)
    kw.setdefault("value", 1_000_000)
    kw.setdefault("currency", "USD")
    kw.setdefault("publication", "published")
    kw.setdefault("kind", "investment_commitment")
    kw.setdefault("as_of", dt.date(2025, 11, 1))
    kw.setdefault("as_of_precision", "month")
    return Amount.objects.create(deal=deal_ or deal(), slug=f"test-amount-{n}", **kw)


def source(**kw):
    n = next(_seq)
    return Source.objects.create(
        slug=f"test-source-{n}",
        publisher=kw.pop("publisher", "Test Wire"),
        title=kw.pop("title", f"Test article {n}"),
        language=kw.pop("language", "ru"),
        published=kw.pop("published", dt.date(2025, 11, 7)),
        publication=kw.pop("publication", "published"),
        **kw,
    )
