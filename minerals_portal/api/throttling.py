"""One request budget per API token (or per session user), rate from ``API_THROTTLE_RATE``."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from minerals_portal.common.client_ip import client_address


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read per request so that settings overrides (and tests) take effect at once.
        return settings.API_THROTTLE_RATE

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        from deals.models import ApiToken

        if isinstance(request.auth, ApiToken):
            ident = f"token:{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
