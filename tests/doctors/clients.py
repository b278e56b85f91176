"""Signed-in test clients for the doctor API and the portal (reuse them in other apps' tests).

client = doctor_api_client(doctor)      # APIClient: doctor_session cookie + X-CSRFToken, CSRF enforced
client = doctor_portal_client(doctor)   # django.test.Client for portal pages, CSRF enforced, token sent
"""

from django.test import Client
from rest_framework.test import APIClient

from doctors.auth.sessions import COOKIE_NAME
from doctors.models import Doctor
from tests.doctors.factories import DOCTOR_PASSWORD

LOGIN_URL = "/auth/doctor/login"


def _sign_in(client: Client, doctor: Doctor, password: str) -> None:
    response = client.post(LOGIN_URL, {"email": doctor.email, "password": password}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert COOKIE_NAME in client.cookies


def doctor_api_client(doctor: Doctor, password: str = DOCTOR_PASSWORD) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    _sign_in(client, doctor, password)
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return client


def doctor_portal_client(doctor: Doctor, password: str = DOCTOR_PASSWORD) -> Client:
    client = Client(enforce_csrf_checks=True)
    _sign_in(client, doctor, password)
    client.defaults["HTTP_X_CSRFTOKEN"] = csrf_token(client)
    return client


def csrf_token(client: Client) -> str:
    return client.cookies["csrftoken"].value
