"""Agreements and their parties (the stake total is checked as the unit ends)."""

from ..models import Agreement, AgreementParty
from .base import delete, save, unit


def save_agreement(actor, agreement: Agreement, *, parties=None, m2m=None, path=None) -> Agreement:
    """Create or change ``agreement``; ``parties`` (a list of dicts), when given, replaces
    its parties (see ``replace_parties``)."""
    with unit(actor, path):
        save(actor, agreement, m2m=m2m)
        if parties is not None:
            replace_parties(actor, agreement, parties)
    return agreement


def replace_parties(actor, agreement: Agreement, wanted: list[dict], *, path=None) -> None:
    """Make the agreement's parties exactly ``wanted`` (``company``, ``role``, ``stake``,
    ``held_via``), matched on (company, role): kept rows keep their citations and
    history, unchanged rows are not written."""
    with unit(actor, path):
        existing = {(p.company_id, p.role): p for p in agreement.parties.all()}
        wanted_by_key = {(d["company"].pk, d["role"]): d for d in wanted}
        for key, party in existing.items():
            if key not in wanted_by_key:
                delete(actor, party)
        for key, data in wanted_by_key.items():
            party = existing.get(key) or AgreementParty(agreement=agreement)
            changed = party.pk is None or any(getattr(party, k) != v for k, v in data.items())
            for name, value in data.items():
                setattr(party, name, value)
            if changed:
                save(actor, party)


def save_party(actor, party: AgreementParty, *, path=None) -> AgreementParty:
    return save(actor, party, path=path)


def delete_agreement(actor, agreement: Agreement, *, path=None) -> None:
    delete(actor, agreement, path=path)


def delete_party(actor, party: AgreementParty, *, path=None) -> None:
    delete(actor, party, path=path)
