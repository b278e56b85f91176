"""Search's stored next free times (appointments/next_free_store.py, decision 0073).

Each test first lets search store a doctor's next free time, then changes what the doctor has free by one of
the paths the app offers, and searches again: the answer must be the new one at once. A write the app never
sees (the existing system's raw insert) may show late, but never later than NEXT_AVAILABLE_MAX_AGE_SECONDS.
"""

import signal
from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from appointments import next_free_store
from appointments.models import Actor, Appointment
from appointments.next_free_store import COLLECTION, next_free_forget, next_free_read
from appointments.selectors import next_available
from appointments.services.booking import appointment_book, appointment_cancel_by_member, appointment_reschedule
from appointments.services.time_off import Actorship, extra_hours_add, time_off_add, time_off_delete
from clinics.services import clinic_save
from doctors.models import Doctor, DoctorSlot
from doctors.schedule.exceptions import extra_hours_close
from doctors.schedule.notice import doctor_notice_rules_set
from doctors.schedule.services import slot_create, slot_delete
from mongo.raw import collection
from tests.appointments.conftest import MONDAY, NEXT_MONDAY, TUESDAY
from tests.appointments.raw import holders, insert_raw, seed_shaped
from tests.appointments.test_place_faults import _child as place_fault_child
from tests.clinics.factories import week_hours
from tests.doctors.factories import DoctorSlotFactory
from tests.member_api import member_client
from tests.users.factories import UserFactory
from users.models import User

pytestmark = pytest.mark.django_db

BY_DOCTOR = Actorship(actor=Actor.DOCTOR, id="DOC-TEST")


@pytest.fixture(autouse=True)
def _no_notice(settings: pytest.FixtureRequest) -> None:
    settings.BOOKING_MIN_NOTICE_MINUTES = 0  # type: ignore[attr-defined]


@pytest.fixture
def slot() -> DoctorSlot:
    """Mondays 09:00-10:00, one place per half hour: next free is Monday 09:00 (the clock is Monday 07:00)."""
    return DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="10:00")


def shown(api: APIClient, doctor_id: str, **params: object) -> tuple[str, str] | None:
    response = api.get("/api/v1/doctors", {"page_size": 100, **params})
    assert response.status_code == 200, response.json()
    (found,) = [d["nextAvailable"] for d in response.json()["results"] if d["doctorId"] == doctor_id]
    return (found["date"], found["timeSlot"]) if found else None


def stored(doctor_id: str, kind: str = "ANY") -> dict | None:
    return collection(COLLECTION).find_one({"_id": f"doctor|{kind}|{doctor_id}"})


def book(member: User, slot: DoctorSlot, day: str = MONDAY, time_slot: str = "09:00 AM") -> Appointment:
    return appointment_book(
        user=member,
        doctor_id=slot.doctor_id,
        appointment_type="IN_CLINIC",
        appointment_date=day,
        time_slot=time_slot,
        clinic_id=slot.clinic_id,
    )


