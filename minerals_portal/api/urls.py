"""``/api/v1/``: the resources, the OpenAPI schema and its interactive docs."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from deals.api import urls as deal_urls
from deposits.api import urls as deposit_urls

from . import schema  # noqa: F401  (registers the OpenAPI extensions)

app_name = "api"

router = DefaultRouter()
deposit_urls.register(router)
deal_urls.register(router)


class NotFoundView(APIView):
    """Unknown ``/api/v1/`` paths: a JSON 404 in the API's error shape, counted against
    the caller's rate limit like any request (and answered with its headers). A POST is
    a 404 too, not the CSRF check's 403 (``APIView`` views are CSRF-exempt)."""

    permission_classes = [AllowAny]
    schema = None  # not an operation

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication and the rate limit
        message = f"No API resource at {request.path}; see /api/v1/docs/."
        raise NotFound(message, code="not_found")


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the portal's CSP forbids inline ones.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"^.*$", NotFoundView.as_view()),
]
