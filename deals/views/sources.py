from django.shortcuts import get_object_or_404, render

from deals.models import Source
from deals.renamed import follows_renamed
from deals.visibility import visible


@follows_renamed(Source)
def source_detail(request, slug):
    """A source and every sentence quoted from it that backs a record the reader may see."""
    source = get_object_or_404(Source, slug=slug)
    citations = visible(source.citations.select_related("content_type"), request).order_by("id")
    return render(request, "deals/source_detail.html", {"source": source, "citations": citations})
