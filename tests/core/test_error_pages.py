"""The front door and the error pages, in production mode (DEBUG off): friendly HTML, JSON under /api/."""

import pytest
from django.test import Client, override_settings

from core.error_views import MSG_FORBIDDEN, MSG_NOT_FOUND, MSG_SERVER_ERROR
from tests.admin_forms import staff_client
from users.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

production = override_settings(DEBUG=False)


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def test_the_front_door_links_the_portal_the_admin_and_the_api_docs(anonymous: Client) -> None:
    response = anonymous.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in ('href="/portal/"', 'href="/admin/"', 'href="/api/docs/"'):
        assert link in page


@production
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/nothing", "/api/v1/clinics/CLINIC999/x"])
def test_an_unknown_api_path_answers_json_404(anonymous: Client, path: str) -> None:
    response = anonymous.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@production
def test_a_wrong_method_on_the_api_answers_json_405(anonymous: Client) -> None:
    response = anonymous.get("/api/v1/auth/token")  # sign-in takes POST only
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@production
def test_a_bug_in_the_api_answers_json_500_without_a_traceback(anonymous: Client) -> None:
    response = anonymous.get("/api/v1/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": MSG_SERVER_ERROR}


@production
@pytest.mark.parametrize(
    ("path", "back"), [("/portal/nothing", "/portal/"), ("/admin/nothing/", "/admin/"), ("/x", "/")]
)
def test_a_missing_page_is_a_friendly_404_with_a_way_back(anonymous: Client, path: str, back: str) -> None:
    if path.startswith("/admin/"):
        anonymous = staff_client(anonymous)  # the admin sends strangers to its sign-in first
    response = anonymous.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert MSG_NOT_FOUND in page
    assert f'href="{back}"' in page
    assert "urlpatterns" not in page and "Traceback" not in page


@production
@pytest.mark.parametrize(("path", "back"), [("/portal/boom", "/portal/"), ("/admin/boom/", "/admin/")])
def test_a_bug_in_the_portal_or_the_admin_is_a_friendly_500(anonymous: Client, path: str, back: str) -> None:
    response = anonymous.get(path)
    assert response.status_code == 500
    page = response.content.decode()
    assert MSG_SERVER_ERROR in page and f'href="{back}"' in page
    assert "RuntimeError" not in page and "Traceback" not in page


@production
def test_an_admin_page_staff_may_not_open_is_a_friendly_403(anonymous: Client) -> None:
    operations = staff_client(anonymous, Role.OPERATIONS)
    response = operations.get("/admin/clinics/clinic/add/")
    assert response.status_code == 403
    page = response.content.decode()
    assert MSG_FORBIDDEN in page and 'href="/admin/"' in page
