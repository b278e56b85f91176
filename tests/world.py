"""A small, realistic world for the hardening tests (fuzzing, id-guessing, logs): two members, two doctors.

Each doctor has weekly slots on every day, a clinic, appointments in every status with each member, an online
appointment with a video consultation and a prescription, so a test that guesses or fuzzes ids hits real
objects: its own and the other party's.

`world.ids[kind]` lists every real id of a kind (both the `_id` hex and the business id where a route accepts
either); `world.own(kind, role)` and `world.foreign(kind, role)` split them by who may see them.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.middleware.csrf import _get_new_csrf_string
from django.utils import timezone

from appointments.models import Appointment, AppointmentStatus
from consultations.models import VideoConsultation
from doctors.auth.services import doctor_login
from doctors.models import Doctor, DoctorSlot, ScheduleException
from notifications.models import Channel, Notification
from notifications.services import notify_booked
from prescriptions.models import Prescription
from tests.appointments.factories import AppointmentFactory, OnlineAppointmentFactory
from tests.clinics.factories import ClinicFactory
from tests.consultations.factories import VideoConsultationFactory
from tests.doctors.factories import DOCTOR_PASSWORD, DoctorFactory, DoctorSlotFactory, clinic_entry
from tests.prescriptions.factories import PrescriptionFactory
from tests.users.factories import UserFactory
from users.models import User
from users.tokens import member_tokens_issue

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MEMBER, DOCTOR = "member", "doctor"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class Party:
    """One side of the world: a member and the doctor they see, and what belongs to them."""

    member: User
    doctor: Doctor
    slots: list[DoctorSlot] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    consultations: list[VideoConsultation] = field(default_factory=list)
    prescriptions: list[Prescription] = field(default_factory=list)
    exceptions: list[ScheduleException] = field(default_factory=list)  # time off and extra hours
    notifications: list[str] = field(default_factory=list)  # the member's in-app notifications (_id hex)


@dataclass
class Credentials:
    """How a test client signs in: request headers and cookies."""

    headers: dict[str, str]
    cookies: dict[str, str]


@dataclass
class World:
    mine: Party
    theirs: Party

    def ids(self, kind: str, party: Party) -> list[str]:
        return _ids(kind, party)

    def all_ids(self, kind: str) -> list[str]:
        return _ids(kind, self.mine) + _ids(kind, self.theirs)


def _ids(kind: str, party: Party) -> list[str]:
    if kind == "doctor":
        return [party.doctor.doctor_id]
    if kind == "clinic":
        return [entry.clinic_id for entry in party.doctor.clinics]
    if kind == "slot":
        return [str(slot.pk) for slot in party.slots]
    if kind == "appointment":
        return [ref for a in party.appointments for ref in (str(a.pk), a.appointment_id)]
    if kind == "consultation":
        return [ref for c in party.consultations for ref in (c.consultation_id, str(c.pk))]
    if kind == "prescription":
        return [ref for p in party.prescriptions for ref in (p.prescription_id, str(p.pk))]
    if kind == "notification":
        return party.notifications
    if kind == "member":
        return [str(party.member.pk), party.member.member_id]
    if kind == "exception":
        return [str(e.pk) for e in party.exceptions]
    return []


def _party(n: int) -> Party:
    clinic = ClinicFactory()
    doctor = DoctorFactory(
        clinic=clinic,
        clinics=[clinic_entry(clinic)],
        available_online=True,
        available_offline=True,
    )
    member = UserFactory()
    party = Party(member=member, doctor=doctor)
    for day in DAYS:
        party.slots.append(
            DoctorSlotFactory(doctor=doctor, day_of_week=day, start_time="06:00", end_time="23:30", max_patients=3)
        )
    today = timezone.localdate()
    for offset, status in enumerate(AppointmentStatus.values):
        day = (today + timedelta(days=offset + 1)).isoformat()
        party.appointments.append(
            AppointmentFactory(
                user=member, doctor=doctor, status=status, appointment_date=day, slot_id=party.slots[0].pk
            )
        )
    online = OnlineAppointmentFactory(user=member, doctor=doctor, status=AppointmentStatus.CONFIRMED)
    party.appointments.append(online)
    party.consultations.append(VideoConsultationFactory(appointment=online))
    # Not at the online visit's time: one live appointment per member per time (appointments/integrity.py).
    done = AppointmentFactory(user=member, doctor=doctor, status=AppointmentStatus.COMPLETED, time_slot="11:00 AM")
    party.appointments.append(done)
    prescription = PrescriptionFactory(appointment=done)
    default_storage.save(prescription.file_path, ContentFile(PDF_BYTES))
    party.prescriptions.append(prescription)
    far = (today + timedelta(days=60)).isoformat()  # clear of the appointments above
    party.exceptions.append(
        ScheduleException.objects.create(
            doctor=doctor,
            kind="TIME_OFF",
            start_date=far,
            end_date=far,
            reason="Conference",
            created_by_role="DOCTOR",
            created_by_id=doctor.doctor_id,
        )
    )
    party.exceptions.append(
        ScheduleException.objects.create(
            doctor=doctor,
            kind="EXTRA_HOURS",
            start_date=far,
            end_date=far,
            clinic_id=clinic.clinic_id,
            start_time="23:30",
            end_time="23:45",
            slot_duration=15,
            max_patients=1,
            consultation_fee=500,
            consultation_type="BOTH",
            created_by_role="DOCTOR",
            created_by_id=doctor.doctor_id,
        )
    )
    notify_booked(appointment=party.appointments[0])  # what booking it through the API writes
    party.notifications = [
        str(row.pk) for row in Notification.objects.filter(recipient_id=str(member.pk), channel=Channel.IN_APP)
    ]
    return party


def build_world() -> World:
    """Two parties; needs the database (call it inside a django_db test or fixture)."""
    return World(mine=_party(0), theirs=_party(1))


def member_credentials(member: User) -> Credentials:
    token = member_tokens_issue(user=member).access
    return Credentials(headers={"Authorization": f"Bearer {token}"}, cookies={})


def doctor_credentials(doctor: Doctor) -> Credentials:
    """A real doctor session (the sign-in service, no HTTP) plus a CSRF cookie and its header."""
    signed_in = doctor_login(email=doctor.email, password=DOCTOR_PASSWORD, ip_address="127.0.0.1")
    csrf = _get_new_csrf_string()
    return Credentials(
        headers={"X-CSRFToken": csrf},
        cookies={"doctor_session": signed_in.token.token, settings.CSRF_COOKIE_NAME: csrf},
    )


def credentials(world: World, role: str) -> Credentials:
    return member_credentials(world.mine.member) if role == MEMBER else doctor_credentials(world.mine.doctor)
