"""The import's row format: one agreement per row, with up to two parties, one amount and
the citation every row must carry. Several rows may name the same agreement (by slug) to
add more parties or amounts to it."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from deals.models import AgreementParty, Amount, Company, Deal, Source
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
    "deal": "katpar-kairakty-tungsten",
    "agreement_title": "Agreement on joint development of Severny Katpar",
    "kind": "framework",
    "status": "signed",
    "signed": "2025-11",
    "venue": "C5+1 summit, Washington",
    "publication": "draft",
    "party1_company": "tau-ken-samruk",
    "party1_role": "state_partner",
    "party1_stake": "30",
    "party2_company": "cove-capital",
    "party2_role": "investor",
    "party2_stake": "70",
    "amount_value": "1100000000",
    "amount_currency": "USD",
    "amount_qualifier": "approximately",
    "amount_kind": "investment_commitment",
    "amount_as_of": "2025-11",
    "citation_source": "baq-2025-11-07",
    "citation_quote": "«Тау-Кен Самрук» и Cove Capital подписали соглашение о совместной "
    "разработке вольфрамовых месторождений Северный Катпар и Верхнее Кайракты.",
    "citation_field": "signed_on",
}
# Example cell → the model its slug names.
REFERENCES = {
    "deal": Deal,
    "party1_company": Company,
    "party2_company": Company,
    "citation_source": Source,
}


def example_row() -> dict[str, str]:
    """``EXAMPLE`` naming records that exist here, so the template imports as downloaded:
    a slug this database lacks is replaced by one of its own records of that kind (the
    parties by two different companies); with no such record the cells stay as they are."""
    row = dict(EXAMPLE)
    taken: set[str] = set()
    for column, model in REFERENCES.items():
        stored = model.objects.filter(slug=row[column]).exclude(slug__in=taken).first()
        stored = stored or model.objects.exclude(slug__in=taken).order_by("pk").first()
        if stored is not None:
            row[column] = stored.slug
            taken.add(stored.slug)
    return row


def template_csv() -> bytes:
    names = [name for name, _ in columns()]
    writer = csv_writer()
    example = example_row()
    text = writer.writerow(names) + writer.writerow([example.get(name, "") for name in names])
    return text.encode("utf-8-sig")  # the BOM lets spreadsheet programs see UTF-8


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "agreements"
    names = [name for name, _ in columns()]
    sheet.append(names)
    example = example_row()
    sheet.append([example.get(name, "") for name in names])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    help_sheet = book.create_sheet("columns")
    help_sheet.append(["column", "meaning"])
    for name, meaning in columns():
        help_sheet.append([name, meaning])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
