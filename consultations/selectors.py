"""Reads of video consultations. Someone else's consultation or appointment is "not found" (404), never 403.

URL keys: a consultation is named by its `consultationId` ("VC-" + ten digits) or its 24-hex `_id`; an
appointment by its `appointmentId` string or its 24-hex `_id`.
"""

from bson import ObjectId
from django.db.models import Q
from django.http import Http404

from appointments.doctor_selectors import doctor_appointment_get
from appointments.models import Appointment, AppointmentType
from appointments.selectors import appointment_get_for_member
from consultations.models import OPEN_STATUSES, VideoConsultation
from doctors.models import Doctor


def _key_filter(key: str) -> Q:
    if ObjectId.is_valid(key):
        return Q(pk=ObjectId(key)) | Q(consultation_id=key)
    return Q(consultation_id=key)


def consultation_get_for_patient(*, user: object, key: str) -> VideoConsultation:
    consultation = VideoConsultation.objects.filter(_key_filter(key), patient=user).first()
    if consultation is None:
        raise Http404
    return consultation


def consultation_get_for_doctor(*, doctor: Doctor, key: str) -> VideoConsultation:
    consultation = VideoConsultation.objects.filter(_key_filter(key), doctor=doctor).first()
    if consultation is None:
        raise Http404
    return consultation


def appointment_get_for_doctor(*, doctor: Doctor, key: str) -> Appointment:
    appointment = doctor_appointment_get(doctor=doctor, ref=key)
    if appointment is None:
        raise Http404
    return appointment


def consultation_of_appointment(*, appointment: Appointment) -> VideoConsultation | None:
    """The open consultation of an appointment, else its latest one (a cancelled call may be restarted)."""
    consultations = VideoConsultation.objects.filter(appointment=appointment)
    return consultations.filter(status__in=OPEN_STATUSES).first() or consultations.order_by("-created_at").first()


def consultation_get_for_member_appointment(*, user: object, appointment_key: str) -> VideoConsultation:
    """The consultation of the member's own ONLINE appointment, if one was started."""
    appointment = appointment_get_for_member(user=user, reference=appointment_key)
    online = appointment is not None and appointment.appointment_type == AppointmentType.ONLINE
    consultation = consultation_of_appointment(appointment=appointment) if online else None
    if consultation is None:
        raise Http404
    return consultation
