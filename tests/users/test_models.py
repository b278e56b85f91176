"""Rules for members and staff in `users`, each refused with an admin form error."""

import pytest
from django.test import Client

from tests.admin_forms import admin_url, form_errors, staff_client, submit_change
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client: Client) -> Client:
    return staff_client(client)


def test_email_must_be_valid(admin: Client) -> None:
    url = admin_url(User, "change", UserFactory().pk)
    assert form_errors(submit_change(admin, url, email="john.doe@")) == ["Enter a valid email address."]


def test_email_is_unique(admin: Client) -> None:
    taken = UserFactory().email
    url = admin_url(User, "change", UserFactory().pk)
    assert form_errors(submit_change(admin, url, email=taken)) == ["User with this Email already exists."]


def test_member_id_is_unique(admin: Client) -> None:
    taken = UserFactory().member_id
    url = admin_url(User, "change", UserFactory().pk)
    assert form_errors(submit_change(admin, url, member_id=taken)) == ["User with this Member ID already exists."]


def test_role_is_one_of_the_four(admin: Client) -> None:
    url = admin_url(User, "change", UserFactory().pk)
    assert form_errors(submit_change(admin, url, role="SUPERUSER")) == [
        "Select a valid choice. SUPERUSER is not one of the available choices."
    ]


def test_staff_need_no_member_id(admin: Client) -> None:
    form = {"email": "admin2@example.com", "name": "Second Admin", "role": "ADMIN", "is_active": "on"}
    assert admin.post(admin_url(User, "add"), form).status_code == 302
    assert User.objects.get(email="admin2@example.com").member_id is None
