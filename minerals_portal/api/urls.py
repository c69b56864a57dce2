"""``/api/v1/``: the resources, the OpenAPI schema and its interactive docs."""

from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from deals.api import urls as deal_urls
from deposits.api import urls as deposit_urls

from . import schema  # noqa: F401  (registers the OpenAPI extensions)
from .exceptions import error_body

app_name = "api"

router = DefaultRouter()
deposit_urls.register(router)
deal_urls.register(router)


@csrf_exempt  # a POST to an unknown path is a JSON 404, not the CSRF check's HTML 403
def not_found(request, *args, **kwargs):
    """Unknown ``/api/v1/`` paths answer in the API's error shape, not an HTML page."""
    message = f"No API resource at {request.path}; see /api/v1/docs/."
    return JsonResponse(error_body(404, "not_found", message), status=404)


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the portal's CSP forbids inline ones.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^.*$", not_found),
]
