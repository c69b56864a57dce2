"""One import row's cells: parsed, with errors collected per column."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from deals.models import Agreement, Company, Source
from minerals_portal.common.loose_dates import LooseDate

YES = {"yes", "y", "true", "1", "да", "иә"}


class RowInvalid(Exception):
    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors


@dataclass
class Party:
    prefix: str
    company: Company | None
    role: str
    stake: Decimal | None


@dataclass
class Row:
    """A row's cells, parsed."""

    deal: str
    publication: str
    new_deal: bool = False
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
    parties: list[Party] = field(default_factory=list)
    amount: dict | None = None
    declared: dict[str, str] = field(default_factory=dict)  # model field -> text, see importer


class Values:
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

    def yes(self, column: str) -> bool:
        return self.text(column).lower() in YES

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
