"""Deterministic synthetic data for benchmarks, generated in the database (PostgreSQL only).

Synthetic data is never mixed into the real dataset: ``generate`` refuses a
database whose name does not say it is for benchmarks, and any database that
holds a seed source.
"""

from __future__ import annotations

from django.db import connection, transaction

from .models import Source

SAFE_NAME_PARTS = ("bench", "synthetic")

# Tables emptied before generating, children first.
TABLES = [
    "deals_citation", "deals_event_companies", "deals_event_deposits", "deals_event",
    "deals_amount", "deals_agreementparty", "deals_agreement_commodities",
    "deals_agreement_deposits", "deals_agreement", "deals_deal_commodities",
    "deals_deal_deposits", "deals_deal", "deals_ownership", "deals_company",
    "deposits_depositcommodity", "deposits_resourceestimate", "deposits_deposit_regions",
    "deposits_deposit", "deposits_commodity", "deals_exchangerate", "deals_source",
]  # fmt: skip


def _cite_everything(cursor) -> None:
    """One synthetic source, and a citation on every published record.

    Published records must carry a citation (a database rule), so the synthetic
    world is cited too, with a quote that says it is synthetic.
    """
    cursor.execute(
        """INSERT INTO deals_source (slug, publisher, title, url, language, published, file,
             kind, published_precision, archive, archive_url, archive_sha256, created_at,
             updated_at, publication)
           VALUES ('syn-source', 'Synthetic wire', 'Synthetic benchmark data', '', 'en',
             DATE '2026-01-01', '', 'data_set', 'day', '', '', '', now(), now(), 'published')
           RETURNING id"""
    )
    source_id = cursor.fetchone()[0]
    for model in ("deal", "agreement", "amount", "event"):
        cursor.execute(
            "SELECT id FROM django_content_type WHERE app_label = 'deals' AND model = %s",
            [model],
        )
        content_type = cursor.fetchone()[0]
        cursor.execute(
            f"""INSERT INTO deals_citation (source_id, quote, quote_kind, unverified, field,
                 content_type_id, object_id, created_at, updated_at)
               SELECT %s, 'Synthetic record for benchmarks.', 'verbatim', false, '', %s, id,
                 now(), now()
               FROM deals_{model} WHERE publication = 'published'""",
            [source_id, content_type],
        )


def _check_rules(cursor) -> None:
    """The rules the row triggers enforce, checked once over the whole set.

    ``generate`` switches the tables' own triggers (history, stake totals,
    citations of published records) off inside its transaction: row by row they
    make a bulk insert quadratic, and synthetic rows need no change history.
    Foreign keys stay on; these two queries stand in for the rest.
    """
    cursor.execute(
        "SELECT agreement_id FROM deals_agreementparty GROUP BY agreement_id "
        "HAVING SUM(stake) > 100 LIMIT 1"
    )
    assert cursor.fetchone() is None, "synthetic stakes exceed 100 %"
    for model in ("deal", "agreement", "amount", "event"):
        cursor.execute(
            f"""SELECT 1 FROM deals_{model} r WHERE r.publication = 'published'
                AND NOT EXISTS (SELECT 1 FROM deals_citation c JOIN django_content_type ct
                  ON ct.id = c.content_type_id WHERE ct.app_label = 'deals'
                  AND ct.model = %s AND c.object_id = r.id) LIMIT 1""",
            [model],
        )
        assert cursor.fetchone() is None, f"a published synthetic {model} is uncited"


class NotABenchmarkDatabase(Exception):
    pass


def check_database() -> None:
    name = str(connection.settings_dict["NAME"])
    if not any(part in name for part in SAFE_NAME_PARTS):
        raise NotABenchmarkDatabase(
            f"refusing to write synthetic data into {name!r}: use a database whose name "
            f"contains one of {SAFE_NAME_PARTS}"
        )
    if Source.objects.exclude(slug__startswith="syn-").exists():
        raise NotABenchmarkDatabase(f"{name!r} holds real sources; refusing to mix data")


