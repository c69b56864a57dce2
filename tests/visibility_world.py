"""A world for the visibility matrix: one published deal, and hidden records with telling names.

Every hidden record, its quote and the company it reaches carry a string found
nowhere else, so a response body that contains one has leaked it.
"""

import datetime as dt
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType

from deals.models import Agreement, AgreementParty, Amount, Citation, Company, Deal, Event, Source
from deals.services.changes import sequence
from deposits.models import Deposit

# Strings partners and the public must never meet, by the hidden record they come from.
SECRETS = {
    "agreement": ["Quasar Lattice Accord", "Omega Zeta signed the lattice accord"],
    "party": ["Omega Zeta took forty percent"],
    "amount": ["Quillfeather pledged nine hundred million", "987654321"],
    "event": ["Nebula Crest Ceremony", "The Nebula Crest ceremony was held quietly"],
    "deal": ["Zircon Mirage Venture", "Zircon Mirage stayed on paper"],
    "deal_agreement": ["Mirage Offtake Pact", "The Mirage pact was initialled"],
}
# Companies reached only through hidden records: they stay listed as companies, but no
# other path may name them.
HIDDEN_COMPANIES = {
    "omega-zeta-holdings": "Omega Zeta Holdings",
    "quillfeather-capital": "Quillfeather Capital",
    "velvet-orbit-partners": "Velvet Orbit Partners",
    "saffron-delta-metals": "Saffron Delta Metals",
}
SEARCH_WORDS = [
    "omega", "quasar", "quillfeather", "nebula", "velvet", "zircon", "mirage", "saffron"
]  # fmt: skip


def cite(record, source, quote):
    content_type = ContentType.objects.get_for_model(record)
    return Citation.objects.create(
        content_type=content_type, object_id=record.pk, source=source, quote=quote
    )


def _company(slug, name):
    return Company.objects.create(slug=slug, name=name, kind="investor", country="KZ")


def _agreement(deal, slug, title, publication):
    return Agreement.objects.create(
        deal=deal, slug=slug, title=title, kind="memorandum", status="signed",
        signed_on=dt.date(2025, 11, 6), signed_on_precision="day", publication=publication,
    )  # fmt: skip


def build_world(state: str) -> SimpleNamespace:
    """The world with its hidden records in ``state`` (draft, in_review or withdrawn).

    Withdrawn records are created published and then withdrawn, as a publisher would.
    """
    start = "published" if state == "withdrawn" else state
    w = SimpleNamespace(state=state)
    w.source = Source.objects.create(
        slug="harbour-wire", publisher="Harbour Wire", title="Harbour Wire report",
        language="en", published=dt.date(2025, 11, 7),
    )  # fmt: skip
    w.deposit = Deposit.objects.create(name="Glimmer Basin", slug="glimmer-basin")
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

    if state == "withdrawn":
        sequence()  # the change feed told partners of them while they were published
        for record in (w.hidden_agreement, w.amount, w.event, w.hidden_deal):
            record.publication = "withdrawn"
            record.save()
    return w


def secrets() -> list[str]:
    return [text for texts in SECRETS.values() for text in texts]
