"""The import's row format: one agreement per row, with up to two parties, one amount and
the citation every row must carry. Several rows may name the same agreement (by slug) to
add more parties or amounts to it."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from deals.models import Agreement, AgreementParty, Amount
from minerals_portal.api.renderers import csv_writer

PARTY_SLOTS = (1, 2)

COLUMNS: list[tuple[str, str]] = [
    ("deal", "Slug or name of an existing deal; with new_deal = yes, the name of a new one."),
    (
        "new_deal",
        "yes: create the deal named in “deal” (as a draft) when there is none. Empty: the "
        "deal must exist, and a misspelt slug is refused with the closest existing ones.",
    ),
    ("agreement_slug", "Empty: made from the title. An existing slug updates that agreement."),
    ("agreement_title", "Required for a new agreement."),
    ("kind", "One of: " + ", ".join(Agreement.Kind.values)),
    ("status", "One of: " + ", ".join(Agreement.Status.values)),
    ("announced", "Date as YYYY, YYYY-MM or YYYY-MM-DD."),
    ("signed", "Date as YYYY, YYYY-MM or YYYY-MM-DD."),
    ("venue", "Venue or occasion."),
    ("publication", "draft (default) or in_review; published only for publishers."),
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
    writer = csv_writer()
    text = writer.writerow(NAMES) + writer.writerow([EXAMPLE.get(name, "") for name in NAMES])
    return text.encode("utf-8-sig")  # the BOM lets spreadsheet programs see UTF-8


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "agreements"
    sheet.append(NAMES)
    sheet.append([EXAMPLE.get(name, "") for name in NAMES])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "meaning"])
    for name, meaning in COLUMNS:
        help_sheet.append([name, meaning])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
