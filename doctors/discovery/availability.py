"""Free times in doctor search, answered by appointments.

Doctors sits below appointments and never imports it: appointments registers its readers here from its
AppConfig.ready() (the registry pattern of docs/development.md, Dependency order). Without them (an app
setup without appointments) search simply shows no free times.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, Protocol

from doctors.models import Doctor


class NextFree(Protocol):
    """A doctor's soonest bookable time (appointments.selectors.NextAvailable)."""

    date: date
    minutes: int
    time_slot: str
    consultation_type: str
    clinic_id: str


# next_available(doctors=..., consultation_type=...) -> {doctorId: NextFree | None}
NextAvailableReader = Callable[..., dict[str, Any]]
# doctors_available_on(doctor_ids=..., day=..., consultation_type=...) -> {doctorId, ...}
AvailableOnReader = Callable[..., set[str]]

_readers: dict[str, Any] = {}
_changed_listeners: list[Callable[[Iterable[str]], object]] = []


def availability_readers_register(*, next_available: NextAvailableReader, available_on: AvailableOnReader) -> None:
    _readers["next_available"], _readers["available_on"] = next_available, available_on


def doctors_next_available(doctors: Sequence[Doctor], *, consultation_type: str | None) -> dict[str, NextFree | None]:
    """Each doctor's soonest free time, by doctorId (round trips flat in the number of doctors)."""
    reader = _readers.get("next_available")
    if reader is None or not doctors:
        return {doctor.doctor_id: None for doctor in doctors}
    return reader(doctors=doctors, consultation_type=consultation_type)


def doctor_ids_available_on(doctor_ids: Sequence[str], *, day: date, consultation_type: str | None) -> set[str]:
    """The doctorIds among `doctor_ids` with a free time on `day`."""
    reader = _readers.get("available_on")
    if reader is None or not doctor_ids:
        return set()
    return reader(doctor_ids=doctor_ids, day=day, consultation_type=consultation_type)


def doctor_availability_changed_subscribe(listener: Callable[[Iterable[str]], object]) -> None:
    """Call `listener(doctor_ids)` after a write of doctors that the model signals do not report (a raw or
    queryset update) and that may change what these doctors have free. Subscribing twice is a no-op."""
    if listener not in _changed_listeners:
        _changed_listeners.append(listener)


def doctor_availability_changed(doctor_ids: Iterable[str]) -> None:
    """Tell the subscribers (appointments' stored next free times) that these doctors' free times may have
    changed. Saves through the models (`save()`, `delete()`, the admin) are reported by Django's signals."""
    ids = list(doctor_ids)
    for listener in _changed_listeners:
        listener(ids)
