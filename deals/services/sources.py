"""Sources (articles, releases, filings, data sets) and how they relate to each other."""

from ..models import Source, SourceRelation
from .base import delete, save, unit


def save_source(actor, source: Source, *, path=None) -> Source:
    """Save ``source`` (the model hashes a newly uploaded copy, see ``Source.save``)."""
    return save(actor, source, path=path)


def delete_source(actor, source: Source, *, path=None) -> None:
    delete(actor, source, path=path)


def relate_sources(actor, source: Source, kind: str, other: Source, *, path=None):
    """Record that ``source`` is a translation of, republished from or relies on ``other``."""
    existing = SourceRelation.objects.filter(source=source, other=other, kind=kind).first()
    return existing or save(actor, SourceRelation(source=source, other=other, kind=kind), path=path)


def replace_relations(actor, source: Source, wanted, *, path=None) -> None:
    """Make ``source``'s relations exactly ``wanted`` ((kind, other source) pairs)."""
    with unit(actor, path):
        wanted = {(kind, other.pk): other for kind, other in wanted}
        for relation in source.relations.all():
            if (relation.kind, relation.other_id) not in wanted:
                delete(actor, relation)
        for (kind, _), other in wanted.items():
            relate_sources(actor, source, kind, other, path=path)


def delete_relation(actor, relation: SourceRelation, *, path=None) -> None:
    delete(actor, relation, path=path)
