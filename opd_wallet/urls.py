from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.health import healthz

# Each app owns its routes: `api_urls` (JSON API under /api/v1/) and `portal_urls` (doctor portal under /portal/).
APPS = ["doctors", "clinics", "appointments", "consultations", "prescriptions"]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include("users.api_urls")),
    *[path("api/v1/", include(f"{app}.api_urls")) for app in APPS],
    *[path("portal/", include(f"{app}.portal_urls")) for app in APPS],
]

# --- doctor portal: sign-in (/auth/doctor/) and the doctor API (/api/v1/doctor/) ---
urlpatterns += [
    path("auth/doctor/", include("doctors.auth_urls")),
    path("api/v1/doctor/", include("doctors.doctor_api_urls")),
]

handler500 = "core.error_views.server_error"
handler400 = "core.error_views.bad_request"  # hardening: JSON for the API, 413 for a body over the limit
