"""Validate and write import rows: the admin's rules, every row reported, all or nothing.

Each row is written inside a savepoint, through the models' ``full_clean`` (field
rules, ``clean()``, constraints) and the database's own checks, so a row is
judged exactly as the admin would judge it. A row with errors is rolled back to
its savepoint and the next row is tried, so the report covers every row. At the
end the whole transaction is rolled back on a dry run or when any row failed,
and committed otherwise — with history context path "import" and one refresh
of the derived views.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q, UniqueConstraint

from deals.history.context import history_context
from deals.models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Publication,
    Source,
)
from deals.publishing import transition_error
from deals.refresh_scheduling import request_refresh
from minerals_portal.api.writing import unique_slug
from minerals_portal.common.loose_dates import LooseDate
from minerals_portal.common.models import plain_number
from minerals_portal.common.search import fold

from .columns import PARTY_SLOTS
from .reading import FileRefused, read_rows

# Model field → column, per kind of record, for error messages.
AGREEMENT_COLUMNS = {
    "slug": "agreement_slug",
    "title": "agreement_title",
    "announced_on": "announced",
    "announced_on_precision": "announced",
    "signed_on": "signed",
    "signed_on_precision": "signed",
    "deal": "deal",
}
AMOUNT_COLUMNS = {
    "value": "amount_value",
    "value_max": "amount_value_max",
    "currency": "amount_currency",
    "qualifier": "amount_qualifier",
    "kind": "amount_kind",
    "as_of": "amount_as_of",
    "as_of_precision": "amount_as_of",
    "slug": "amount_value",
    "publication": "publication",
}
DEAL_COLUMNS = {"name": "deal", "slug": "deal"}
CITATION_COLUMNS = {
    "source": "citation_source",
    "quote": "citation_quote",
    "field": "citation_field",
}


_SQLITE_CONSTRAINT = re.compile(r"CHECK constraint failed: (\w+)")


@dataclass
class RowResult:
    number: int
    actions: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportResult:
    file_name: str
    rows: list[RowResult] = field(default_factory=list)
    file_error: str = ""
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and all(r.ok for r in self.rows)

    @property
    def failed_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


class _Rollback(Exception):
    pass


def import_file(name: str, data: bytes, user=None, *, commit: bool) -> ImportResult:
    """Check (and with ``commit``, import) the rows of file ``name``; see the module doc."""
    result = ImportResult(file_name=name)
    try:
        rows = read_rows(name, data)
    except FileRefused as exc:
        result.file_error = str(exc)
        return result
    try:
        with history_context(path="import", user=user, file=name[:200]), transaction.atomic():
            writer = _Writer(user)
            for number, values in rows:
                result.rows.append(writer.row(number, values))
            if not (commit and result.ok):
                raise _Rollback
            request_refresh()  # bulk writes: ask once, explicitly
    except _Rollback:
        return result
    result.committed = True
    return result


class _Writer:
    """Writes rows one by one; remembers look-ups across rows."""

    def __init__(self, user):
        self.user = user
        self.companies: dict[str, Company | None] = {}
        self.sources: dict[str, Source | None] = {}

    def row(self, number: int, values: dict[str, str]) -> RowResult:
        result = RowResult(number)
        try:
            with transaction.atomic():  # a savepoint: a failed row leaves nothing behind
                self._write(values, result)
                if connection.vendor == "postgresql":
                    connection.check_constraints()  # deferred checks now, blamed on this row
        except RowInvalid as exc:
            result.errors = exc.errors
        except ValidationError as exc:
            result.errors = [("", message) for message in exc.messages]
        except DatabaseError as exc:
            result.errors = [("", f"The database refused the row: {_first_line(exc)}")]
        if result.errors:
            result.actions = []
        return result

    # --- one row ---------------------------------------------------------------------

    def _write(self, values: dict[str, str], result: RowResult) -> None:
        row = self._parse(_Values(values))
        deal, created_deal = self._deal(row)
        if created_deal:
            result.actions.append(f"new deal “{deal.name}” ({deal.publication})")
        agreement = self._agreement(row, deal, result)
        for party in row.parties:
            self._party(agreement, party, result)
        amount = self._amount(row, deal, agreement, result)
        if row.existing is None:
            fresh = [(agreement, row.citation_field)]
        else:
            self._cite(agreement, row.source, row.quote, row.citation_field)
            fresh = []
        fresh += [(amount, "value")] if amount else []
        fresh += [(deal, "")] if created_deal else []
        # Rows written just now have no citation yet: nothing to compare against.
        Citation.objects.bulk_create(
            Citation(content_object=r, source=row.source, quote=row.quote, field=name)
            for r, name in fresh
        )
        result.actions.append(f"cites {row.source.slug}")

    def _parse(self, v: _Values) -> _Row:
        """Every cell checked (types, choices, look-ups) before anything is written."""
        row = _Row(deal=v.text("deal"), publication=v.choice("publication", Publication.values))
        if not row.deal:
            v.error("deal", "Give the slug of an existing deal or a new deal's name.")
        row.source, row.quote = self._source(v), v.text("citation_quote")
        row.citation_field = v.text("citation_field")
        if not row.quote:
            v.error("citation_quote", "Every row quotes the sentence it relies on.")
        row.slug = v.text("agreement_slug")
        row.existing = Agreement.objects.filter(slug=row.slug).first() if row.slug else None
        row.title, row.venue = v.text("agreement_title"), v.text("venue")
        row.kind = v.choice("kind", Agreement.Kind.values)
        row.status = v.choice("status", Agreement.Status.values)
        if row.existing is None:
            for column in ("agreement_title", "kind", "status"):
                if not v.text(column):
                    v.error(column, "A new agreement needs a title, a kind and a status.")
        row.announced, row.signed = v.loose("announced"), v.loose("signed")
        for slot in PARTY_SLOTS:
            party = self._parse_party(v, slot)
            if party:
                row.parties.append(party)
        row.amount = self._parse_amount(v)
        v.check()
        return row

    def _source(self, v) -> Source | None:
        slug = v.text("citation_source")
        if not slug:
            v.error("citation_source", "Every row cites a source: give its slug.")
            return None
        if slug not in self.sources:
            self.sources[slug] = Source.objects.filter(slug=slug).first()
        if self.sources[slug] is None:
            v.error("citation_source", f"No source with slug “{slug}”.")
        return self.sources[slug]

    def _parse_party(self, v, slot) -> _Party | None:
        prefix = f"party{slot}_"
        name = v.text(prefix + "company")
        if not name:
            if v.text(prefix + "role") or v.text(prefix + "stake"):
                v.error(prefix + "company", "A party needs a company.")
            return None
        company = self._company(name)
        if company is None:
            v.error(prefix + "company", f"No company with the slug or name “{name}”.")
        role = v.choice(prefix + "role", AgreementParty.Role.values)
        if not v.text(prefix + "role"):
            v.error(prefix + "role", "A party needs a role.")
        return _Party(prefix, company, role, v.decimal(prefix + "stake"))

    def _company(self, text: str) -> Company | None:
        if text not in self.companies:
            found = Company.objects.filter(Q(slug=text) | Q(name__iexact=text)).first()
            if found is None:
                key = fold(text)
                matches = list(Company.objects.filter(search_key__contains=f"|{key}|")[:2])
                found = matches[0] if key and len(matches) == 1 else None
            self.companies[text] = found
        return self.companies[text]

    def _parse_amount(self, v) -> dict | None:
        if not v.text("amount_value"):
            if any(v.text(c) for c in ("amount_currency", "amount_kind", "amount_as_of")):
                v.error("amount_value", "An amount needs its value.")
            return None
        for column in ("amount_currency", "amount_kind", "amount_as_of"):
            if not v.text(column):
                v.error(column, "An amount needs a currency, a kind and an as-of date.")
        return {
            "value": v.decimal("amount_value"),
            "value_max": v.decimal("amount_value_max"),
            "currency": v.text("amount_currency").upper(),
            "qualifier": v.choice("amount_qualifier", Amount.Qualifier.values) or "exact",
            "kind": v.choice("amount_kind", Amount.Kind.values),
            "as_of": v.loose("amount_as_of"),
        }

    # --- writing (model rules: ``full_clean``) -------------------------------------------

    def _deal(self, row) -> tuple[Deal, bool]:
        deal = Deal.objects.filter(Q(slug=row.deal) | Q(name__iexact=row.deal)).first()
        if deal is not None:
            return deal, False
        deal = Deal(name=row.deal, slug=unique_slug(Deal, row.deal, "deal"))
        self._publication(deal, None, row.publication or Publication.DRAFT, "deal")
        _save(deal, DEAL_COLUMNS)
        return deal, True

    def _agreement(self, row, deal, result) -> Agreement:
        agreement = row.existing
        new = agreement is None
        if new:
            agreement = Agreement(deal=deal, slug=row.slug)
        elif agreement.deal_id != deal.pk:
            raise RowInvalid([("agreement_slug", f"“{row.slug}” belongs to another deal.")])
        stored = None if new else agreement.publication
        for name in ("title", "venue", "kind", "status"):
            if getattr(row, name):
                setattr(agreement, name, getattr(row, name))
        for name in ("announced", "signed"):
            date = getattr(row, name)
            if date is not None:
                setattr(agreement, f"{name}_on", date.date)
                setattr(agreement, f"{name}_on_precision", date.precision)
        if not agreement.slug:
            agreement.slug = unique_slug(Agreement, agreement.title, "agreement")
        wanted = row.publication or (Publication.DRAFT if new else stored)
        self._publication(agreement, stored, wanted, "agreement")
        _save(agreement, AGREEMENT_COLUMNS, trusted=["deal"])
        verb = "new" if new else "updated"
        result.actions.append(f"{verb} agreement “{agreement.title}” ({agreement.publication})")
        return agreement

    def _party(self, agreement, party, result) -> None:
        prefix, company, role = party.prefix, party.company, party.role
        record = AgreementParty.objects.filter(agreement=agreement, company=company, role=role)
        record = record.first() or AgreementParty(agreement=agreement, company=company, role=role)
        record.stake = party.stake
        columns = {"stake": prefix + "stake", "role": prefix + "role"}
        columns.update({"company": prefix + "company", "__all__": prefix + "company"})
        _save(record, columns, trusted=["agreement", "company"])
        stake = f", {party.stake} %" if party.stake is not None else ""
        result.actions.append(f"party {company} ({role}{stake})")

    def _amount(self, row, deal, agreement, result) -> Amount | None:
        if row.amount is None:
            return None
        data = dict(row.amount)
        as_of = data.pop("as_of")
        amount = Amount(deal=deal, agreement=agreement, **data)
        amount.as_of, amount.as_of_precision = as_of.date, as_of.precision
        value = plain_number(amount.value) if amount.value is not None else ""
        text = f"{deal.slug} {amount.kind.replace('_', ' ')} {as_of.iso()} {value}"
        amount.slug = unique_slug(Amount, text, "amount")
        self._publication(amount, None, row.publication or Publication.DRAFT, "amount")
        _save(amount, AMOUNT_COLUMNS, trusted=["deal", "agreement"])
        result.actions.append(f"amount {amount.currency} {amount.value} ({amount.kind})")
        return amount

    def _cite(self, record, source, quote, field_name) -> None:
        """Attach the row's citation (source and quote were checked when parsing)."""
        citation = Citation(content_object=record, source=source, quote=quote, field=field_name)
        same = Citation.objects.filter(
            content_type=citation.content_type,
            object_id=record.pk,
            source=source,
            quote=quote,
            field=field_name,
        )
        if not same.exists():
            _save(citation, CITATION_COLUMNS, trusted=["content_type", "source"])

    def _publication(self, record, stored, wanted, kind) -> None:
        error = transition_error(self.user, stored, wanted)
        if error:
            raise RowInvalid([("publication", f"{kind}: {error}")])
        record.publication = wanted


