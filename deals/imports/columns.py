"""The import's row format: one agreement per row, with up to two parties, one amount and
the citation every row must carry. Several rows may name the same agreement (by slug) to
add more parties or amounts to it."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from deals.models import AgreementParty, Amount
from deals.representations.agreement import AgreementRepresentation
from minerals_portal.api.renderers import csv_writer
from minerals_portal.api.representation import LooseDate

PARTY_SLOTS = (1, 2)

DEAL_COLUMNS = [
    ("deal", "Slug or name of an existing deal; with new_deal = yes, the name of a new one."),
    (
        "new_deal",
        "yes: create the deal named in “deal” (as a draft) when there is none. Empty: the "
        "deal must exist, and a misspelt slug is refused with the closest existing ones.",
    ),
]
OTHER_COLUMNS: list[tuple[str, str]] = [
    *[
        column
        for n in PARTY_SLOTS
        for column in [
            (f"party{n}_company", "Slug or name (any script) of an existing company."),
            (f"party{n}_role", "One of: " + ", ".join(AgreementParty.Role.values)),
            (f"party{n}_stake", "Stake in %, e.g. 30 or 12.5; empty when not known."),
        ]
    ],
    ("amount_value", "Money committed or offered, e.g. 1100000000; empty: no amount."),
    ("amount_value_max", "Upper end, for a range only."),
    ("amount_currency", "ISO 4217 code, e.g. USD or KZT."),
    ("amount_qualifier", "One of: " + ", ".join(Amount.Qualifier.values) + " (default exact)."),
    ("amount_kind", "One of: " + ", ".join(Amount.Kind.values)),
    ("amount_as_of", "Date as YYYY, YYYY-MM or YYYY-MM-DD."),
    ("citation_source", "Slug of the source (article) the row relies on. Required."),
    ("citation_quote", "The sentence, verbatim in the source's language. Required."),
    ("citation_field", "The agreement field the quote supports, e.g. signed_on (optional)."),
]


def columns() -> list[tuple[str, str]]:
    """Every column with its meaning; the agreement's own come from its representation."""
    return [*DEAL_COLUMNS, *AgreementRepresentation.import_columns(), *OTHER_COLUMNS]


# Agreement columns parsed by hand in ``_parse``; any other declared one is read as text.
PARSED = {"agreement_slug", "agreement_title", "kind", "status", "announced", "signed"}
PARSED |= {"venue", "publication"}


def declared_columns() -> dict:
    """Agreement columns added to the representation since, by column name."""
    fields = AgreementRepresentation.import_fields().items()
    return {name: f for name, f in fields if name not in PARSED and not isinstance(f, LooseDate)}


COLUMNS = columns()
NAMES = [name for name, _ in COLUMNS]
REQUIRED_HEADERS = ("deal", "citation_source", "citation_quote")

EXAMPLE = {
    "deal": "tungsten-project",
    "agreement_title": "Agreement on joint development of Severny Katpar",
    "kind": "framework",
    "status": "signed",
    "signed": "2025-11",
    "venue": "C5+1 summit, Washington",
    "publication": "draft",
    "party1_company": "tau-ken-samruk",
    "party1_role": "state_partner",
    "party1_stake": "30",
    "party2_company": "Cove Capital",
    "party2_role": "investor",
    "party2_stake": "70",
    "amount_value": "1100000000",
    "amount_currency": "USD",
    "amount_qualifier": "approximately",
    "amount_kind": "investment_commitment",
    "amount_as_of": "2025-11",
    "citation_source": "kazinform-2025-11-07",
    "citation_quote": "Документ был подписан на полях саммита C5+1 в Вашингтоне.",
    "citation_field": "signed_on",
}


def template_csv() -> bytes:
    names = [name for name, _ in columns()]
    writer = csv_writer()
    text = writer.writerow(names) + writer.writerow([EXAMPLE.get(name, "") for name in names])
    return text.encode("utf-8-sig")  # the BOM lets spreadsheet programs see UTF-8


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "agreements"
    names = [name for name, _ in columns()]
    sheet.append(names)
    sheet.append([EXAMPLE.get(name, "") for name in names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "meaning"])
    for name, meaning in columns():
        help_sheet.append([name, meaning])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
