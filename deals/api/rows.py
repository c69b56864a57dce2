"""The agreements list and CSV export built from plain rows, not a serializer per record.

Through ``AgreementListSerializer`` a page of 100 agreements costs about 1,500
model instances and 20,000 serializer-field calls, and a 100k-row CSV export
ran at about two thousand rows a second. ``AgreementRows`` builds the same
JSON items from ``values()`` rows plus one bulk look-up of their parties (with
companies), deposits and commodities keyed by agreement id (``Nested``), and
the CSV cells directly from the same rows, chunk by chunk, so memory stays flat.

The queryset it reads is the view's, filtered and ordered (visibility, filters,
``ordering``, cursor): only the way rows become JSON or CSV changes. The output
must equal the serializer's and the ``csv_columns`` read from it;
``tests/api/test_rows.py`` checks both.
"""

from collections.abc import Iterator
from functools import cache as memoize
from functools import lru_cache
from itertools import groupby, islice
from operator import itemgetter

from django.db import connection
from django.db.models import F
from django.utils import timezone, translation

from deposits.models import Commodity, Deposit
from minerals_portal.api.caching import fetch_prepared
from minerals_portal.api.fields import iso_datetime, loose_date_json
from minerals_portal.common.loose_dates import loose

from ..models import Agreement, AgreementParty, Company

LIST_SEPARATOR = "; "  # as minerals_portal.api.renderers joins list cells

# Everything the list form and the CSV read from the agreement and its deal.
FIELDS = (
    "id",
    "slug",
    "title",
    "deal__slug",
    "deal__name",
    "deal__publication",
    "kind",
    "status",
    "binding",
    "announced_on",
    "announced_on_precision",
    "signed_on",
    "signed_on_precision",
    "venue",
    "publication",
    "updated_at",
)
(ID, SLUG, TITLE, DEAL_SLUG, DEAL_NAME, DEAL_PUBLICATION, KIND, STATUS, BINDING, ANNOUNCED,
 ANNOUNCED_PRECISION, SIGNED, SIGNED_PRECISION, VENUE, PUBLICATION,
 UPDATED_AT) = range(len(FIELDS))  # fmt: skip

PARTY_FIELDS = (
    "agreement_id",
    "id",
    "company__slug",
    "company__name",
    "company__kind",
    "company__country",
    "role",
    "stake",
    "held_via__slug",
    "held_via__name",
    "held_via__kind",
    "held_via__country",
)
# A party's order within its agreement, as the serializer's prefetch orders them.
PARTY_ORDER = (F("stake").desc(nulls_last=True), "company__name", "id")

CSV_HEADERS = (
    "slug",
    "title",
    "deal_slug",
    "deal_name",
    "kind",
    "status",
    "binding",
    "announced",
    "announced_precision",
    "signed",
    "signed_precision",
    "venue",
    "publication",
    "party_companies",
    "party_roles",
    "party_stakes",
    "party_held_via",
    "deposits",
    "commodities",
    "updated_at",
)
FLAG = {True: "true", False: "false", None: ""}


def decimal_text(value) -> str | None:
    """A ``DecimalField`` value as DRF writes it (its column's scale, never an exponent)."""
    return None if value is None else format(value, "f")


@lru_cache(maxsize=16384)
def _loose_date(date, precision: str, language: str | None) -> dict | None:
    return loose_date_json(loose(date, precision))


def loose_date(date, precision: str) -> dict | None:
    """``LooseDateField``'s form of a date; the display text is formatted once per language."""
    if date is None:
        return None
    return dict(_loose_date(date, precision, translation.get_language()))


def _company(slug, name, kind, country):
    return {"slug": slug, "name": name, "kind": kind, "country": country}


def _grouped(rows) -> dict[int, list]:
    """Rows ordered by agreement id (their first value), grouped by it."""
    return {key: list(group) for key, group in groupby(rows, itemgetter(0))}


@memoize
def _nested_sql() -> str:
    """Parties (with companies), deposits and commodities of agreements ``= ANY(%s)``.

    One statement, prepared once per connection: kind 0 rows are parties
    (``PARTY_FIELDS``), kind 1 deposits, kind 2 commodities, each list in the
    order the serializers' prefetches use (the database's collation orders names).
    """
    tables = {
        "party": AgreementParty,
        "company": Company,
        "agreement_deposits": Agreement.deposits.through,
        "deposit": Deposit,
        "agreement_commodities": Agreement.commodities.through,
        "commodity": Commodity,
    }
    names = {key: connection.ops.quote_name(model._meta.db_table) for key, model in tables.items()}
    return """
    SELECT 0, p.agreement_id, p.id, c.slug, c.name, c.kind, c.country, p.role, p.stake,
      h.slug, h.name, h.kind, h.country, c.name, p.id
    FROM {party} p
    -- Look companies up by id (OFFSET 0 keeps the planner from hashing the whole table).
    CROSS JOIN LATERAL (SELECT * FROM {company} WHERE id = p.company_id OFFSET 0) c
    LEFT JOIN LATERAL (SELECT * FROM {company} WHERE id = p.held_via_id OFFSET 0) h ON true
    WHERE p.agreement_id = ANY(%(ids)s)
    UNION ALL
    SELECT 1, l.agreement_id, NULL, x.slug, x.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, x.name, x.id
    FROM {agreement_deposits} l JOIN {deposit} x ON x.id = l.deposit_id
    WHERE l.agreement_id = ANY(%(ids)s)
    UNION ALL
    SELECT 2, l.agreement_id, NULL, x.slug, x.name, x.code, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, x.name, x.id
    FROM {agreement_commodities} l JOIN {commodity} x ON x.id = l.commodity_id
    WHERE l.agreement_id = ANY(%(ids)s)
    ORDER BY 1, 2, 9 DESC NULLS LAST, 14, 15  -- part, agreement, stake, name, id
    """.format(**names)


