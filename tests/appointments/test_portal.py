"""Doctor portal pages about appointments: dashboard, list, detail and the workflow buttons."""

from datetime import timedelta

import pytest
from django.test import Client

from appointments.doctor_selectors import DASHBOARD_UPCOMING_SHOWN
from appointments.portal_views import MSG_DONE
from appointments.services.workflow import MSG_CANNOT_CONFIRM
from core import clock
from tests.appointments.conftest import MONDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory, C, D, OnlineAppointmentFactory, P, X, day_from_today
from tests.doctors.clients import doctor_portal_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(doctor) -> Client:
    return doctor_portal_client(doctor)


@pytest.mark.parametrize(
    "url", ["/portal/", "/portal/appointments/", "/portal/slots/", "/portal/profile/", "/portal/prescriptions/"]
)
def test_portal_pages_redirect_anonymous_visitors_to_sign_in(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/auth/doctor/login?next={url}"


@pytest.mark.parametrize(
    "url", ["/portal/", "/portal/appointments/", "/portal/slots/", "/portal/profile/", "/portal/prescriptions/"]
)
def test_portal_pages_render_for_the_signed_in_doctor(client, doctor, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert doctor.name in response.content.decode()


def test_dashboard_lists_todays_and_upcoming_appointments(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, patient_name="Asha Today", appointment_date=day_from_today(0))
    AppointmentFactory(doctor=doctor, patient_name="Ravi Later", appointment_date=day_from_today(3), status=P)
    AppointmentFactory(doctor=doctor, patient_name="Old Visit", appointment_date=day_from_today(-2))
    AppointmentFactory(patient_name="Someone Else's", appointment_date=day_from_today(0))
    html = client.get("/portal/").content.decode()
    assert "Asha Today" in html
    assert "Ravi Later" in html
    assert "Old Visit" not in html
    assert "Someone Else&#x27;s" not in html


def test_dashboard_shows_the_soonest_upcoming_and_links_to_the_rest(doctor, client) -> None:
    shown = DASHBOARD_UPCOMING_SHOWN
    for n in range(shown + 3):
        AppointmentFactory(
            doctor=doctor,
            patient_name=f"Patient {n:02d}",
            appointment_date=day_from_today(1 + n // 10),
            time_slot=f"{9 + n % 10:02d}:00 AM" if 9 + n % 10 < 12 else f"{n % 10 - 2:02d}:00 PM",
        )

    html = client.get("/portal/").content.decode()

    assert f"Patient {shown - 1:02d}" in html
    assert f"Patient {shown:02d}" not in html
    assert "3 more in the next 14 days" in html
    assert f'<div class="stat__value">{shown + 3}</div><div class="stat__label">Booked, next 14 days' in html


def test_dashboard_day_labels(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, appointment_date=day_from_today(1))
    AppointmentFactory(doctor=doctor, appointment_date=day_from_today(5))
    html = client.get("/portal/").content.decode()
    assert '<span class="day-label">Tomorrow</span>' in html
    in_five = clock.local_today() + timedelta(days=5)
    label = in_five.strftime("%a %-d %b" if in_five.year == clock.local_today().year else "%a %-d %b %Y")
    assert f'<span class="day-label">{label}</span>' in html


def test_dashboard_shows_prescription_state_and_status_badges(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, has_prescription=True, status=D)
    AppointmentFactory(doctor=doctor, status=P)
    html = client.get("/portal/").content.decode()
    assert '<span aria-hidden="true">✓ </span>Prescription uploaded' in html  # the tick is not read out
    assert "No prescription yet" in html
    assert "badge--COMPLETED" in html
    assert "badge--PENDING_CONFIRMATION" in html
    assert '<span class="sr-only">Status: </span>Completed' in html  # a screen reader hears what the badge is


def test_dashboard_has_an_empty_state(client) -> None:
    assert "No appointments today" in client.get("/portal/").content.decode()


def test_dashboard_reads_the_appointments_in_one_query(doctor, client, assert_max_db_commands) -> None:
    for offset in range(6):
        AppointmentFactory(doctor=doctor, appointment_date=day_from_today(offset % 3))
    OnlineAppointmentFactory(doctor=doctor)
    # the session (with its doctor) + the appointments + "what is new" (requests waiting, recent cancellations)
    with assert_max_db_commands(4):
        assert client.get("/portal/").status_code == 200


def test_appointment_list_reads_in_constant_queries(doctor, client, assert_max_db_commands) -> None:
    for _ in range(5):
        AppointmentFactory(doctor=doctor, appointment_date=day_from_today(1))
    with assert_max_db_commands(3):  # session + count + page
        assert client.get("/portal/appointments/").status_code == 200


def test_list_filters_by_date_and_status(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, patient_name="Pending Tomorrow", appointment_date=day_from_today(1), status=P)
    AppointmentFactory(doctor=doctor, patient_name="Confirmed Tomorrow", appointment_date=day_from_today(1), status=C)
    AppointmentFactory(doctor=doctor, patient_name="Pending Later", appointment_date=day_from_today(5), status=P)
    html = client.get("/portal/appointments/", {"date": day_from_today(1), "status": P}).content.decode()
    assert "Pending Tomorrow" in html
    assert "Confirmed Tomorrow" not in html
    assert "Pending Later" not in html


def test_list_scopes_upcoming_by_default_and_past_on_request(doctor, client) -> None:
    AppointmentFactory(doctor=doctor, patient_name="Future Patient", appointment_date=day_from_today(2))
    AppointmentFactory(doctor=doctor, patient_name="Past Patient", appointment_date=day_from_today(-2))
    upcoming = client.get("/portal/appointments/").content.decode()
    past = client.get("/portal/appointments/", {"scope": "past"}).content.decode()
    assert "Future Patient" in upcoming and "Past Patient" not in upcoming
    assert "Past Patient" in past and "Future Patient" not in past


def test_list_paginates(doctor, client) -> None:
    for _ in range(21):
        AppointmentFactory(doctor=doctor, appointment_date=day_from_today(1))
    html = client.get("/portal/appointments/").content.decode()
    assert "Page 1 of 2" in html
    assert client.get("/portal/appointments/", {"page": 2}).status_code == 200


def test_list_with_a_bad_date_ignores_it_and_shows_the_error(client) -> None:
    response = client.get("/portal/appointments/", {"date": "not-a-date"})
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_detail_shows_only_the_buttons_the_workflow_allows(doctor, client, set_clock) -> None:
    set_clock(MONDAY, "10:00")  # the visit's time: "Mark as completed" shows from its window
    expected = {
        P: ("Confirm appointment", "Cancel appointment"),
        C: ("Mark as completed", "Cancel appointment"),
        D: (),
        X: (),
    }
    every = {"Confirm appointment", "Mark as completed", "Cancel appointment"}
    for status, buttons in expected.items():
        appointment = AppointmentFactory(doctor=doctor, status=status)
        html = client.get(f"/portal/appointments/{appointment.pk}/").content.decode()
        for label in every:
            assert (label in html) == (label in buttons), (status, label)


def test_detail_has_the_blocks_for_prescription_and_consultation(doctor, client) -> None:
    appointment = OnlineAppointmentFactory(doctor=doctor)
    html = client.get(f"/portal/appointments/{appointment.pk}/").content.decode()
    assert 'id="rx-heading"' in html
    assert 'id="call-heading"' in html


def test_detail_of_another_doctors_appointment_is_404(client) -> None:
    theirs = AppointmentFactory()
    assert client.get(f"/portal/appointments/{theirs.pk}/").status_code == 404
    assert client.get(f"/portal/appointments/{theirs.appointment_id}/").status_code == 404


def test_confirm_button_confirms_and_says_so(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=P)
    response = client.post(f"/portal/appointments/{appointment.pk}/confirm/", follow=True)
    appointment.refresh_from_db()
    assert appointment.status == C
    assert MSG_DONE["confirm"].format(patient=appointment.patient_name) in response.content.decode()


def test_refused_step_shows_the_workflow_message(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=C)
    response = client.post(f"/portal/appointments/{appointment.pk}/confirm/", follow=True)
    assert MSG_CANNOT_CONFIRM in response.content.decode()


def test_action_on_another_doctors_appointment_is_404(client) -> None:
    theirs = AppointmentFactory(status=P)
    assert client.post(f"/portal/appointments/{theirs.pk}/confirm/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == P


def test_action_without_csrf_token_is_refused(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=P)
    del client.defaults["HTTP_X_CSRFTOKEN"]
    assert client.post(f"/portal/appointments/{appointment.pk}/confirm/").status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == P


def test_action_returns_to_a_safe_next_page(doctor, client) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=P)
    response = client.post(f"/portal/appointments/{appointment.pk}/confirm/", {"next": "/portal/"})
    assert response["Location"] == "/portal/"


def test_portal_is_closed_after_sign_out(doctor, client) -> None:
    assert client.post("/auth/doctor/logout", {}).status_code == 302
    response = client.get("/portal/")
    assert response.status_code == 302
    assert response["Location"].startswith("/auth/doctor/login")


def test_signed_out_post_to_an_action_goes_to_sign_in_without_replaying_it() -> None:
    appointment = AppointmentFactory(status=P)
    response = Client().post(f"/portal/appointments/{appointment.pk}/confirm/")
    assert response.status_code == 302
    # back to the appointment after sign-in, told the action was not done (tests/portal/test_session_expiry.py)
    assert response["Location"].startswith(f"/auth/doctor/login?next=/portal/appointments/{appointment.pk}/&not_done=")
    appointment.refresh_from_db()
    assert appointment.status == P


def test_detail_offers_mark_as_completed_only_from_the_visits_window(doctor, client, set_clock) -> None:
    appointment = AppointmentFactory(doctor=doctor, status=C, appointment_date=TUESDAY, time_slot="10:00 AM")
    assert "Mark as completed" not in client.get(f"/portal/appointments/{appointment.pk}/").content.decode()
    set_clock(TUESDAY, "09:45")
    assert "Mark as completed" in client.get(f"/portal/appointments/{appointment.pk}/").content.decode()
