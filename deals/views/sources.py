from django.shortcuts import get_object_or_404, render

from deals.models import Source


def source_detail(request, slug):
    """A source and every sentence quoted from it, each with an anchor to link to."""
    source = get_object_or_404(Source, slug=slug)
    citations = source.citations.select_related("content_type").order_by("id")
    return render(request, "deals/source_detail.html", {"source": source, "citations": citations})
