"""Reads of a doctor's own weekly slots (the doctor API and the portal's schedule page)."""

from dataclasses import dataclass, field

from bson import ObjectId
from django.db.models import Case, IntegerField, QuerySet, Value, When

from core.errors import NotFound
from core.validators import DAYS_OF_WEEK
from doctors.models import Doctor, DoctorSlot

# Monday=0 .. Sunday=6: day names do not sort in week order.
DAY_ORDER = Case(
    *[When(day_of_week=day, then=Value(index)) for index, day in enumerate(DAYS_OF_WEEK)],
    default=Value(7),
    output_field=IntegerField(),
)


def slot_list(
    *, doctor: Doctor, day_of_week: str | None = None, clinic_id: str | None = None, is_active: bool | None = None
) -> QuerySet[DoctorSlot]:
    """The doctor's slots in week order, then by start time."""
    slots = DoctorSlot.objects.filter(doctor_id=doctor.doctor_id)
    if day_of_week:
        slots = slots.filter(day_of_week=day_of_week)
    if clinic_id:
        slots = slots.filter(clinic_id=clinic_id)
    if is_active is not None:
        slots = slots.filter(is_active=is_active)
    return slots.annotate(day_order=DAY_ORDER).order_by("day_order", "start_time", "clinic_id")


def slot_get(*, doctor: Doctor, slot_id: str) -> DoctorSlot:
    """One of the doctor's own slots by its `_id`. Raises NotFound when unknown or someone else's (not 403)."""
    slot = None
    if ObjectId.is_valid(slot_id):
        slot = DoctorSlot.objects.filter(pk=ObjectId(slot_id), doctor_id=doctor.doctor_id).first()
    if slot is None:
        raise NotFound()
    slot.doctor = doctor  # already at hand: no second query for the rules that need it
    return slot


@dataclass
class ScheduleDay:
    name: str
    slots: list[DoctorSlot] = field(default_factory=list)

    @property
    def active_count(self) -> int:
        return sum(1 for slot in self.slots if slot.is_active)


def slot_week(*, doctor: Doctor) -> list[ScheduleDay]:
    """Monday to Sunday with the doctor's slots of each day, from one query."""
    week = {day: ScheduleDay(name=day) for day in DAYS_OF_WEEK}
    for slot in slot_list(doctor=doctor):
        if slot.day_of_week in week:
            week[slot.day_of_week].slots.append(slot)
    return list(week.values())