class Nested:
    """Parties, deposits and commodities of a set of agreements, each list in the API's order.

    Each maps an agreement id to its rows: parties as ``PARTY_FIELDS`` tuples,
    deposits as (agreement id, slug, name), commodities as (agreement id, slug,
    name, code). One prepared statement fetches all three (three ORM queries cost
    about 5 ms for a page of 100, mostly building and planning them).
    """

    def __init__(self, ids: list[int]):
        rows = fetch_prepared(_nested_sql(), {"ids": ids}, many=True)
        by_kind = {kind: list(group) for kind, group in groupby(rows, itemgetter(0))}
        self.parties = _grouped(row[1:13] for row in by_kind.get(0, ()))
        self.deposits = _grouped(row[1:2] + row[3:5] for row in by_kind.get(1, ()))
        self.commodities = _grouped(row[1:2] + row[3:6] for row in by_kind.get(2, ()))


class AgreementRows:
    """The agreements list form and CSV rows from the view's filtered, ordered queryset."""

    csv_headers = CSV_HEADERS
    chunk_size = 2000

    def rows(self, queryset):
        """The queryset as plain rows (dicts) for the paginator.

        The ordering fields come along: cursor pagination reads its position from the row.
        """
        ordering = [term.lstrip("-") for term in queryset.query.order_by if isinstance(term, str)]
        extra = [name for name in dict.fromkeys(ordering) if name not in FIELDS and name != "pk"]
        return queryset.prefetch_related(None).values(*FIELDS, *extra)

    def items(self, rows: list[dict]) -> list[dict]:
        """The list form (``AgreementListSerializer``) of a page of ``rows``."""
        nested = Nested([row["id"] for row in rows])
        zone = timezone.get_current_timezone()
        items = []
        for row in rows:
            agreement_id = row["id"]
            items.append(
                {
                    "slug": row["slug"],
                    "title": row["title"],
                    "deal": {
                        "slug": row["deal__slug"],
                        "name": row["deal__name"],
                        "publication": row["deal__publication"],
                    },
                    "kind": row["kind"],
                    "status": row["status"],
                    "binding": row["binding"],
                    "announced": loose_date(row["announced_on"], row["announced_on_precision"]),
                    "signed": loose_date(row["signed_on"], row["signed_on_precision"]),
                    "venue": row["venue"],
                    "publication": row["publication"],
                    "parties": [
                        {
                            "id": p[1],
                            "company": _company(*p[2:6]),
                            "role": p[6],
                            "stake": decimal_text(p[7]),
                            "held_via": _company(*p[8:12]) if p[8] is not None else None,
                        }
                        for p in nested.parties.get(agreement_id, ())
                    ],
                    "deposits": [
                        {"slug": d[1], "name": d[2]} for d in nested.deposits.get(agreement_id, ())
                    ],
                    "commodities": [
                        {"slug": c[1], "name": c[2], "code": c[3]}
                        for c in nested.commodities.get(agreement_id, ())
                    ],
                    "updated_at": iso_datetime(row["updated_at"], zone),
                }
            )
        return items

    def csv_rows(self, queryset) -> Iterator[list[list[str]]]:
        """Chunks of CSV cells, in ``csv_headers`` order, streamed from the database."""
        rows = queryset.prefetch_related(None).values_list(*FIELDS)
        rows = rows.iterator(chunk_size=self.chunk_size)
        zone = timezone.get_current_timezone()
        while chunk := list(islice(rows, self.chunk_size)):
            yield self._csv_chunk(chunk, Nested([row[ID] for row in chunk]), zone)

    @staticmethod
    def _csv_chunk(chunk, nested: Nested, zone) -> list[list[str]]:
        join = LIST_SEPARATOR.join
        no_parties = ("", "", "", "")
        parties = {
            agreement_id: (
                join([p[2] for p in group]),
                join([p[6] for p in group]),
                join(["" if p[7] is None else format(p[7], "f") for p in group]),
                join([p[8] or "" for p in group]),
            )
            for agreement_id, group in nested.parties.items()
        }
        deposits = {key: join([d[1] for d in group]) for key, group in nested.deposits.items()}
        commodities = {
            key: join([c[1] for c in group]) for key, group in nested.commodities.items()
        }
        cells = []
        for row in chunk:
            companies, roles, stakes, held_via = parties.get(row[ID], no_parties)
            announced, signed = row[ANNOUNCED], row[SIGNED]
            cells.append(
                [
                    row[SLUG],
                    row[TITLE],
                    row[DEAL_SLUG],
                    row[DEAL_NAME],
                    row[KIND],
                    row[STATUS],
                    FLAG[row[BINDING]],
                    announced.isoformat() if announced else "",
                    row[ANNOUNCED_PRECISION] if announced else "",
                    signed.isoformat() if signed else "",
                    row[SIGNED_PRECISION] if signed else "",
                    row[VENUE],
                    row[PUBLICATION],
                    companies,
                    roles,
                    stakes,
                    held_via,
                    deposits.get(row[ID], ""),
                    commodities.get(row[ID], ""),
                    iso_datetime(row[UPDATED_AT], zone),
                ]
            )
        return cells
