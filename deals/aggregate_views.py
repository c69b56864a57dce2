"""The derived views' SQL: each view rebuilt from the amount facts table (``FACTS``).

``deals.aggregates`` builds the facts table and runs these in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncMonth

from . import counting
from .models import (
    Agreement,
    CommittedByCommodity,
    CommittedByCompany,
    CommittedByCountryPair,
    CommittedByDeposit,
    CommittedByPeriod,
    Company,
    Deal,
    DealPipeline,
    Event,
    MonthlyActivity,
    Ownership,
    UnconvertedByPeriod,
)
from .models.publication import Publication
from .visibility import visible

PUBLISHED = Publication.PUBLISHED
FACTS = "agg_amount_facts"
CLOSURE = "agg_company_closure"

MONEY_COLUMNS = (
    "committed_usd, financing_usd, other_usd, lapsed_usd, amount_count, unconverted_count"
)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _m2m(model, field) -> str:
    return connection.ops.quote_name(
        model._meta.get_field(field).remote_field.through._meta.db_table
    )


def _rebuild(cursor, model, columns: str, select_sql: str, params: list) -> None:
    cursor.execute(f"DELETE FROM {_table(model)}")
    cursor.execute(f"INSERT INTO {_table(model)} ({columns}, computed_at) {select_sql}", params)


def _money_sums(alias: str = "") -> str:
    """The buckets of every view, as SQL over the facts table (``alias``: e.g. ``"f."``).

    The facts carry each amount's bucket by the one counting rule
    (``deals.counting``); this only sums them: USD per bucket, the number of
    amounts and of those without a rate. Callers keep ``counted = 1`` rows only.
    """
    usd, bucket = f"{alias}usd", f"{alias}bucket"
    sums = [
        f"SUM(CASE WHEN {bucket} = '{name}' THEN COALESCE({usd}, 0) ELSE 0 END) AS {name}"
        for name in counting.MONEY_BUCKETS
    ]
    return f"""
        {", ".join(sums)},
        COUNT(*) AS n,
        SUM(CASE WHEN {usd} IS NULL THEN 1 ELSE 0 END) AS unconverted
    """


SUM_PARTS = (
    "SUM(p.committed), SUM(p.financing), SUM(p.other), SUM(p.lapsed), SUM(p.n), SUM(p.unconverted)"
)


def build_by_deposit(cursor, now):
    """An amount counts for its own deposit if it names one, else for each of its deal's.

    Facts are summed per (deal, deposit) first, so the join fans out over a few
    thousand partial sums rather than every amount.
    """
    sql = f"""
        SELECT p.deposit_id, {SUM_PARTS}, COUNT(DISTINCT p.deal_id), %s
        FROM (
            SELECT deal_id, deposit_id, {_money_sums()} FROM {FACTS}
             WHERE counted = 1 AND deposit_id IS NOT NULL
             GROUP BY deal_id, deposit_id
            UNION ALL
            SELECT d.deal_id, dd.deposit_id, d.committed, d.financing, d.other, d.lapsed,
                   d.n, d.unconverted
            FROM (
                SELECT deal_id, {_money_sums()} FROM {FACTS}
                 WHERE counted = 1 AND deposit_id IS NULL GROUP BY deal_id
            ) d JOIN {_m2m(Deal, "deposits")} dd ON dd.deal_id = d.deal_id
        ) p
        GROUP BY p.deposit_id
    """
    _rebuild(cursor, CommittedByDeposit, f"deposit_id, {MONEY_COLUMNS}, deal_count", sql, [now])


def build_by_commodity(cursor, now):
    """An amount counts once for each commodity of its deal or its agreement (deduplicated)."""
    sql = f"""
        SELECT c.commodity_id, {SUM_PARTS}, %s
        FROM (
            SELECT deal_id, COALESCE(agreement_id, 0) AS agreement_id, {_money_sums()}
            FROM {FACTS} WHERE counted = 1
            GROUP BY deal_id, COALESCE(agreement_id, 0)
        ) p
        JOIN (
            SELECT pa.deal_id, pa.agreement_id, dc.commodity_id
              FROM (SELECT DISTINCT deal_id, COALESCE(agreement_id, 0) AS agreement_id
                      FROM {FACTS} WHERE counted = 1) pa
              JOIN {_m2m(Deal, "commodities")} dc ON dc.deal_id = pa.deal_id
            UNION
            SELECT pa.deal_id, pa.agreement_id, ac.commodity_id
              FROM (SELECT DISTINCT deal_id, agreement_id FROM {FACTS}
                     WHERE counted = 1 AND agreement_id IS NOT NULL) pa
              JOIN {_m2m(Agreement, "commodities")} ac ON ac.agreement_id = pa.agreement_id
        ) c ON c.deal_id = p.deal_id AND c.agreement_id = p.agreement_id
        GROUP BY c.commodity_id
    """
    _rebuild(cursor, CommittedByCommodity, f"commodity_id, {MONEY_COLUMNS}", sql, [now])


def build_by_country_pair(cursor, now):
    sql = f"""
        SELECT f.investor_country, f.host_country, {_money_sums("f.")}, %s
        FROM {FACTS} f WHERE f.counted = 1
        GROUP BY f.investor_country, f.host_country
    """
    _rebuild(
        cursor, CommittedByCountryPair, f"investor_country, host_country, {MONEY_COLUMNS}", sql,
        [now],
    )  # fmt: skip


def build_by_period(cursor, now):
    sql = f"""
        SELECT f.year, f.quarter, {_money_sums("f.")}, %s
        FROM {FACTS} f WHERE f.counted = 1
        GROUP BY f.year, f.quarter
    """
    _rebuild(cursor, CommittedByPeriod, f"year, quarter, {MONEY_COLUMNS}", sql, [now])


MAX_OWNERSHIP_DEPTH = 30  # also cuts ownership cycles


def company_closure_sql() -> str:
    """(ancestor, descendant, depth) for every company and each of its descendants.

    Depth 0 is the company itself. Each pair appears once (shortest path), so an
    amount is credited to an ancestor once even when reachable by two paths;
    ownership cycles stop at ``MAX_OWNERSHIP_DEPTH``.
    """
    return f"""
        WITH RECURSIVE walk(ancestor_id, descendant_id, depth) AS (
            SELECT id, id, 0 FROM {_table(Company)}
            UNION
            SELECT w.ancestor_id, o.child_id, w.depth + 1
              FROM walk w JOIN {_table(Ownership)} o ON o.parent_id = w.descendant_id
             WHERE w.depth < {MAX_OWNERSHIP_DEPTH}
        )
        SELECT ancestor_id, descendant_id, MIN(depth) AS depth
          FROM walk GROUP BY ancestor_id, descendant_id
    """


def build_by_company(cursor, now):
    cursor.execute(f"DROP TABLE IF EXISTS {CLOSURE}")
    cursor.execute(f"CREATE TEMPORARY TABLE {CLOSURE} AS {company_closure_sql()}")

    def part(column: str, direct: bool) -> str:
        depth = "c.depth = 0" if direct else "c.depth > 0"
        return f"SUM(CASE WHEN {depth} THEN p.{column} ELSE 0 END)"

    selects, columns = [], []
    for name in ("committed", "financing", "other"):
        selects += [part(name, True), part(name, False), f"SUM(p.{name})"]
        columns += [f"direct_{name}_usd", f"via_subsidiaries_{name}_usd", f"total_{name}_usd"]
    selects.append("SUM(p.lapsed)")
    columns.append("total_lapsed_usd")
    sql = f"""
        SELECT c.ancestor_id, {", ".join(selects)}, SUM(p.n), %s
        FROM (
            SELECT investor_id, {_money_sums()} FROM {FACTS}
             WHERE counted = 1 AND investor_id IS NOT NULL GROUP BY investor_id
        ) p JOIN {CLOSURE} c ON c.descendant_id = p.investor_id
        GROUP BY c.ancestor_id
    """
    _rebuild(cursor, CommittedByCompany,
             f"company_id, {', '.join(columns)}, amount_count", sql, [now])  # fmt: skip
    cursor.execute(f"DROP TABLE IF EXISTS {CLOSURE}")


def build_pipeline(cursor, now):
    sql = f"""
        SELECT a.kind, a.status, COUNT(*),
               SUM(COALESCE(m.committed, 0)), SUM(COALESCE(m.financing, 0)),
               SUM(COALESCE(m.other, 0)), SUM(COALESCE(m.lapsed, 0)), %s
        FROM {_table(Agreement)} a
        JOIN {_table(Deal)} d ON d.id = a.deal_id
        LEFT JOIN (
            SELECT agreement_id, {_money_sums()}
            FROM {FACTS} WHERE counted = 1 AND agreement_id IS NOT NULL
            GROUP BY agreement_id
        ) m ON m.agreement_id = a.id
        WHERE a.publication = %s AND d.publication = %s
        GROUP BY a.kind, a.status
    """
    _rebuild(
        cursor, DealPipeline,
        "agreement_kind, agreement_status, agreement_count, committed_usd, financing_usd, "
        "other_usd, lapsed_usd",
        sql, [now, PUBLISHED, PUBLISHED],
    )  # fmt: skip


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def build_monthly(cursor, now):
    """Few rows (one per month): grouped in the database, merged here."""
    months: dict[dt.date, dict[str, object]] = defaultdict(
        lambda: {"agreements_signed": 0, "events": 0, "amounts_announced": 0,
                 **{f"{name}_usd": Decimal(0) for name in counting.MONEY_BUCKETS}}
    )  # fmt: skip
    signed = (
        visible(Agreement.objects.filter(signed_on__isnull=False), None)
        .exclude(signed_on_precision="year")
        .annotate(m=TruncMonth("signed_on"))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    )
    for month, n in signed:
        months[_as_date(month)]["agreements_signed"] = n
    events = (
        visible(Event.objects.all(), None)
        .exclude(on_precision="year")
        .annotate(m=TruncMonth("on"))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    )
    for month, n in events:
        months[_as_date(month)]["events"] = n
    cursor.execute(
        f"SELECT month, {_money_sums()} FROM {FACTS} "
        "WHERE month IS NOT NULL AND counted = 1 GROUP BY month"
    )
    cent = Decimal("0.01")
    for month, *sums, n, _unconverted in cursor.fetchall():
        row = months[_as_date(month)]
        row["amounts_announced"] = n
        for name, usd in zip(counting.MONEY_BUCKETS, sums, strict=True):
            row[f"{name}_usd"] = Decimal(str(usd or 0)).quantize(cent)
    cursor.execute(f"DELETE FROM {_table(MonthlyActivity)}")
    MonthlyActivity.objects.bulk_create(
        MonthlyActivity(month=m, computed_at=now, **values) for m, values in sorted(months.items())
    )


def build_unconverted(cursor, now):
    """Counted money without a USD rate, summed in its own currency (``#unconverted``)."""
    sql = f"""
        SELECT f.year, f.quarter, f.bucket, f.currency, SUM(f.value), COUNT(*), %s
        FROM {FACTS} f WHERE f.counted = 1 AND f.usd IS NULL
        GROUP BY f.year, f.quarter, f.bucket, f.currency
    """
    _rebuild(cursor, UnconvertedByPeriod,
             "year, quarter, bucket, currency, value, amount_count", sql, [now])  # fmt: skip
