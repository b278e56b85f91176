"""The doctor portal's pages, found from the URL patterns, and a doctor whose data fills every one of them.

Every URL named `portal-*` (plus the sign-in page) whose view answers GET is a page, unless NOT_PAGES says why
not. A page's URL arguments are filled from SAMPLE_ARGUMENTS by name, so a page another branch adds
(`portal-week`, `portal-time-off`, `portal-appointment-reschedule`, ...) is picked up without touching this
file; a page with an argument nobody knows fails `test_every_portal_page_has_a_sample_url` until it is added.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

PAGE_NAME_PREFIX = "portal-"
OTHER_PAGES = ("doctor-login",)
# URL names whose view answers GET but is not an HTML page.
NOT_PAGES = {"portal-prescription-file": "a file download"}
# The appointment page is scanned once per status (its actions, panels and badges differ).
STATUS_PAGES = "portal-appointment-detail"


@dataclass(frozen=True)
class PortalRoute:
    name: str
    params: tuple[str, ...]
    view_class: Any


def _walk(patterns: list[Any]) -> Iterator[URLPattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry


def _params(pattern: URLPattern) -> tuple[str, ...]:
    return tuple(pattern.pattern.regex.groupindex)


def _answers_get(pattern: URLPattern) -> bool:
    view_class = getattr(pattern.callback, "view_class", None)
    if view_class is None:  # a function view: assume it is a page
        return True
    return hasattr(view_class, "get")


def portal_routes() -> list[PortalRoute]:
    """Every named portal route (pages and POST-only actions alike)."""
    routes = []
    for pattern in _walk(get_resolver().url_patterns):
        name = pattern.name or ""
        if name.startswith(PAGE_NAME_PREFIX) or name in OTHER_PAGES:
            view_class = getattr(pattern.callback, "view_class", pattern.callback)
            routes.append(PortalRoute(name=name, params=_params(pattern), view_class=view_class))
    return routes


def portal_page_routes() -> list[PortalRoute]:
    """The routes that are pages a doctor looks at: they answer GET and are not in NOT_PAGES."""
    pages = []
    for pattern in _walk(get_resolver().url_patterns):
        name = pattern.name or ""
        wanted = name.startswith(PAGE_NAME_PREFIX) or name in OTHER_PAGES
        if wanted and name not in NOT_PAGES and _answers_get(pattern):
            pages.append(PortalRoute(name=name, params=_params(pattern), view_class=pattern.callback))
    return pages


def sample_argument(route: PortalRoute, param: str, samples: dict[str, str]) -> str | None:
    """The value of one URL argument: by its name, or (one argument, a `portal-appointment-…` page) the
    appointment's."""
    if param in samples:
        return samples[param]
    if len(route.params) == 1 and route.name.startswith("portal-appointment") and "appointment_id" in samples:
        return samples["appointment_id"]
    return None


def page_url(route: PortalRoute, samples: dict[str, str]) -> str:
    """The URL of a page with sample arguments; ValueError if an argument has no sample."""
    kwargs = {}
    for param in route.params:
        value = sample_argument(route, param, samples)
        if value is None:
            raise ValueError(f"{route.name}: no sample for URL argument {param!r} (add it to SAMPLE_ARGUMENTS)")
        kwargs[param] = value
    return reverse(route.name, kwargs=kwargs)


@dataclass
class PortalWorld:
    """A doctor with something on every page, and the sample URL arguments that point into it."""

    doctor: Any
    samples: dict[str, str]
    appointment_by_status: dict[str, Any] = field(default_factory=dict)

    def pages(self) -> list[tuple[str, str]]:
        """(label, URL) of every page to check: each portal page, the appointment page once per status."""
        pages = []
        for route in portal_page_routes():
            if route.name == STATUS_PAGES:
                for status, appointment in self.appointment_by_status.items():
                    pages.append((f"{route.name} [{status}]", reverse(route.name, args=[appointment.pk])))
            else:
                pages.append((route.name, page_url(route, self.samples)))
        return pages


# The URL argument names the portal uses, with a dummy value each (the browser test uses real ones).
SAMPLE_ARGUMENTS = {
    "appointment_id": "000000000000000000000001",
    "slot_id": "000000000000000000000002",
    "consultation_key": "VC-0000000001",
    "prescription_id": "PRESC-T00001",
}


