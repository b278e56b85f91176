"""bcrypt in the existing system's plain `$2b$10$...` form: its hashes verify here, ours verify there."""

import bcrypt
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from core.passwords import MSG_PASSWORD_TOO_LONG, hash_password, verify_password
from doctors.models import Doctor
from tests.admin_forms import admin_url, form_errors, staff_client, submit_change
from tests.doctors.factories import DoctorFactory
from tests.users.factories import UserFactory
from users.models import User
from users.services import user_create

pytestmark = pytest.mark.django_db

PASSWORD = "Existing-System-Pass1"
LONG_ASCII = "x" * 73
LONG_UTF8 = "ü" * 37  # 37 characters, 74 bytes


def _node_style_hash(password: str) -> str:
    """What the existing Node system stores: bcrypt, 10 rounds, "$2b$10$..."."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=10, prefix=b"2b")).decode()


@pytest.mark.real_bcrypt
def test_a_raw_bcrypt_hash_signs_a_member_in() -> None:
    member = UserFactory()
    connection.get_collection("users").update_one(
        {"_id": member.pk}, {"$set": {"password": _node_style_hash(PASSWORD)}}
    )
    response = APIClient().post("/api/v1/auth/token", {"email": member.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    wrong = APIClient().post("/api/v1/auth/token", {"email": member.email, "password": "wrong"}, format="json")
    assert wrong.status_code == 401


@pytest.mark.real_bcrypt
def test_a_raw_bcrypt_hash_verifies_for_a_doctor() -> None:
    doctor = DoctorFactory()
    connection.get_collection("doctors").update_one(
        {"_id": doctor.pk}, {"$set": {"password": _node_style_hash(PASSWORD)}}
    )
    doctor = Doctor.objects.get(pk=doctor.pk)
    assert doctor.check_password(PASSWORD)
    assert not doctor.check_password("Existing-System-Pass2")


@pytest.mark.real_bcrypt
def test_hashes_we_write_are_plain_2b_cost_10_and_readable_by_bcrypt() -> None:
    member = user_create(email="new@example.com", password=PASSWORD, name="New Member", member_id="USR900")
    doctor = DoctorFactory(password=PASSWORD)
    for stored in (
        connection.get_collection("users").find_one({"_id": member.pk})["password"],
        connection.get_collection("doctors").find_one({"_id": doctor.pk})["password"],
    ):
        assert stored.startswith("$2b$10$")
        assert len(stored) == 60
        assert bcrypt.checkpw(PASSWORD.encode(), stored.encode())  # what the Node system does


def test_a_2a_or_2y_hash_from_other_libraries_verifies_too() -> None:
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4, prefix=b"2a")).decode()
    assert verify_password(PASSWORD, hashed)
    assert verify_password(PASSWORD, "$2y$" + hashed[4:])


def test_unusable_or_foreign_hashes_never_verify() -> None:
    assert not verify_password(PASSWORD, "$2b$10$...")  # the seed's placeholder
    assert not verify_password(PASSWORD, "pbkdf2_sha256$870000$salt$hash")
    assert not verify_password(PASSWORD, "")
    assert not verify_password("", hash_password(PASSWORD))


@pytest.mark.parametrize("password", [LONG_ASCII, LONG_UTF8])
def test_a_password_over_72_bytes_is_refused_with_a_clear_message(password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        hash_password(password)
    assert refused.value.messages == [MSG_PASSWORD_TOO_LONG]
    with pytest.raises(ValidationError) as refused:
        user_create(email="long@example.com", password=password, name="Long Password")
    assert refused.value.messages == [MSG_PASSWORD_TOO_LONG]
    assert not User.objects.filter(email="long@example.com").exists()


def test_a_72_byte_password_is_accepted() -> None:
    member = user_create(email="edge@example.com", password="y" * 72, name="Edge")
    assert member.check_password("y" * 72)


@pytest.mark.parametrize("password", [LONG_ASCII, LONG_UTF8])
def test_signing_in_with_an_over_long_password_is_a_401_not_a_500(password: str) -> None:
    member = UserFactory()
    response = APIClient().post("/api/v1/auth/token", {"email": member.email, "password": password}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("model", [User, Doctor])
def test_the_admin_refuses_an_over_long_password_with_a_form_error(client: Client, model: type) -> None:
    admin = staff_client(client)
    obj = UserFactory() if model is User else DoctorFactory()
    before = model.objects.get(pk=obj.pk).password
    response = submit_change(admin, admin_url(model, "change", obj.pk), new_password=LONG_UTF8)
    assert form_errors(response) == [MSG_PASSWORD_TOO_LONG]
    assert model.objects.get(pk=obj.pk).password == before