@dataclass
class _Party:
    prefix: str
    company: Company | None
    role: str
    stake: Decimal | None


@dataclass
class _Row:
    """A row's cells, parsed."""

    deal: str
    publication: str
    source: Source | None = None
    quote: str = ""
    citation_field: str = ""
    slug: str = ""
    existing: Agreement | None = None
    title: str = ""
    venue: str = ""
    kind: str = ""
    status: str = ""
    announced: LooseDate | None = None
    signed: LooseDate | None = None
    parties: list[_Party] = field(default_factory=list)
    amount: dict | None = None


class _Values:
    """One row's cells, parsed with errors collected per column."""

    def __init__(self, values: dict[str, str]):
        self.values = values
        self.errors: list[tuple[str, str]] = []

    def text(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def error(self, column: str, message: str) -> None:
        self.errors.append((column, message))

    def check(self) -> None:
        if self.errors:
            raise RowInvalid(self.errors)

    def choice(self, column: str, choices) -> str:
        value = self.text(column).lower().replace(" ", "_").replace("-", "_")
        if value and value not in choices:
            self.error(column, f"“{self.text(column)}” is not one of: {', '.join(choices)}.")
            return ""
        return value

    def decimal(self, column: str) -> Decimal | None:
        text = self.text(column).replace(" ", "").replace("\u00a0", "").rstrip("%")
        if not text:
            return None
        try:
            value = Decimal(text.replace(",", ".") if text.count(",") == 1 else text)
        except InvalidOperation:
            self.error(column, f"“{self.text(column)}” is not a number.")
            return None
        if not value.is_finite():
            self.error(column, f"“{self.text(column)}” is not a number.")
            return None
        return value

    def loose(self, column: str) -> LooseDate | None:
        text = self.text(column)
        if not text:
            return None
        try:
            return LooseDate.parse(text)
        except ValueError:
            self.error(column, f"“{text}” is not a date as YYYY, YYYY-MM or YYYY-MM-DD.")
            return None


def _save(record, columns: dict[str, str], trusted=()) -> None:
    """Validate and save ``record``, reporting errors under the row's column names.

    Field rules, ``clean()`` and unique constraints are checked as ``full_clean``
    checks them (``trusted`` foreign keys were just looked up or written, so are
    not fetched again). Check constraints are left to the database — one round
    trip instead of one query each — and a violation is reported with the
    constraint's own message, as the admin would show it.
    """
    try:
        record.full_clean(exclude=list(trusted), validate_constraints=False)
    except ValidationError as exc:
        raise RowInvalid(_located(exc.message_dict, columns)) from None
    for constraint in record._meta.constraints:
        if isinstance(constraint, UniqueConstraint):
            try:
                constraint.validate(type(record), record)
            except ValidationError as exc:
                column = columns.get(_first_field(constraint), "")
                raise RowInvalid([(column, m) for m in exc.messages]) from None
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        name = name or next(iter(_SQLITE_CONSTRAINT.findall(str(exc))), None)
        constraint = next((c for c in record._meta.constraints if c.name == name), None)
        if constraint is None:
            raise
        message = constraint.get_violation_error_message()
        raise RowInvalid([(columns.get(_first_field(constraint), ""), message)]) from None


def _located(message_dict, columns) -> list[tuple[str, str]]:
    errors = []
    for name, messages in message_dict.items():
        column = columns.get(name, name if name != "__all__" else "")
        errors += [(column, message) for message in messages]
    return errors


def _first_field(constraint) -> str:
    """The first field a constraint names (``value_max__gt`` → value_max, Lower("title") →
    title): where its error belongs."""
    if getattr(constraint, "fields", None):
        return constraint.fields[0]
    stack = [getattr(constraint, "condition", None), *getattr(constraint, "expressions", ())]
    while stack:
        node = stack.pop(0)
        if isinstance(node, tuple):
            return node[0].split("__")[0]
        if isinstance(node, F):
            return node.name
        inner = [*getattr(node, "children", [])]
        inner += getattr(node, "get_source_expressions", lambda: [])()
        stack = inner + stack  # depth first: the first field written wins
    return ""


def _first_line(exc) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
