"""Issue 16, point 6: every authenticated answer is `Cache-Control: no-store`, with `Vary` for what it read."""

import pytest
from django.test import Client

from tests.admin_forms import staff_client
from tests.doctors.clients import doctor_api_client, doctor_portal_client
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory
from tests.member_api import member_client

pytestmark = pytest.mark.django_db


def _no_store(response: object) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def _vary(response: object) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}


def test_member_api_answers_are_not_stored_and_vary_by_authorization() -> None:
    for url in ("/api/v1/me", "/api/v1/appointments", "/api/v1/prescriptions"):
        response = member_client().get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
        assert "authorization" in _vary(response), url


def test_doctor_api_and_portal_answers_are_not_stored_and_vary_by_cookie() -> None:
    doctor = DoctorFactory()
    api, portal = doctor_api_client(doctor), doctor_portal_client(doctor)
    for client, url in ((api, "/auth/doctor/profile"), (api, "/api/v1/doctor/slots"), (portal, "/portal/")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
        assert "cookie" in _vary(response), url


def test_the_sign_in_answer_that_sets_the_session_cookie_is_not_stored() -> None:
    doctor = DoctorFactory()
    response = Client().post(
        "/auth/doctor/login", {"email": doctor.email, "password": DOCTOR_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    assert _no_store(response)


def test_admin_pages_are_not_stored(client: Client) -> None:
    response = staff_client(client).get("/admin/users/user/")
    assert response.status_code == 200
    assert _no_store(response)
    assert "cookie" in _vary(response)


def test_an_anonymous_public_answer_is_left_alone() -> None:
    response = Client().get("/healthz")
    assert not _no_store(response)
