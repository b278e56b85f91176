"""The OpenAPI schema stays valid and warning-free, documents the member API, and the docs work offline."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

MEMBER_OPERATIONS = {
    ("/api/v1/specialties", "get"),
    ("/api/v1/cities", "get"),
    ("/api/v1/doctors", "get"),
    ("/api/v1/doctors/{doctorId}", "get"),
    ("/api/v1/doctors/{doctorId}/availability", "get"),
    ("/api/v1/clinics", "get"),
    ("/api/v1/clinics/{clinicId}", "get"),
    ("/api/v1/appointments", "get"),
    ("/api/v1/appointments", "post"),
    ("/api/v1/appointments/{appointmentId}", "get"),
    ("/api/v1/appointments/{appointmentId}/cancel", "post"),
}


@pytest.fixture(scope="module")
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_spectacular_validates_with_no_warnings(tmp_path: object) -> None:
    """`manage.py spectacular --validate --fail-on-warn` for the whole project (raises on any warning)."""
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()  # count only this run's warnings
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


@pytest.mark.parametrize(("path", "method"), sorted(MEMBER_OPERATIONS))
def test_member_operation_documents_its_errors(schema: dict, path: str, method: str) -> None:
    operation = schema["paths"][path][method]
    assert {"401", "403"} <= set(operation["responses"])
    if "{" in path:
        assert "404" in operation["responses"]
        path_params = [p for p in operation["parameters"] if p["in"] == "path"]
        assert path_params and all(p["schema"]["type"] == "string" for p in path_params)


def test_documented_parameters_and_conflicts(schema: dict) -> None:
    doctors = {p["name"] for p in schema["paths"]["/api/v1/doctors"]["get"]["parameters"]}
    assert {"specialtyId", "city", "type", "q", "lat", "lng", "ordering", "page", "page_size"} <= doctors
    availability = schema["paths"]["/api/v1/doctors/{doctorId}/availability"]["get"]
    assert {"date", "type", "clinicId"} <= {p["name"] for p in availability["parameters"]}
    assert "409" in schema["paths"]["/api/v1/appointments"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/appointments/{appointmentId}/cancel"]["post"]["responses"]


@pytest.mark.django_db
def test_schema_and_swagger_ui_are_served_from_this_server() -> None:
    client = APIClient()
    assert client.get("/api/schema/").status_code == 200
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
