"""OpenAPI description of the doctor's cookie authentication (imported by DoctorsConfig.ready)."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class DoctorCookieAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "doctors.auth.DoctorCookieAuthentication"
    name = "doctorSession"

    def get_security_definition(self, auto_schema: Any) -> dict:
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "doctor_session",
            "description": (
                "JWT set by POST /auth/doctor/login (HTTP-only, 8 hours). Unsafe requests also need Django's "
                "CSRF token in the X-CSRFToken header."
            ),
        }
