"""The API's conventions for everything under ``/api/``, whatever answers it.

* Date-times are written in UTC (``Z``): the current time zone is UTC while an
  API request is served, so serializers, the fast list rows and history agree.
* Every answer the rate limit counted carries ``X-RateLimit-*`` headers.
* Every error answer is JSON in the API's error shape, also when Django itself or
  a middleware answers (an unmatched path such as one holding ``%0A``, more query
  parameters than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``, a body past the size limit, a
  CSRF refusal, a server error). ``handler400``/``handler404``/``handler500``
  (``minerals_portal.urls``) answer JSON for ``/api/`` paths and the portal's HTML
  pages elsewhere; this middleware turns any other non-JSON error into JSON.
"""

import datetime as dt
from http import HTTPStatus

from django.http import JsonResponse
from django.utils import timezone
from django.views import defaults

from .exceptions import error_body

API_PREFIX = "/api/"
# (budget, requests left in the window, seconds until it ends): see ``.throttling``.
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")

# The code for an error answered outside DRF, by status.
STATUS_CODES = {
    400: "bad_request",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
    503: "service_unavailable",
}
MESSAGES = {
    400: "The request could not be understood (a malformed path, header or too many "
    "query parameters).",
    404: "No API resource at this path; see /api/v1/docs/.",
    413: "The request body is too large.",
    500: "Server error: the portal team has been told. Retry later.",
}


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, message: str | None = None) -> JsonResponse:
    code = STATUS_CODES.get(status, "error")
    text = message or MESSAGES.get(status) or HTTPStatus(status).phrase
    return JsonResponse(error_body(status, code, text), status=status)


def _is_json(response) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip().endswith("json")


class ApiConventionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api(request):
            return self.get_response(request)
        with timezone.override(dt.UTC):
            response = self.get_response(request)
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            for name, value in zip(RATE_LIMIT_HEADERS, rate_limit, strict=True):
                response[name] = str(value)
        if response.streaming:  # a CSV export is written after this returns
            response.streaming_content = _in_utc(response.streaming_content)
        if response.status_code >= 400 and not _is_json(response):
            converted = json_error(response.status_code, _plain_message(response))
            for header in ("Allow", "Retry-After", "X-Request-ID", *RATE_LIMIT_HEADERS):
                if response.has_header(header):
                    converted[header] = response[header]
            return converted
        return response


def _plain_message(response) -> str | None:
    """A short plain-text answer's text (a middleware's own sentence), else None."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/plain"):
        return None
    text = response.content.decode(response.charset or "utf-8", "replace").strip()
    return text if 0 < len(text) <= 300 else None


def _in_utc(chunks):
    with timezone.override(dt.UTC):
        yield from chunks


# --- Django's error handlers: JSON under /api/, the portal's pages elsewhere ----------


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if is_api(request):
        return json_error(400)
    return defaults.bad_request(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    if is_api(request):
        return json_error(404, f"No API resource at {request.path}; see /api/v1/docs/.")
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if is_api(request):
        return json_error(500)
    return defaults.server_error(request, template_name)
