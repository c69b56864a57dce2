"""A world for the visibility matrix: one published deal, and hidden records with telling names.

Every hidden record, its quote and the company it reaches carry a string found
nowhere else, so a response body that contains one has leaked it.
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType

from deals.models import Agreement, AgreementParty, Amount, Citation, Company, Deal, Event, Source
from deals.services.changes import sequence
from deposits.models import Deposit, ResourceEstimate

# Strings partners and the public must never meet, by the hidden record they come from.
SECRETS = {
    "agreement": ["Quasar Lattice Accord", "Omega Zeta signed the lattice accord"],
    "party": ["Omega Zeta took forty percent"],
    "amount": ["Quillfeather pledged nine hundred million", "987654321"],
    "event": ["Nebula Crest Ceremony", "The Nebula Crest ceremony was held quietly"],
    "deal": ["Zircon Mirage Venture", "Zircon Mirage stayed on paper"],
    "deal_agreement": ["Mirage Offtake Pact", "The Mirage pact was initialled"],
    # Hidden companies, deposits, estimates and sources, and what reaches them.
    "company": ["Cobalt Wren Resources", "Cobalt Wren took a quiet stake"],
    "deposit": ["Obsidian Fen", "Obsidian Fen money was pledged", "24681357"],
    "estimate": ["Glimmer Basin holds a secret tonnage", "glimmer-secret-estimate"],
    "source": ["Velour Gazette", "The Velour Gazette heard of it first"],
}
# The hidden company, deposit and source by slug (their own pages and filters).
HIDDEN_RECORDS = {
    "company": "cobalt-wren-resources",
    "deposit": "obsidian-fen",
    "source": "velour-gazette",
}
COMPANY, DEPOSIT, SOURCE = HIDDEN_RECORDS.values()
# Companies reached only through hidden records: they stay listed as companies, but no
# other path may name them.
HIDDEN_COMPANIES = {
    "omega-zeta-holdings": "Omega Zeta Holdings",
    "quillfeather-capital": "Quillfeather Capital",
    "velvet-orbit-partners": "Velvet Orbit Partners",
    "saffron-delta-metals": "Saffron Delta Metals",
}
SEARCH_WORDS = [
    "omega", "quasar", "quillfeather", "nebula", "velvet", "zircon", "mirage", "saffron",
    "cobalt", "obsidian", "velour",
]  # fmt: skip


def cite(record, source, quote):
    content_type = ContentType.objects.get_for_model(record)
    return Citation.objects.create(
        content_type=content_type, object_id=record.pk, source=source, quote=quote
    )


def _company(slug, name, publication="published"):
    return Company.objects.create(
        slug=slug, name=name, kind="investor", country="KZ", publication=publication
    )


def _agreement(deal, slug, title, publication):
    return Agreement.objects.create(
        deal=deal, slug=slug, title=title, kind="memorandum", status="signed",
        signed_on=dt.date(2025, 11, 6), signed_on_precision="day", publication=publication,
    )  # fmt: skip


def build_world(state: str) -> SimpleNamespace:
    """The world with its hidden records in ``state`` (draft, in_review or withdrawn).

    Withdrawn records are created published and then withdrawn, as a publisher would.
    Besides hidden deals, agreements, amounts and events: a hidden company party to the
    published agreement, a hidden deposit of the published deal (with a published amount
    and estimate), a hidden estimate of the published deposit, a hidden source cited on
    the published deal.
    """
    start = "published" if state == "withdrawn" else state
    w = SimpleNamespace(state=state)
    w.source = Source.objects.create(
        slug="harbour-wire", publisher="Harbour Wire", title="Harbour Wire report",
        language="en", published=dt.date(2025, 11, 7), publication="published",
    )  # fmt: skip
    w.deposit = Deposit.objects.create(
        name="Glimmer Basin", slug="glimmer-basin", publication="published"
    )
    w.lantern = _company("harbor-lantern-mining", "Harbor Lantern Mining")
    w.companies = {slug: _company(slug, name) for slug, name in HIDDEN_COMPANIES.items()}
    omega, quill, velvet, saffron = w.companies.values()

    w.deal = Deal.objects.create(
        name="Tungsten Harbour Project", slug="harbour-deal", publication="published"
    )
    w.deal.deposits.add(w.deposit)
    cite(w.deal, w.source, "The Harbour project was announced in public.")
    w.agreement = _agreement(w.deal, "harbour-framework", "Harbour Framework Accord", "published")
    AgreementParty.objects.create(agreement=w.agreement, company=w.lantern, role="investor")
    cite(w.agreement, w.source, "The Harbour framework was signed in public.")

    # Hidden records of the published deal.
    w.hidden_agreement = _agreement(w.deal, "accord-q", "Quasar Lattice Accord", start)
    w.hidden_agreement.deposits.add(w.deposit)
    w.party = AgreementParty.objects.create(
        agreement=w.hidden_agreement, company=omega, role="investor", stake=40
    )
    cite(w.hidden_agreement, w.source, SECRETS["agreement"][1] + ".")
    cite(w.party, w.source, SECRETS["party"][0] + ".")
    w.amount = Amount.objects.create(
        deal=w.deal, slug="amount-q", investor=quill, deposit=w.deposit, value=987654321,
        currency="USD", kind="investment_commitment", as_of=dt.date(2025, 12, 1),
        as_of_precision="month", publication=start,
    )  # fmt: skip
    cite(w.amount, w.source, SECRETS["amount"][0] + ".")
    w.event = Event.objects.create(
        deal=w.deal, slug="event-q", title="Nebula Crest Ceremony", kind="signing",
        on=dt.date(2025, 12, 3), on_precision="day", publication=start,
    )  # fmt: skip
    w.event.companies.add(velvet)
    w.event.deposits.add(w.deposit)
    cite(w.event, w.source, SECRETS["event"][1] + ".")

    # A hidden deal whose own agreement is published (hidden because of its deal).
    w.hidden_deal = Deal.objects.create(
        name="Zircon Mirage Venture", slug="deal-z", publication=start
    )
    w.hidden_deal.deposits.add(w.deposit)
    cite(w.hidden_deal, w.source, SECRETS["deal"][1] + ".")
    w.deal_agreement = _agreement(w.hidden_deal, "pact-z", "Mirage Offtake Pact", "published")
    w.deal_party = AgreementParty.objects.create(
        agreement=w.deal_agreement, company=saffron, role="investor", stake=10
    )
    cite(w.deal_agreement, w.source, SECRETS["deal_agreement"][1] + ".")

    _hidden_catalogue(w, start)

    if state == "withdrawn":
        sequence()  # the change feed told partners of them while they were published
        hidden = (w.hidden_company, w.hidden_deposit, w.hidden_estimate, w.hidden_source)
        for record in (w.hidden_agreement, w.amount, w.event, w.hidden_deal, *hidden):
            record.publication = "withdrawn"
            record.save()
    return w


def _hidden_catalogue(w, start):
    """A hidden company, deposit, estimate and source, reached from published records."""
    w.hidden_company = _company(HIDDEN_RECORDS["company"], "Cobalt Wren Resources", start)
    w.company_party = AgreementParty.objects.create(
        agreement=w.agreement, company=w.hidden_company, role="investor", stake=5
    )
    cite(w.hidden_company, w.source, "Cobalt Wren Resources is a trading house.")
    cite(w.company_party, w.source, SECRETS["company"][1] + ".")
    w.hidden_deposit = Deposit.objects.create(
        name="Obsidian Fen", slug=HIDDEN_RECORDS["deposit"], publication=start
    )
    cite(w.hidden_deposit, w.source, "Obsidian Fen lies in the north.")
    w.deal.deposits.add(w.hidden_deposit)
    w.agreement.deposits.add(w.hidden_deposit)
    w.deposit_amount = Amount.objects.create(
        deal=w.deal, slug="amount-fen", deposit=w.hidden_deposit, value=24681357,
        currency="USD", kind="investment_commitment", as_of=dt.date(2025, 12, 1),
        as_of_precision="month", publication="published",
    )  # fmt: skip
    cite(w.deposit_amount, w.source, SECRETS["deposit"][1] + ".")
    w.fen_estimate = _estimate(w.hidden_deposit, "fen-estimate", "published")
    w.hidden_estimate = _estimate(w.deposit, "glimmer-secret-estimate", start)
    cite(w.hidden_estimate, w.source, SECRETS["estimate"][0] + ".")
    w.hidden_source = Source.objects.create(
        slug=HIDDEN_RECORDS["source"], publisher="Velour Gazette", title="Velour Gazette note",
        language="en", published=dt.date(2025, 11, 8), publication=start,
    )  # fmt: skip
    cite(w.deal, w.hidden_source, SECRETS["source"][1] + ".")


def _estimate(deposit, slug, publication):
    return ResourceEstimate.objects.create(
        deposit=deposit, slug=slug, quantity=1500, quantity_unit="kt", measured="ore",
        category="inferred", publication=publication,
    )  # fmt: skip


def secrets() -> list[str]:
    return [text for texts in SECRETS.values() for text in texts]
