"""Staff two-factor sign-in (issue 16, B): codes computed from the device's secret, as an authenticator app does."""

import re

import pytest
from django.db import connection
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from tests.admin_forms import admin_url
from tests.users.factories import DEFAULT_PASSWORD, StaffFactory
from users.models import Role, User
from users.staff_login import MSG_CODE_NEEDED, MSG_CODE_WRONG
from users.two_factor import MSG_CODE_WRONG as MSG_ENROL_CODE_WRONG
from users.two_factor import (
    SPENT_COLLECTION,
    SPENT_TTL_INDEX,
    staff_otp_verify,
    staff_recovery_codes_issue,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_code_throttle_delay(settings: object) -> None:
    """django-otp makes a device wait 1 s, 2 s, 4 s... after each wrong code; these tests do not wait."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


LOGIN_URL = "/admin/login/"
ENROL_URL = "/admin/two-factor/"


def _code(device: TOTPDevice, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _login(client: Client, email: str, code: str = "", password: str = DEFAULT_PASSWORD) -> object:
    return client.post(LOGIN_URL, {"username": email, "password": password, "otp_token": code, "next": "/admin/"})


def _enrolled(staff: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)


def _signed_in(client: Client) -> bool:
    return client.get("/admin/").status_code == 200


def test_with_2fa_optional_staff_who_did_not_enrol_sign_in_with_their_password(settings: object) -> None:
    settings.STAFF_2FA_REQUIRED = False
    staff = StaffFactory()
    client = Client()
    assert _login(client, staff.email).status_code == 302
    assert _signed_in(client)


@pytest.mark.parametrize("required", [False, True])
def test_enrolled_staff_always_give_a_code(settings: object, required: bool) -> None:
    settings.STAFF_2FA_REQUIRED = required
    staff = StaffFactory()
    device = _enrolled(staff)
    client = Client()
    missing = _login(client, staff.email)
    assert missing.status_code == 200 and MSG_CODE_NEEDED in missing.content.decode()
    wrong = _login(client, staff.email, "000000" if _code(device) != "000000" else "111111")
    assert wrong.status_code == 200 and MSG_CODE_WRONG in wrong.content.decode()
    assert not _signed_in(client)
    assert _login(client, staff.email, _code(device)).status_code == 302
    assert _signed_in(client)


def test_a_code_is_no_use_without_the_password(settings: object) -> None:
    staff = StaffFactory()
    device = _enrolled(staff)
    client = Client()
    assert _login(client, staff.email, _code(device), password="wrong").status_code == 200
    assert not _signed_in(client)


def test_a_session_that_gave_no_code_cannot_use_the_admin_once_enrolled(client: Client) -> None:
    staff = StaffFactory()
    _enrolled(staff)
    client.force_login(staff)  # e.g. a session opened before the staff member enrolled
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN_URL)


def test_a_recovery_code_signs_in_once(settings: object) -> None:
    staff = StaffFactory()
    _enrolled(staff)
    recovery = StaticDevice.objects.create(user=staff, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=recovery, token="rcv12345")
    client = Client()
    assert _login(client, staff.email, "rcv12345").status_code == 302
    assert _signed_in(client)
    assert _login(Client(), staff.email, "rcv12345").status_code == 200  # used up


def test_with_2fa_required_staff_enrol_first_then_sign_in_with_a_code(settings: object) -> None:
    settings.STAFF_2FA_REQUIRED = True
    staff = StaffFactory(role=Role.OPERATIONS)
    client = Client()
    assert _login(client, staff.email).status_code == 302
    gated = client.get("/admin/")
    assert gated.status_code == 302 and gated["Location"] == ENROL_URL
    assert client.get(admin_url(User)).status_code == 302  # every admin page, until enrolled
    page = client.get(ENROL_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, inline: no other site sees the secret
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r"Type this key instead: <code>([A-Z2-7=]+)</code>", html).group(1)
    assert secret.rstrip("=")  # shown for typing in
    wrong = client.post(ENROL_URL, {"otp_token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and MSG_ENROL_CODE_WRONG in wrong.content.decode()
    done = client.post(ENROL_URL, {"otp_token": _code(device)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert _signed_in(client)  # this session gave a code
    fresh = Client()
    assert _login(fresh, staff.email).status_code == 200  # now a code is needed
    assert _login(fresh, staff.email, _code(device, drift=1)).status_code == 302
    assert _signed_in(fresh)
    other = Client()
    assert _login(other, staff.email, codes[0]).status_code == 302  # a recovery code works too


def test_an_admin_resets_a_lost_phone_and_operations_cannot(client: Client, settings: object) -> None:
    settings.STAFF_2FA_REQUIRED = False
    lost = StaffFactory(role=Role.OPERATIONS)
    _enrolled(lost)
    admin_staff = StaffFactory(role=Role.ADMIN)
    client.force_login(admin_staff)  # the admin has not enrolled: no code needed with 2FA optional
    response = client.post(admin_url(User), {"action": "reset_two_factor", "_selected_action": [lost.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert AuditEntry.objects.filter(action="change", target_id=lost.email).count() == 1
    _enrolled(lost)
    operations = Client()
    operations.force_login(StaffFactory(role=Role.OPERATIONS))
    operations.post(admin_url(User), {"action": "reset_two_factor", "_selected_action": [lost.pk]})
    assert TOTPDevice.objects.filter(user=lost).exists()


def test_device_secrets_are_not_in_the_admin(client: Client) -> None:
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


def test_the_demo_default_is_off_with_debug_and_on_without(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    code = "from django.conf import settings; import django; django.setup(); print(settings.STAFF_2FA_REQUIRED)"
    env = {"DJANGO_SETTINGS_MODULE": "opd_wallet.settings", "PATH": "/usr/bin:/bin"}
    debug = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code], env={**env, "DEBUG": "1"}, capture_output=True, text=True
    )
    production = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-c", code],
        env={**env, "DEBUG": "0", "SECRET_KEY": "x" * 50, "MONGODB_URI": "mongodb://127.0.0.1:1/x"},
        capture_output=True,
        text=True,
    )
    assert (debug.stdout.strip(), production.stdout.strip()) == ("False", "True"), (debug.stderr, production.stderr)


def test_a_session_that_carries_a_confirmed_device_passes_the_gate(client: Client, settings: object) -> None:
    """What the chaos test's production stack relies on (tests/core/test_chaos.py)."""
    settings.STAFF_2FA_REQUIRED = True
    staff = StaffFactory()
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = _enrolled(staff).persistent_id
    session.save()
    assert _signed_in(client)


# --- one code, two racing sign-ins (decision 0054's open race, closed) ----------------------------------------


def test_two_sign_ins_racing_with_one_code_let_one_in() -> None:
    """Both requests read the device before either saved it (as two racing requests do): django-otp's own
    replay check (`last_t`) passes both; the spent-code insert lets exactly one through."""
    staff = StaffFactory()
    device = _enrolled(staff)
    first, second = TOTPDevice.objects.get(pk=device.pk), TOTPDevice.objects.get(pk=device.pk)
    code = _code(device)
    assert [staff_otp_verify(device=d, token=code) for d in (first, second)] == [True, False]


def test_two_sign_ins_racing_with_one_recovery_code_let_one_in() -> None:
    staff = StaffFactory()
    _enrolled(staff)
    (code, *_) = staff_recovery_codes_issue(user_id=staff.pk)
    device = StaticDevice.objects.get(user=staff)
    assert staff_otp_verify(device=device, token=code) is True
    # The racing request found the code before the first one deleted it: put it back to play that request.
    StaticToken.objects.create(device=device, token=code)
    assert staff_otp_verify(device=device, token=code) is False


def test_spent_codes_are_kept_a_day() -> None:
    index = connection.get_collection(SPENT_COLLECTION).index_information()[SPENT_TTL_INDEX]
    assert index["key"] == [("at", 1)] and index["expireAfterSeconds"] == 24 * 3600
