"""Old slugs answer with a permanent redirect to the record's current URL.

``SlugHistory`` (written by ``deals.services.slugs``) knows which record a slug
named before; the redirect is given only when the viewer may see that record
(``deals.visibility``), so a draft's new slug is never revealed.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from .models import SlugHistory
from .visibility import visible


def current_slug(model, old_slug: str, viewer) -> str | None:
    """The slug now of the record of ``model`` that ``old_slug`` named, if ``viewer`` sees it."""
    content_type = ContentType.objects.get_for_model(model)
    renamed = SlugHistory.objects.filter(content_type=content_type, slug=old_slug)
    records = visible(model._base_manager.filter(pk__in=renamed.values("object_id")), viewer)
    return records.values_list("slug", flat=True).first()


def redirect_to_current(request, view_name: str, model, kwargs: dict, viewer=None):
    """A 301 to ``view_name`` at the record's current slug; None when there is none."""
    slug = current_slug(model, kwargs.get("slug", ""), request if viewer is None else viewer)
    if slug is None or slug == kwargs.get("slug"):
        return None
    url = reverse(view_name, kwargs={**kwargs, "slug": slug})
    query = request.META.get("QUERY_STRING")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def follows_renamed(model):
    """Decorate a page view taking ``slug``: an old slug redirects instead of a 404."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except Http404:
                view_name = request.resolver_match.view_name
                response = redirect_to_current(request, view_name, model, kwargs)
                if response is None:
                    raise
                return response

        return wrapper

    return decorate
