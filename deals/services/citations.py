"""Citations: the quoted sentence a record relies on.

A published record keeps at least one: removing or moving its last citation is
refused as the unit ends (``base.Unit``), with the record named.
"""

from ..models import Citation
from .base import delete, save, unit


def add_citation(actor, record, source, quote: str, field: str = "", *, path=None) -> Citation:
    citation = Citation(content_object=record, source=source, quote=quote.strip(), field=field)
    return save(actor, citation, path=path)


def save_citation(actor, citation: Citation, *, path=None) -> Citation:
    return save(actor, citation, path=path)


def delete_citation(actor, citation: Citation, *, path=None) -> None:
    delete(actor, citation, path=path)


def replace_citations(actor, record, wanted, *, path=None) -> tuple[list, list]:
    """Make ``record``'s citations exactly ``wanted`` ((source, quote, field) triples).

    Returns (added, removed) citations; citations already there are kept untouched.
    """
    with unit(actor, path):
        existing = {(c.source_id, c.quote, c.field): c for c in record.citations.all()}
        wanted_keys = {(source.pk, quote, field): source for source, quote, field in wanted}
        removed = [c for key, c in existing.items() if key not in wanted_keys]
        for citation in removed:
            delete(actor, citation)
        added = [
            add_citation(actor, record, source, quote, field)
            for (_, quote, field), source in wanted_keys.items()
            if (source.pk, quote, field) not in existing
        ]
    return added, removed
