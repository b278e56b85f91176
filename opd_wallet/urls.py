from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.error_views import landing
from core.health import healthz
from operations.views import dashboard_view

# Each app owns its routes: `api_urls` (JSON API under /api/v1/, the doctor API under /api/v1/doctor/ too) and
# `portal_urls` (doctor portal under /portal/).
APPS = ["doctors", "clinics", "appointments", "consultations", "prescriptions", "notifications"]
PORTAL_APPS = ["doctors", "appointments", "consultations", "prescriptions", "notifications"]

urlpatterns = [
    path("", landing, name="landing"),
    path("healthz", healthz, name="healthz"),
    path("admin/two-factor/", include("users.two_factor_urls")),  # staff enrol an authenticator app
    path("admin/operations/dashboard/", admin.site.admin_view(dashboard_view), name="operations-dashboard"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include("users.api_urls")),
    path("api/v1/", include("audit.api_urls")),
    *[path("api/v1/", include(f"{app}.api_urls")) for app in APPS],
    *[path("portal/", include(f"{app}.portal_urls")) for app in PORTAL_APPS],
    # doctor sign-in (JSON and the portal's sign-in page)
    path("auth/doctor/", include("doctors.auth.urls")),
]

handler500 = "core.error_views.server_error"
handler404 = "core.error_views.page_not_found"  # JSON under /api/, a friendly page elsewhere
handler403 = "core.error_views.permission_denied"
handler400 = "core.error_views.bad_request"  # hardening: JSON for the API, 413 for a body over the limit
