from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from deals.cited_records import cited_records
from deals.filtersets import SourceFilterSet
from deals.models import Source, SourceRelation
from deals.renamed import follows_renamed
from deals.visibility import visible

from .listing import filtered_list


def _relations(request, end="other"):
    """Relations to sources this reader may see (a relation to a hidden source is not shown)."""
    others = visible(Source.objects.all(), request)
    return SourceRelation.objects.filter(**{f"{end}__in": others}).select_related(end)


def source_list(request):
    """Every source, filterable (type, language, date, words), a page at a time."""
    sources = visible(Source.objects.all(), request).order_by("-published", "pk")
    sources = sources.prefetch_related(Prefetch("relations", queryset=_relations(request)))
    return filtered_list(request, "deals/source_list.html", SourceFilterSet, sources, 50, "sources")


@follows_renamed(Source)
def source_detail(request, slug):
    """A source, how it relates to others, and every visible fact citing it, by record."""
    source = get_object_or_404(visible(Source.objects.all(), request), slug=slug)
    citations = visible(source.citations.all(), request).order_by("id")
    context = {
        "source": source,
        "records": cited_records(citations),
        "relations": _relations(request).filter(source=source),
        "related_from": _relations(request, "source").filter(other=source),
    }
    return render(request, "deals/source_detail.html", context)


def source_copy(request, slug):
    """The kept copy of a source, as a download (never rendered as a page of the portal)."""
    source = get_object_or_404(visible(Source.objects.all(), request), slug=slug)
    if not source.archive:
        raise Http404("No copy of this source is kept.")
    try:
        handle = source.archive.open("rb")
    except FileNotFoundError:
        raise Http404("The copy is missing from storage.") from None
    return FileResponse(handle, as_attachment=True, filename=source.archive.name.rsplit("/")[-1])
