"""Gather the citations behind the facts on a page, numbered for footnotes.

One query fetches every citation of every record shown, so a page's sources
panel costs the same whatever the number of facts. A footnote is a sentence:
every citation of the same sentence of the same article shares one number and
one entry of the panel (which lists the fields it supports), and a record shows
each number once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Citation
from .visibility import visible


@dataclass
class Sources:
    """Citations of the records on a page: ``for_object`` gives an object's footnotes."""

    by_object: dict[tuple[int, int], list[Citation]] = field(default_factory=dict)
    ordered: list[Citation] = field(default_factory=list)

    def for_object(self, obj) -> list[Citation]:
        ct = ContentType.objects.get_for_model(obj)
        return self.by_object.get((ct.pk, obj.pk), [])


def gather(objects, viewer) -> Sources:
    """Number every citation of ``objects`` that ``viewer`` may see (a citation of a hidden
    source is not shown to partners), in order of first appearance."""
    ids_by_type: dict[int, list[int]] = defaultdict(list)
    order: list[tuple[int, int]] = []
    for obj in objects:
        if obj is None:
            continue
        ct = ContentType.objects.get_for_model(obj)  # cached after the first call
        ids_by_type[ct.pk].append(obj.pk)
        order.append((ct.pk, obj.pk))
    if not ids_by_type:
        return Sources()
    condition = Q()
    for ct_id, ids in ids_by_type.items():
        condition |= Q(content_type_id=ct_id, object_id__in=ids)
    by_object: dict[tuple[int, int], list[Citation]] = defaultdict(list)
    for citation in (
        visible(Citation.objects.filter(condition), viewer)
        .select_related("source")
        .order_by("source__published", "id")
    ):
        by_object[(citation.content_type_id, citation.object_id)].append(citation)
    ordered: list[Citation] = []
    sentences: dict[tuple[int, str], Citation] = {}
    for key in order:
        for citation in by_object.get(key, []):
            sentence = (citation.source_id, " ".join(citation.quote.split()))
            first = sentences.get(sentence)
            if first is None:
                first = sentences[sentence] = citation
                citation.number, citation.supports = len(ordered) + 1, []
                ordered.append(citation)
            citation.number, citation.anchor = first.number, first.pk
            if citation.field and citation.field not in first.supports:
                first.supports.append(citation.field)
    return Sources(dict(by_object), ordered)