def generate(amounts: int, agreements: int | None = None, events: int | None = None) -> dict:
    """Replace the domain tables' content with a deterministic synthetic world."""
    check_database()
    agreements = agreements or max(amounts // 10, 10)
    events = events if events is not None else agreements
    deals = max(agreements // 10, 5)
    companies, deposits, commodities = 2000, 500, 20
    sizes = {"amounts": amounts, "agreements": agreements, "deals": deals, "events": events,
             "companies": companies, "deposits": deposits}  # fmt: skip
    statements = [
        f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE",
        """INSERT INTO deposits_commodity (id, slug, name, name_ru, name_kk, aliases, search_key,
             code, "group", usgs_2022, usgs_2025, created_at, updated_at)
           SELECT i, 'syn-commodity-' || i, 'Synthetic commodity ' || i, '', '', '[]',
             '|synthetic commodity ' || i || '|', 'S' || i, 'other', i %% 2 = 0, true, now(), now()
           FROM generate_series(1::bigint, %(commodities)s) i""",
        """INSERT INTO deposits_deposit (id, slug, name, name_ru, name_kk, aliases, search_key,
             kind, stage, location_accuracy, description, description_ru, created_at, updated_at,
             publication)
           SELECT i, 'syn-deposit-' || i, 'Synthetic deposit ' || i,
             'Синтетическое месторождение ' || i, '', '[]',
             '|synthetic deposit ' || i || '|sintetichesko mestorozhdenie ' || i || '|',
             'deposit', 'exploration', 'unknown', '', '', now(), now(), 'published'
           FROM generate_series(1::bigint, %(deposits)s) i""",
        """INSERT INTO deposits_depositcommodity (deposit_id, commodity_id, role, created_at,
             updated_at)
           SELECT i, 1 + i %% %(commodities)s, 'primary', now(), now()
           FROM generate_series(1::bigint, %(deposits)s) i""",
        """INSERT INTO deals_company (id, slug, name, name_ru, name_kk, aliases, search_key, kind,
             country, description, description_ru, created_at, updated_at, publication)
           SELECT i, 'syn-company-' || i, 'Synthetic company ' || i, '', '', '[]',
             '|synthetic company ' || i || '|', 'private_investor',
             (ARRAY['KZ','US','CN','DE','JP','KR','GB','FR'])[1 + i %% 8], '', '', now(), now(),
             'published'
           FROM generate_series(1::bigint, %(companies)s) i""",
        # A forest: every company above 100 is owned by the one a hundred below it.
        """INSERT INTO deals_ownership (parent_id, child_id, relation, created_at, updated_at)
           SELECT i - 100, i, 'subsidiary', now(), now()
           FROM generate_series(101::bigint, %(companies)s) i""",
        """INSERT INTO deals_deal (id, slug, name, name_ru, name_kk, aliases, search_key, summary,
             summary_ru, host_country, publication, created_at, updated_at)
           SELECT i, 'syn-deal-' || i, 'Synthetic deal ' || i, '', '', '[]',
             '|synthetic deal ' || i || '|', '', '', 'KZ', 'published', now(), now()
           FROM generate_series(1::bigint, %(deals)s) i""",
        """INSERT INTO deals_deal_deposits (deal_id, deposit_id)
           SELECT i, 1 + i %% %(deposits)s FROM generate_series(1::bigint, %(deals)s) i""",
        """INSERT INTO deals_deal_commodities (deal_id, commodity_id)
           SELECT i, 1 + i %% %(commodities)s FROM generate_series(1::bigint, %(deals)s) i""",
        """INSERT INTO deals_agreement (id, slug, deal_id, title, title_ru, kind, status,
             announced_on, announced_on_precision, signed_on, signed_on_precision, venue, binding,
             publication, created_at, updated_at)
           SELECT i, 'syn-agreement-' || i, 1 + i %% %(deals)s, 'Synthetic agreement ' || i, '',
             (ARRAY['memorandum','framework','spa','founding_agreement','offtake',
                    'non_binding_partnership'])[1 + i %% 6],
             (ARRAY['announced','signed','binding','in_force','completed'])[1 + i %% 5],
             NULL, '', DATE '2015-01-01' + (i * 7919 %% 4300)::int, 'day', '', NULL, 'published',
             now(), now()
           FROM generate_series(1::bigint, %(agreements)s) i""",
        """INSERT INTO deals_agreementparty (agreement_id, company_id, role, stake, created_at,
             updated_at)
           SELECT i, 1 + i %% %(companies)s, 'investor', 60, now(), now()
           FROM generate_series(1::bigint, %(agreements)s) i
           UNION ALL
           SELECT i, 1 + (i + 7) %% %(companies)s, 'state_partner', 40, now(), now()
           FROM generate_series(1::bigint, %(agreements)s) i""",
        """INSERT INTO deals_amount (id, slug, deal_id, agreement_id, deposit_id, investor_id,
             value, value_max, currency, qualifier, kind, as_of, as_of_precision, first_as_of,
             first_as_of_precision, restates_id, publication, created_at, updated_at)
           SELECT i, 'syn-amount-' || i, 1 + (i %% %(agreements)s) %% %(deals)s,
             1 + i %% %(agreements)s, NULL, 1 + i %% %(companies)s,
             1000000 + (i * 104729 %% 900000000), NULL,
             CASE WHEN i %% 10 = 0 THEN 'KZT' ELSE 'USD' END,
             (ARRAY['exact','approximately','at_least'])[1 + i %% 3],
             (ARRAY['investment_commitment','investment_commitment','financing_interest',
                    'contract_value'])[1 + i %% 4],
             DATE '2015-01-01' + (i * 6151 %% 4300)::int, 'day',
             DATE '2015-01-01' + (i * 6151 %% 4300)::int, 'day', NULL, 'published', now(), now()
           FROM generate_series(1::bigint, %(amounts)s) i""",
        # Every 50th amount restates the one before it, so totals must skip 2 % of rows; a
        # restatement counts in the period of the amount it restates (the trigger's rule).
        """UPDATE deals_amount a SET restates_id = a.id - 1, first_as_of = p.as_of,
             first_as_of_precision = p.as_of_precision
           FROM deals_amount p WHERE p.id = a.id - 1 AND a.id %% 50 = 0""",
        """INSERT INTO deals_exchangerate (currency, "on", usd_per_unit, source, created_at,
             updated_at)
           SELECT 'KZT', DATE '2014-12-01' + d, 0.002 + (d %% 100) * 0.00001, 'synthetic',
             now(), now()
           FROM generate_series(0, 4400) d""",
        """INSERT INTO deals_event (id, slug, title, title_ru, kind, "on", on_precision, end_on,
             end_on_precision, deal_id, agreement_id, description, description_ru, publication,
             created_at, updated_at)
           SELECT i, 'syn-event-' || i, 'Synthetic event ' || i, '', 'announcement',
             DATE '2015-01-01' + (i * 3571 %% 4300)::int, 'day', NULL, '', 1 + i %% %(deals)s,
             NULL, '', '', 'published', now(), now()
           FROM generate_series(1::bigint, %(events)s) i""",
    ]
    params = {**sizes, "commodities": commodities}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statements[0])
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for sql in statements[1:]:
            cursor.execute(sql, params)
        _cite_everything(cursor)
        _check_rules(cursor)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the queued foreign-key checks
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table in ("deposits_commodity", "deposits_deposit", "deals_company", "deals_deal",
                      "deals_agreement", "deals_amount", "deals_event"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        cursor.execute("ANALYZE")
    return sizes
