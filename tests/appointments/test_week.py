"""The portal's week view (`portal-week`, appointments/week_selectors.py): visits, free times and time off of
the signed-in doctor's week, days as columns and times as rows; navigation; never another doctor's visits."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from appointments.models import Actor, AppointmentStatus
from appointments.portal_views import MSG_WEEK_DATE
from appointments.selectors import slot_availability
from appointments.services.time_off import Actorship, time_off_add
from appointments.week_selectors import doctor_week, week_start
from core import clock
from doctors.models import Doctor
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, SUNDAY, TUESDAY
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.doctors.clients import doctor_portal_client
from tests.doctors.factories import DoctorFactory, DoctorSlotFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

WEDNESDAY = "2031-01-08"


@pytest.fixture
def doctor() -> Doctor:
    return DoctorFactory(name="Dr. Vikas Mittal")


@pytest.fixture
def client(doctor: Doctor) -> Client:
    return doctor_portal_client(doctor)


def _week_html(client: Client, **params: str) -> str:
    response = client.get(reverse("portal-week"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_week_starts_on_monday() -> None:
    from datetime import date

    assert week_start(date(2031, 1, 12)) == date(2031, 1, 6)
    assert week_start(date(2031, 1, 6)) == date(2031, 1, 6)


def test_visits_free_times_and_time_off_are_placed_by_day_and_time(doctor: Doctor) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="09:00", end_time="10:00")
    DoctorSlotFactory(doctor=doctor, day_of_week="Wednesday", start_time="09:00", end_time="10:00")
    AppointmentFactory(doctor=doctor, appointment_date=MONDAY, time_slot="09:30 AM", status=AppointmentStatus.CONFIRMED)
    AppointmentFactory(doctor=doctor, appointment_date=MONDAY, time_slot="09:00 AM", status=AppointmentStatus.CANCELLED)
    time_off_add(
        doctor=doctor,
        by=Actorship(actor=Actor.DOCTOR, id=doctor.doctor_id),
        start_date=WEDNESDAY,
        end_date=WEDNESDAY,
        reason="Conference",
    )
    week = doctor_week(doctor=doctor, start=clock.local_today())
    assert [row.time_slot for row in week.rows] == ["09:00 AM", "09:30 AM"]
    nine, half_past = week.rows
    monday, _tuesday, wednesday = nine.cells[0], nine.cells[1], nine.cells[2]
    assert monday.free is not None and monday.visits == []  # the cancelled visit gave its place back
    assert [v.time_slot for v in half_past.cells[0].visits] == ["09:30 AM"] and half_past.cells[0].free is None
    assert wednesday.free is None and wednesday.time_off is not None  # time off: nothing free
    assert [off.reason for off in week.days[2].time_off] == ["Conference"]
    assert (week.days[0].visit_count, week.days[0].free_count) == (1, 1)


def test_free_times_are_exactly_what_members_see(doctor: Doctor, set_clock: Callable[[str, str], None]) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Monday", start_time="08:00", end_time="12:00", max_patients=2)
    AppointmentFactory(doctor=doctor, appointment_date=MONDAY, time_slot="10:00 AM")
    set_clock(MONDAY, "07:31")  # the minimum notice hides 08:00-09:30 (09:31 is the earliest)
    week = doctor_week(doctor=doctor, start=clock.local_today())
    from datetime import date

    members_see = slot_availability(doctor=doctor, date=date.fromisoformat(MONDAY))
    shown = [(row.time_slot, row.cells[0].free.remaining) for row in week.rows if row.cells[0].free]
    assert shown == [(t.time_slot, t.remaining) for t in members_see]
    assert shown[:2] == [("10:00 AM", 1), ("10:30 AM", 2)]


def test_the_page_shows_names_types_and_status_as_text(doctor: Doctor, client: Client) -> None:
    DoctorSlotFactory(doctor=doctor, day_of_week="Tuesday", start_time="09:00", end_time="10:00")
    visit = OnlineAppointmentFactory(
        doctor=doctor,
        user=UserFactory(name="Priya Nair"),
        appointment_date=TUESDAY,
        time_slot="09:00 AM",
        status=AppointmentStatus.PENDING_CONFIRMATION,
    )
    html = _week_html(client)
    assert "Week of 6 January 2031" in html
    assert "Priya Nair" in html
    assert 'badge--PENDING_CONFIRMATION"><span class="sr-only">Status: </span>Pending confirmation</span>' in html
    assert ">Online</span>" in html
    assert f'href="/portal/appointments/{visit.pk}/"' in html
    assert '<th scope="col"' in html and '<th scope="row" class="week-table__time">09:30 AM</th>' in html
    assert "In clinic or online" in html  # the free 09:30 AM time, BOTH


def test_another_doctor_s_visits_are_never_shown(doctor: Doctor, client: Client) -> None:
    other = DoctorFactory()
    AppointmentFactory(doctor=other, user=UserFactory(name="Someone Else"), appointment_date=MONDAY)
    DoctorSlotFactory(doctor=other, day_of_week="Monday", start_time="15:00", end_time="16:00")
    html = _week_html(client)
    assert "Someone Else" not in html
    assert "03:00 PM" not in html  # nor their free times
    assert "No visits and no free times this week." in html


def test_previous_next_and_this_week_links(doctor: Doctor, client: Client) -> None:
    html = _week_html(client, week="2031-01-15")  # a Wednesday: its week starts on the 13th
    assert "Week of 13 January 2031" in html
    assert 'href="?week=2031-01-06" rel="prev"' in html
    assert 'href="?week=2031-01-20" rel="next"' in html
    assert '<a class="btn btn--small" href="/portal/week/">This week</a>' in html
    this_week = _week_html(client)
    assert 'href="/portal/week/" aria-current="page">This week</a>' in this_week


def test_next_week_shows_its_visits(doctor: Doctor, client: Client) -> None:
    AppointmentFactory(doctor=doctor, user=UserFactory(name="Kabir Singh"), appointment_date=NEXT_MONDAY)
    assert "Kabir Singh" not in _week_html(client)
    assert "Kabir Singh" in _week_html(client, week=NEXT_MONDAY)


@pytest.mark.parametrize("bad", ["next", "2031-13-01", "20310106", "2031-W02"])
def test_a_malformed_week_says_so_and_shows_this_week(client: Client, bad: str) -> None:
    response = client.get(reverse("portal-week"), {"week": bad}, follow=True)
    assert response.redirect_chain == [("/portal/week/", 302)]
    assert MSG_WEEK_DATE in response.content.decode()


def test_the_phone_day_is_today_or_the_one_chosen(client: Client) -> None:
    html = _week_html(client)
    assert 'day=2031-01-06" aria-current="date"' in html  # today (Monday 6 January)
    html = _week_html(client, week=MONDAY, day=SUNDAY)
    assert 'day=2031-01-12" aria-current="date"' in html
    assert 'id="day-2031-01-12" data-day class="week-table__day is-selected' in html
    html = _week_html(client, week=NEXT_MONDAY)
    assert 'day=2031-01-13" aria-current="date"' in html  # another week: its Monday


def test_links_to_pages_not_in_the_portal_are_left_out(doctor: Doctor, client: Client) -> None:
    from django.urls import NoReverseMatch

    from doctors.templatetags.portal_tags import url_if_exists

    assert url_if_exists("no-such-page") == ""
    AppointmentFactory(doctor=doctor, appointment_date=TUESDAY)
    html = _week_html(client)
    for name, args, text in (
        ("portal-time-off", [], "Add time off</a>"),
        ("portal-appointment-reschedule", ["x"], ">Reschedule</a>"),
    ):
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            assert text not in html
        else:
            assert text in html


def test_add_time_off_and_reschedule_link_to_their_pages(doctor: Doctor, client: Client) -> None:
    pending = AppointmentFactory(doctor=doctor, appointment_date=TUESDAY, status=AppointmentStatus.PENDING_CONFIRMATION)
    AppointmentFactory(doctor=doctor, appointment_date=WEDNESDAY, status=AppointmentStatus.COMPLETED)
    html = _week_html(client)
    time_off = reverse("portal-time-off")
    assert f'href="{time_off}?date=2031-01-06#add-time-off"' in html  # today
    assert f'href="{time_off}?date=2031-01-12#add-time-off"' in html
    assert html.count(f'href="{time_off}?date=') == 7
    assert f'href="{reverse("portal-appointment-reschedule", args=[pending.pk])}"' in html
    assert html.count(">Reschedule</a>") == 1  # not for the completed visit
    html = _week_html(client, week="2030-12-30")  # last week: nothing to add time off to
    assert f'href="{time_off}?date=' not in html


def test_the_portal_nav_has_the_week(client: Client) -> None:
    html = client.get("/portal/").content.decode()
    assert '<a class="nav__link" href="/portal/week/">Week</a>' in html


def test_round_trips_do_not_grow_with_the_visits(doctor: Doctor, client: Client, assert_max_db_commands: Any) -> None:
    for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time="09:00", end_time="17:00", max_patients=5)
    AppointmentFactory(doctor=doctor, appointment_date=TUESDAY)
    client.get(reverse("portal-week"))  # warm
    with assert_max_db_commands(30) as few:
        _week_html(client)
    times = ["09:00 AM", "10:00 AM", "11:00 AM", "12:00 PM", "01:00 PM", "02:00 PM", "03:00 PM", "04:00 PM"]
    for index in range(40):
        AppointmentFactory(doctor=doctor, appointment_date=WEDNESDAY, time_slot=times[index % len(times)])
    with assert_max_db_commands(len(few.commands)):
        html = _week_html(client)
    assert html.count('class="visit visit--') == 41


def test_days_members_cannot_book_show_no_free_times(doctor: Doctor, set_clock: Callable[[str, str], None]) -> None:
    from doctors.schedule.notice import doctor_notice_rules_set

    for day in ("Monday", "Tuesday", "Wednesday", "Thursday"):
        DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time="09:00", end_time="10:00")
    doctor_notice_rules_set(
        doctor=doctor, booking_min_notice_minutes=None, booking_horizon_days=1, member_change_cutoff_minutes=None
    )
    set_clock(TUESDAY, "07:00")
    week = doctor_week(doctor=doctor, start=week_start(clock.local_today()))
    # Monday is past; the horizon of 1 day ends on Wednesday, so Thursday is beyond it
    assert [day.free_count for day in week.days[:4]] == [0, 2, 2, 0]
    assert [day.is_past for day in week.days[:4]] == [True, False, False, False]
