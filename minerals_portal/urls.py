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
