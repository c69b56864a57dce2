from django.contrib import admin
from django.urls import include, path

from minerals_portal.health import healthz, readyz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("minerals_portal.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("deposits.urls")),
    path("", include("deals.urls")),
]

# JSON under /api/, the portal's pages elsewhere.
handler400 = "minerals_portal.api.middleware.bad_request"
handler404 = "minerals_portal.api.middleware.page_not_found"
handler500 = "minerals_portal.api.middleware.server_error"