def portal_world() -> PortalWorld:
    """Build the doctor and their data (needs the database): two clinics, a weekly schedule with an inactive
    slot, appointments today and later in every status (one online with an open video room), prescriptions."""
    from appointments.models import AppointmentStatus
    from tests.appointments.factories import AppointmentFactory, day_from_today
    from tests.clinics.factories import ClinicFactory
    from tests.consultations.factories import BegunOnlineAppointmentFactory, VideoConsultationFactory
    from tests.doctors.factories import DoctorFactory, DoctorSlotFactory, clinic_entry
    from tests.prescriptions.factories import PrescriptionFactory
    from tests.users.factories import UserFactory

    first = ClinicFactory(name="Max Healthcare, Saket")
    second = ClinicFactory(name="Apollo Clinic, Dwarka")
    doctor = DoctorFactory(name="Dr. Vikas Mittal", clinics=[clinic_entry(first, 1000), clinic_entry(second, 800)])
    slot = DoctorSlotFactory(doctor=doctor, clinic=first, day_of_week="Monday", start_time="09:00", end_time="13:00")
    DoctorSlotFactory(doctor=doctor, clinic=second, day_of_week="Tuesday", consultation_type="ONLINE")
    DoctorSlotFactory(doctor=doctor, clinic=second, day_of_week="Friday", is_active=False)

    def patient(name: str, member_id: str) -> Any:
        return UserFactory(name=name, member_id=member_id)

    by_status = {}
    statuses = [
        (AppointmentStatus.PENDING_CONFIRMATION, "Rohan Gupta", "USR003", 0, "11:30 AM"),
        (AppointmentStatus.CONFIRMED, "Priya Nair", "USR002", 1, "10:00 AM"),
        (AppointmentStatus.COMPLETED, "Aarav Sharma", "USR001", 0, "09:30 AM"),
        (AppointmentStatus.CANCELLED, "Kabir Singh", "USR005", 0, "04:00 PM"),
    ]
    for status, name, member_id, offset, time_slot in statuses:
        by_status[status.value] = AppointmentFactory(
            doctor=doctor,
            user=patient(name, member_id),
            status=status,
            appointment_date=day_from_today(offset),
            time_slot=time_slot,
            has_prescription=status == AppointmentStatus.COMPLETED,
        )
    prescription = PrescriptionFactory(
        appointment=by_status[AppointmentStatus.COMPLETED.value], diagnosis="Seasonal flu"
    )
    _schedule_exceptions(doctor, clinic_id=first.clinic_id)
    online = BegunOnlineAppointmentFactory(doctor=doctor, user=patient("Meera Iyer", "USR004"))
    consultation = VideoConsultationFactory(appointment=online, status="IN_PROGRESS")
    by_status["ONLINE, call open"] = online
    samples = {
        "appointment_id": str(by_status[AppointmentStatus.CONFIRMED.value].pk),
        "slot_id": str(slot.pk),
        "consultation_key": consultation.consultation_id,
        "prescription_id": prescription.prescription_id,
    }
    return PortalWorld(doctor=doctor, samples=samples, appointment_by_status=by_status)


def _schedule_exceptions(doctor: Any, *, clinic_id: str) -> None:
    """A week of time off and an evening of extra hours, for the time-off and week pages."""
    from doctors.models import ScheduleException
    from tests.appointments.factories import day_from_today

    common = {"doctor": doctor, "created_by_role": "DOCTOR", "created_by_id": doctor.doctor_id}
    ScheduleException.objects.create(
        kind="TIME_OFF", start_date=day_from_today(20), end_date=day_from_today(26), reason="Conference", **common
    )
    ScheduleException.objects.create(
        kind="EXTRA_HOURS",
        start_date=day_from_today(3),
        end_date=day_from_today(3),
        start_time="18:00",
        end_time="20:00",
        clinic_id=clinic_id,
        slot_duration=30,
        max_patients=1,
        consultation_fee=1000,
        consultation_type="IN_CLINIC",
        reason="Evening clinic",
        **common,
    )
