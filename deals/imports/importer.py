"""Validate and write import rows through the service layer, every row reported, all or nothing.

Each row is written inside a nested unit of the services (a savepoint), as the
importing user: the same validation, rights (an editor cannot change a published
agreement) and database refusals as the admin, reported under the row's column
names. A row with errors is rolled back to its savepoint and the next row is tried,
so the report covers every row. At the end the whole transaction is rolled back on
a dry run or when any row failed, and committed otherwise — with history context
path "import" and one refresh of the derived views.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q

from deals.models import Agreement, AgreementParty, Amount, Company, Deal, Publication, Source
from deals.refresh_scheduling import request_refresh
from deals.services import check_now, proposed, save, unit
from deals.services.citations import add_citation
from deals.services.rights import transition_error
from deals.services.slugs import unique_slug
from minerals_portal.common.models import plain_number
from minerals_portal.common.search import fold

from .cells import Party, Row, RowInvalid, Values
from .columns import PARTY_SLOTS, declared_columns
from .located import located
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
        with unit(user, "import", file=name[:200]):
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
            with unit(self.user):  # a savepoint: a failed row leaves nothing behind
                before = {r.pk: len(r.changes) for r in proposed()}
                self._write(values, result)
                result.actions += [
                    f"changes to published {r.content_type.name} #{r.object_id} sent for "
                    f"review (revision #{r.pk}): unchanged until a publisher approves"
                    for r in proposed()
                    if before.get(r.pk) != len(r.changes)
                ]
                check_now()  # the checks spanning rows, blamed on this row
                connection.check_constraints()  # and the database's deferred ones
        except RowInvalid as exc:
            result.errors = exc.errors
        except ValidationError as exc:  # the stake total: blamed on the row's last stake
            stakes = [f"party{n}_stake" for n in PARTY_SLOTS if values.get(f"party{n}_stake")]
            result.errors = located(exc, {"stake": (stakes or ["party1_stake"])[-1]})
        except PermissionDenied as exc:
            result.errors = [("", str(exc))]
        if result.errors:
            result.actions = []
        return result

    # --- one row ---------------------------------------------------------------------

    def _write(self, values: dict[str, str], result: RowResult) -> None:
        """Every error of the row at once: after the first one, the row's remaining records
        are validated without being written (``_save``), and all are reported together."""
        cells = Values(values)
        row = self._parse(cells)
        self.errors = list(cells.errors)
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
        for record, name in fresh:  # written just now: no citation to compare against
            self._add_citation(record, row.source, row.quote, name)
        if self.errors:
            raise RowInvalid(self.errors)
        result.actions.append(f"cites {row.source.slug}")

    def _parse(self, v: Values) -> Row:
        """Every cell checked (types, choices, look-ups); errors collected in ``v``."""
        row = Row(deal=v.text("deal"), publication=v.choice("publication", Publication.values))
        row.new_deal = v.yes("new_deal")
        if not row.deal:
            v.error("deal", "Give the slug of an existing deal or a new deal's name.")
        elif not row.new_deal and self._find_deal(row.deal) is None:
            v.error("deal", self._no_such_deal(row.deal))
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
        row.declared = {f.column: v.text(name) for name, f in declared_columns().items()}
        for slot in PARTY_SLOTS:
            party = self._parse_party(v, slot)
            if party:
                row.parties.append(party)
        row.amount = self._parse_amount(v)
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

    def _parse_party(self, v, slot) -> Party | None:
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
        return Party(prefix, company, role, v.decimal(prefix + "stake"))

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

    def _find_deal(self, text: str) -> Deal | None:
        return Deal.objects.filter(Q(slug=text) | Q(name__iexact=text)).first()

    def _no_such_deal(self, text: str) -> str:
        """A misspelt slug must not make a new deal: say so, with the closest slugs."""
        slugs = list(Deal.objects.values_list("slug", flat=True))
        close = difflib.get_close_matches(text.lower(), slugs, n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(f'“{s}”' for s in close)}?" if close else ""
        return (
            f"No deal with the slug or name “{text}”.{hint} To create a new deal, "
            "put yes in the new_deal column."
        )

    def _deal(self, row) -> tuple[Deal, bool]:
        deal = self._find_deal(row.deal)
        if deal is not None:
            return deal, False
        deal = Deal(name=row.deal, slug=unique_slug(Deal, row.deal, "deal"))
        self._publication(deal, None, row.publication or Publication.DRAFT, "deal")
        self._save(deal, DEAL_COLUMNS)
        return deal, deal.pk is not None

    def _agreement(self, row, deal, result) -> Agreement:
        agreement = row.existing
        new = agreement is None
        if new:
            agreement = Agreement(deal=deal, slug=row.slug)
        elif agreement.deal_id != deal.pk:
            self._add([("agreement_slug", f"“{row.slug}” belongs to another deal.")])
        stored = None if new else agreement.publication
        for name in ("title", "venue", "kind", "status"):
            if getattr(row, name):
                setattr(agreement, name, getattr(row, name))
        for name, text in row.declared.items():
            if text:  # checked by the model's validation, as every field is
                setattr(agreement, name, text)
        for name in ("announced", "signed"):
            date = getattr(row, name)
            if date is not None:
                setattr(agreement, f"{name}_on", date.date)
                setattr(agreement, f"{name}_on_precision", date.precision)
        if not agreement.slug:
            agreement.slug = unique_slug(Agreement, agreement.title, "agreement")
        wanted = row.publication or (Publication.DRAFT if new else stored)
        self._publication(agreement, stored, wanted, "agreement")
        columns = {f.column: name for name, f in declared_columns().items()}
        self._save(agreement, {**columns, **AGREEMENT_COLUMNS}, trusted=["deal"])
        verb = "new" if new else "updated"
        result.actions.append(f"{verb} agreement “{agreement.title}” ({agreement.publication})")
        return agreement

    def _party(self, agreement, party, result) -> None:
        prefix, company, role = party.prefix, party.company, party.role
        record = AgreementParty(agreement=agreement, company=company, role=role)
        if agreement.pk and company is not None:
            stored = AgreementParty.objects.filter(agreement=agreement, company=company, role=role)
            record = stored.first() or record
        record.stake = party.stake
        columns = {"stake": prefix + "stake", "role": prefix + "role"}
        columns.update({"company": prefix + "company", "__all__": prefix + "company"})
        self._save(record, columns, trusted=["agreement", "company"])
        stake = f", {party.stake} %" if party.stake is not None else ""
        result.actions.append(f"party {company} ({role}{stake})")

    def _amount(self, row, deal, agreement, result) -> Amount | None:
        if row.amount is None:
            return None
        data = dict(row.amount)
        as_of = data.pop("as_of")
        if as_of is None or data["value"] is None:  # a cell error already says why
            return None
        amount = Amount(deal=deal, agreement=agreement, **data)
        amount.as_of, amount.as_of_precision = as_of.date, as_of.precision
        value = plain_number(amount.value) if amount.value is not None else ""
        text = f"{deal.slug} {amount.kind.replace('_', ' ')} {as_of.iso()} {value}"
        amount.slug = unique_slug(Amount, text, "amount")
        self._publication(amount, None, row.publication or Publication.DRAFT, "amount")
        self._save(amount, AMOUNT_COLUMNS, trusted=["deal", "agreement"])
        result.actions.append(f"amount {amount.currency} {amount.value} ({amount.kind})")
        return amount

    def _cite(self, record, source, quote, field_name) -> None:
        """Attach the row's citation unless the record already has it."""
        if self.errors:
            return
        if not record.citations.filter(source=source, quote=quote, field=field_name).exists():
            self._add_citation(record, source, quote, field_name)

    def _add_citation(self, record, source, quote, field_name) -> None:
        if self.errors or record is None or record.pk is None:
            return  # the row is refused already: nothing more is written
        try:
            add_citation(self.user, record, source, quote, field_name)
        except ValidationError as exc:
            self._add(located(exc, CITATION_COLUMNS))
        except PermissionDenied as exc:
            self._add([("citation_source", str(exc))])

    def _publication(self, record, stored, wanted, kind) -> None:
        error = transition_error(self.user, stored, wanted)
        if error:
            self._add([("publication", f"{kind}: {error}")])
        record.publication = wanted

    def _add(self, errors) -> None:
        """Add errors, leaving out a column's model error when its cell error is there."""
        known = {column for column, _ in self.errors}
        self.errors += [(c, m) for c, m in errors if c not in known]

    def _save(self, record, columns: dict[str, str], trusted=()) -> None:
        """Save ``record`` through the services as the importing user, refusals reported
        under the row's column names (``trusted`` foreign keys were just looked up or
        written, so are not fetched again). Once the row has an error, later records are
        only validated: every error of the row is found in one pass."""
        try:
            if not self.errors:
                save(self.user, record, exclude=trusted)
                return
            relations = [f.name for f in record._meta.concrete_fields if f.is_relation]
            record.full_clean(exclude=relations, validate_constraints=False)
        except ValidationError as exc:
            self._add(located(exc, columns, record))
        except PermissionDenied as exc:
            self._add([(columns.get("__all__") or columns.get("slug", ""), str(exc))])
