"""What other apps hear when a clinic changes.

Doctors embed a copy of each clinic they practise at (name, address, city, location); doctors sits above
clinics and must not be imported by it, so doctors subscribes here from its AppConfig.ready() and keeps its
copies in step (doctors/services.py: `doctor_clinics_sync`). Listeners run in the request, after the clinic's
write, in the order they subscribed; an exception propagates to the caller.
"""

from collections.abc import Callable

from clinics.models import Clinic

ClinicListener = Callable[[Clinic], object]
_listeners: list[ClinicListener] = []


def clinic_changed_subscribe(listener: ClinicListener) -> None:
    """Call `listener(clinic)` after every clinic save. Subscribing the same listener twice is a no-op."""
    if listener not in _listeners:
        _listeners.append(listener)


def clinic_changed_emit(clinic: Clinic) -> None:
    for listener in _listeners:
        listener(clinic)