def test_the_first_search_stores_it_and_the_next_reads_it_back(api: APIClient, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    entry = stored(slot.doctor_id)
    assert entry is not None and entry["dirty"] is False and entry["next"]["timeSlot"] == "09:00 AM"
    assert shown(api, slot.doctor_id, type="ONLINE") == (MONDAY, "09:00 AM")
    assert stored(slot.doctor_id, "ONLINE") is not None  # each type apart


# --- this app's own writes show at once --------------------------------------------------------------------


def test_a_booking_of_the_time_shown_moves_it(api: APIClient, member: User, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    response = api.post(
        "/api/v1/appointments",
        {
            "doctorId": slot.doctor_id,
            "appointmentType": "IN_CLINIC",
            "appointmentDate": MONDAY,
            "timeSlot": "09:00 AM",
            "clinicId": slot.clinic_id,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")


def test_a_cancel_brings_it_back(api: APIClient, member: User, slot: DoctorSlot) -> None:
    appointment = book(member, slot)
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")
    appointment_cancel_by_member(appointment=appointment)
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")


def test_a_reschedule_moves_it(api: APIClient, member: User, slot: DoctorSlot) -> None:
    appointment = book(member, slot)
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")
    appointment_reschedule(appointment=appointment, appointment_date=MONDAY, time_slot="09:30 AM", by=Actor.MEMBER)
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")


def test_time_off_moves_it(api: APIClient, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    time_off_add(doctor=slot.doctor, by=BY_DOCTOR, start_date=MONDAY, end_date=MONDAY, reason="Conference")
    assert shown(api, slot.doctor_id) == (NEXT_MONDAY, "09:00 AM")


def test_time_off_removed_shows_at_once(api: APIClient, slot: DoctorSlot) -> None:
    time_off = time_off_add(doctor=slot.doctor, by=BY_DOCTOR, start_date=MONDAY, end_date=MONDAY, reason="Conference")
    assert shown(api, slot.doctor_id) == (NEXT_MONDAY, "09:00 AM")
    time_off_delete(time_off=time_off)  # a queryset delete: Django still sends post_delete
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")


def test_online_consultations_switched_off_show_at_once(api: APIClient, slot: DoctorSlot) -> None:
    def kind() -> str:
        (doctor,) = [d for d in api.get("/api/v1/doctors").json()["results"] if d["doctorId"] == slot.doctor_id]
        return doctor["nextAvailable"]["consultationType"]

    assert kind() == "BOTH"
    doctor = Doctor.objects.get(doctor_id=slot.doctor_id)
    doctor.available_online = False
    doctor.save()  # as the admin saves it
    assert kind() == "IN_CLINIC"


def test_extra_hours_show_at_once_and_go_when_closed(api: APIClient, slot: DoctorSlot) -> None:
    time_off_add(doctor=slot.doctor, by=BY_DOCTOR, start_date=MONDAY, end_date=MONDAY, reason="Conference")
    assert shown(api, slot.doctor_id) == (NEXT_MONDAY, "09:00 AM")
    extra = extra_hours_add(
        doctor=slot.doctor,
        by=BY_DOCTOR,
        date=TUESDAY,
        clinic_id=slot.clinic_id,
        start_time="10:00",
        end_time="11:00",
        consultation_fee=1000,
        consultation_type="BOTH",
    )
    assert shown(api, slot.doctor_id) == (TUESDAY, "10:00 AM")
    extra_hours_close(extra=extra)  # a queryset update: no model signal
    assert shown(api, slot.doctor_id) == (NEXT_MONDAY, "09:00 AM")


def test_a_slot_added_or_removed_shows_at_once(api: APIClient, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    earlier = slot_create(
        doctor=slot.doctor,
        clinic_id=slot.clinic_id,
        day_of_week="Monday",
        start_time="08:00",
        end_time="08:30",
        consultation_fee=1000,
        consultation_type="BOTH",
    )
    assert shown(api, slot.doctor_id) == (MONDAY, "08:00 AM")
    slot_delete(slot=earlier)
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")


def test_the_doctors_own_notice_shows_at_once(api: APIClient, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    doctor_notice_rules_set(  # one raw update of the doctor: no model signal
        doctor=slot.doctor, booking_min_notice_minutes=150, booking_horizon_days=None, member_change_cutoff_minutes=None
    )
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")


def test_clinic_hours_show_at_once(api: APIClient, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id, type="IN_CLINIC") == (MONDAY, "09:00 AM")
    clinic = slot.clinic
    clinic.operating_hours = week_hours(closed=("Monday",))
    clinic_save(clinic=clinic)  # the clinic now closes on Mondays, the doctor's only day
    assert shown(api, slot.doctor_id, type="IN_CLINIC") is None


def test_a_changed_global_notice_shows_at_once(api: APIClient, slot: DoctorSlot, settings) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    settings.BOOKING_MIN_NOTICE_MINUTES = 150  # a deploy with another setting: 07:00 + 2.5 h
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")


# --- time, and writes the app never sees ---------------------------------------------------------------------


def test_a_raw_insert_shows_within_the_maximum_age(
    api: APIClient, member: User, slot: DoctorSlot, set_clock: Callable[[str, str], None], settings
) -> None:
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 60
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    insert_raw([seed_shaped(doctor=slot.doctor, user=member, day=MONDAY, time_slot="09:00 AM")])
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")  # not seen yet: allowed, for at most a minute
    set_clock(MONDAY, "07:01")
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")


def test_a_time_stops_showing_when_its_notice_begins(
    api: APIClient, slot: DoctorSlot, set_clock: Callable[[str, str], None], settings
) -> None:
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 24 * 3600  # only the time's own end of validity can retire it
    settings.BOOKING_MIN_NOTICE_MINUTES = 60
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    set_clock(MONDAY, "07:59")
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    set_clock(MONDAY, "08:01")
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")


def test_a_clock_set_back_never_reads_an_answer_from_its_future(
    api: APIClient, member: User, slot: DoctorSlot, set_clock: Callable[[str, str], None]
) -> None:
    set_clock(MONDAY, "09:40")
    assert shown(api, slot.doctor_id) == (NEXT_MONDAY, "09:00 AM")
    set_clock(MONDAY, "07:00")
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")


def test_maximum_age_zero_stores_nothing(api: APIClient, slot: DoctorSlot, settings) -> None:
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 0
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    assert collection(COLLECTION).count_documents({"computedAt": {"$exists": True}}) == 0


# --- races -----------------------------------------------------------------------------------------------------


def test_a_booking_while_the_page_is_worked_out_is_not_overwritten(
    api: APIClient, member: User, slot: DoctorSlot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reads its entries, works the answer out, and a booking lands before it stores it: the stored
    answer (worked out before the booking) must not be used afterwards. Both orders of "no entry yet" and
    "an entry read" are tried."""
    for round_, expected in enumerate([(MONDAY, "09:30 AM"), (NEXT_MONDAY, "09:00 AM")]):

        def booked_meanwhile(**kwargs: object) -> dict:
            answer = next_available(**kwargs)  # type: ignore[arg-type]
            book(member, slot, time_slot=answer[slot.doctor_id].time_slot)  # type: ignore[union-attr]
            return answer

        if round_ == 1:
            assert stored(slot.doctor_id) is not None  # this time the page reads an entry, then works it out
            next_free_forget([slot.doctor_id])
        monkeypatch.setattr(next_free_store, "next_available", booked_meanwhile)
        shown(api, slot.doctor_id)  # answered as worked out, before the booking landed
        monkeypatch.setattr(next_free_store, "next_available", next_available)
        assert shown(api, slot.doctor_id) == expected


def test_concurrent_bookings_and_searches_end_on_the_true_answer(member: User) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    slot = DoctorSlotFactory(day_of_week="Monday", start_time="09:00", end_time="12:00")
    members = UserFactory.create_batch(6)
    times = ["09:00 AM", "09:30 AM", "10:00 AM", "10:30 AM", "11:00 AM", "11:30 AM"]

    def run(index: int) -> None:
        try:
            member_client(members[index]).get("/api/v1/doctors", {"page_size": 100})
            book(members[index], slot, time_slot=times[index])
            member_client(members[index]).get("/api/v1/doctors", {"page_size": 100})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(run, range(6)))
    doctor = Doctor.objects.get(doctor_id=slot.doctor_id)
    truth = next_available(doctors=[doctor])[slot.doctor_id]
    assert next_free_read(doctors=[doctor], consultation_type=None)[slot.doctor_id] == truth
    assert truth is not None and (truth.date.isoformat(), truth.time_slot) == (NEXT_MONDAY, "09:00 AM")


def test_entries_are_kept_per_type_and_forget_marks_each_stale(slot: DoctorSlot) -> None:
    doctor = slot.doctor
    for kind in (None, "ONLINE", "IN_CLINIC"):
        next_free_read(doctors=[doctor], consultation_type=kind)
    next_free_forget([doctor.doctor_id])
    assert [stored(doctor.doctor_id, kind)["dirty"] for kind in ("ANY", "ONLINE", "IN_CLINIC")] == [True] * 3


# --- a crash between the booking's write and its forget -----------------------------------------------------------


def test_a_booking_killed_before_its_forget_shows_within_the_maximum_age(
    api: APIClient, slot: DoctorSlot, set_clock: Callable[[str, str], None], settings
) -> None:
    """A real child process books and is killed (SIGKILL) right after its insert, before it marks the stored
    answer stale. The appointment is whole; the stored answer is a hint that booking still checks (409), and
    it is worked out afresh once NEXT_AVAILABLE_MAX_AGE_SECONDS have passed."""
    settings.NEXT_AVAILABLE_MAX_AGE_SECONDS = 60
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    member = UserFactory()
    args = {"do": "book", "email": member.email, "doctor": slot.doctor_id, "date": MONDAY, "time": "09:00 AM"}
    result = place_fault_child({**args, "clinic": slot.clinic_id}, "take:after-insert")
    assert result.returncode == -signal.SIGKILL, (result.returncode, result.stdout, result.stderr)

    assert len(holders(doctor_id=slot.doctor_id, day=MONDAY, time_slot="09:00 AM")) == 1
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")  # stale, within the minute
    again = member_client(UserFactory()).post(
        "/api/v1/appointments",
        {
            "doctorId": slot.doctor_id,
            "appointmentType": "IN_CLINIC",
            "appointmentDate": MONDAY,
            "timeSlot": "09:00 AM",
            "clinicId": slot.clinic_id,
        },
        format="json",
    )
    assert again.status_code == 409
    set_clock(MONDAY, "07:01")
    assert shown(api, slot.doctor_id) == (MONDAY, "09:30 AM")


def test_an_entry_not_written_by_the_store_is_worked_out_again(api: APIClient, slot: DoctorSlot) -> None:
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    collection(COLLECTION).update_one({"_id": f"doctor|ANY|{slot.doctor_id}"}, {"$set": {"next": {"date": "x"}}})
    assert shown(api, slot.doctor_id) == (MONDAY, "09:00 AM")
    assert stored(slot.doctor_id)["next"]["timeSlot"] == "09:00 AM"  # type: ignore[index]


def test_a_doctor_id_that_looks_like_a_key_stays_its_own(api: APIClient) -> None:
    odd = DoctorSlotFactory(doctor__doctor_id="epoch|ANY", day_of_week="Monday", start_time="09:00", end_time="10:00")
    plain = DoctorSlotFactory(day_of_week="Tuesday", start_time="09:00", end_time="10:00")
    assert shown(api, odd.doctor_id) == (MONDAY, "09:00 AM")
    assert shown(api, plain.doctor_id) == (TUESDAY, "09:00 AM")
    next_free_forget([odd.doctor_id])
    assert shown(api, odd.doctor_id) == (MONDAY, "09:00 AM")
