"""Liveness (``/healthz``) and readiness (``/readyz``) probes; no authentication, no secrets.

``/healthz`` only says the process answers. ``/readyz`` says whether it can
serve: 200 ``{"status": "ready", "checks": {...}}`` or 503 with
``"not_ready"`` and the failing part marked ``"ok": false`` (see
``minerals_portal.readiness``); 200 ``"degraded"`` when only a part marked
``"required": false`` fails (the read replica: reads then go to the primary).
"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_safe

from minerals_portal.readiness import readiness


@never_cache
@xframe_options_deny
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@xframe_options_deny
@require_safe
def readyz(request):
    checks = readiness()
    ready = all(check["ok"] for check in checks.values() if check.get("required", True))
    degraded = ready and not all(check["ok"] for check in checks.values())
    status = "degraded" if degraded else "ready" if ready else "not_ready"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ready else 503)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class HealthProbeMiddleware:
    """Answer the probes before the Host header is validated against ``ALLOWED_HOSTS``.

    A container or load-balancer check connects by IP address, which is not an
    allowed host. Answering it here is safe: the answers never use the Host
    header (no links, no redirects) and are never cached. Other methods fall
    through to the URL routes (``405``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            return probe(request)
        return self.get_response(request)
