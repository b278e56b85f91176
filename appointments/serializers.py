"""API shapes for appointments and availability, in the seed's JSON names.

`AppointmentSerializer` is the whole appointment document; the member API and the doctor API both use it.
"""

import datetime
from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from appointments.models import Appointment, AppointmentStatus, AppointmentType, CallPreference
from appointments.selectors import (
    MSG_DATE_IN_PAST,
    WHEN_PAST,
    WHEN_UPCOMING,
    booking_date_error,
    booking_horizon_days,
    request_expires_at,
)
from appointments.services.booking import MSG_NOT_DOCTORS_CLINIC
from core.serializers import IsoDateField, NumberField, ObjectIdField
from core.validators import MSG_DATE, validate_date


class RescheduledFromSerializer(serializers.Serializer):
    appointmentDate = serializers.CharField(source="appointment_date")
    timeSlot = serializers.CharField(source="time_slot")
    clinicId = serializers.CharField(source="clinic_id", allow_null=True)
    appointmentType = serializers.ChoiceField(source="appointment_type", choices=AppointmentType.choices)


class AppointmentSerializer(serializers.Serializer):
    _id = ObjectIdField(source="pk", read_only=True)
    appointmentId = serializers.CharField(source="appointment_id")
    appointmentNumber = serializers.CharField(source="appointment_number")
    userId = ObjectIdField(source="user_id")
    patientName = serializers.CharField(source="patient_name")
    patientId = serializers.CharField(source="patient_id")
    doctorId = serializers.CharField(source="doctor_id")
    slotId = ObjectIdField(source="slot_id", allow_null=True)
    doctorName = serializers.CharField(source="doctor_name")
    specialty = serializers.CharField()
    clinicId = serializers.CharField(source="clinic_id", allow_null=True)
    clinicName = serializers.CharField(source="clinic_name", allow_null=True)
    clinicAddress = serializers.CharField(source="clinic_address", allow_null=True)
    appointmentType = serializers.ChoiceField(source="appointment_type", choices=AppointmentType.choices)
    appointmentDate = serializers.CharField(source="appointment_date", help_text="YYYY-MM-DD, clinic-local")
    timeSlot = serializers.CharField(source="time_slot", help_text='12-hour "hh:mm AM", clinic-local')
    consultationFee = NumberField(source="consultation_fee")
    status = serializers.ChoiceField(choices=AppointmentStatus.choices)
    requestedAt = serializers.DateTimeField(source="requested_at", allow_null=True)
    confirmedAt = serializers.DateTimeField(source="confirmed_at", allow_null=True)
    paymentStatus = serializers.CharField(source="payment_status")
    amountPaid = NumberField(source="amount_paid")
    coveredByInsurance = serializers.BooleanField(source="covered_by_insurance")
    contactNumber = serializers.CharField(source="contact_number", allow_null=True)
    callPreference = serializers.CharField(source="call_preference", allow_null=True)
    prescriptionId = ObjectIdField(source="prescription_id", allow_null=True)
    hasPrescription = serializers.BooleanField(source="has_prescription")
    cancelledAt = serializers.DateTimeField(source="cancelled_at", allow_null=True)
    cancelledBy = serializers.CharField(source="cancelled_by", allow_null=True)
    cancellationReason = serializers.CharField(source="cancellation_reason", allow_null=True)
    rescheduledFrom = RescheduledFromSerializer(
        source="rescheduled_from", allow_null=True, help_text="Where and when it was before its latest reschedule."
    )
    rescheduledAt = serializers.DateTimeField(source="rescheduled_at", allow_null=True)
    rescheduledBy = serializers.CharField(source="rescheduled_by", allow_null=True, help_text="MEMBER, DOCTOR or STAFF")
    rescheduleCount = serializers.IntegerField(source="reschedule_count", allow_null=True)
    videoOpenedAt = serializers.DateTimeField(
        source="video_opened_at", allow_null=True, help_text="When the doctor first opened the video room."
    )
    requestExpiresAt = serializers.SerializerMethodField(
        help_text="PENDING_CONFIRMATION only: when the request is cancelled if the doctor has not confirmed it."
    )
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
    consultationId = serializers.CharField(
        source="consultation_id",
        allow_null=True,
        default=None,
        read_only=True,
        help_text=(
            "ONLINE only: the video consultation's id once the doctor has started the call (then join it with "
            "POST /api/v1/consultations/{consultationId}/join); null before, and for IN_CLINIC."
        ),
    )
    videoRoomOpen = serializers.BooleanField(
        source="video_room_open",
        allow_null=True,
        default=None,
        read_only=True,
        help_text="ONLINE only: whether the call's room is open to join now; null for IN_CLINIC.",
    )

    def get_requestExpiresAt(self, appointment: Appointment) -> datetime.datetime | None:
        if appointment.status != AppointmentStatus.PENDING_CONFIRMATION:
            return None
        try:
            return request_expires_at(appointment)
        except ValueError:
            return None


class AppointmentBookSerializer(serializers.Serializer):
    # POST /api/v1/appointments. Shapes only: the booking rules live in appointment_book.

    doctorId = serializers.CharField(max_length=32)
    appointmentType = serializers.ChoiceField(choices=AppointmentType.choices)
    appointmentDate = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    timeSlot = serializers.CharField(max_length=8, help_text='"hh:mm AM", as availability lists it')
    clinicId = serializers.CharField(
        max_length=32, required=False, allow_null=True, allow_blank=True, help_text="Required for IN_CLINIC."
    )
    contactNumber = serializers.CharField(
        max_length=32, required=False, allow_null=True, allow_blank=True, help_text="Required for ONLINE."
    )
    callPreference = serializers.ChoiceField(
        choices=CallPreference.choices, required=False, allow_null=True, help_text="Required for ONLINE."
    )


RESCHEDULE_EXAMPLES = [
    OpenApiExample(
        "Another time, same type and clinic",
        value={"appointmentDate": "2025-10-06", "timeSlot": "11:30 AM"},
        request_only=True,
    ),
    OpenApiExample(
        "Another clinic",
        value={"appointmentDate": "2025-10-07", "timeSlot": "05:00 PM", "clinicId": "CLN002"},
        request_only=True,
    ),
    OpenApiExample(
        "From the clinic to a video call",
        value={
            "appointmentDate": "2025-10-06",
            "timeSlot": "06:30 PM",
            "appointmentType": "ONLINE",
            "contactNumber": "+919876543210",
            "callPreference": "VIDEO",
        },
        request_only=True,
    ),
    OpenApiExample(
        "The new time is full (the appointment keeps its place)",
        value={"detail": "This time is fully booked. Please choose another time."},
        response_only=True,
        status_codes=["409"],
    ),
    OpenApiExample(
        "A time the doctor does not offer",
        value={"timeSlot": ["This doctor has no IN_CLINIC time at 11:45 AM on 2025-10-06 at CLN001."]},
        response_only=True,
        status_codes=["400"],
    ),
]


class AppointmentRescheduleSerializer(serializers.Serializer):
    # POST .../appointments/{id}/reschedule. Shapes only: the rules live in appointment_reschedule.

    appointmentDate = serializers.CharField(max_length=10, help_text="YYYY-MM-DD")
    timeSlot = serializers.CharField(max_length=8, help_text='"hh:mm AM", as availability lists it')
    clinicId = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="IN_CLINIC: the clinic; absent keeps the appointment's own.",
    )
    appointmentType = serializers.ChoiceField(
        choices=AppointmentType.choices, required=False, allow_null=True, help_text="Absent keeps the type."
    )
    contactNumber = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="ONLINE: absent keeps the appointment's own (needed when it has none).",
    )
    callPreference = serializers.ChoiceField(
        choices=CallPreference.choices,
        required=False,
        allow_null=True,
        help_text="ONLINE: absent keeps the appointment's own (needed when moving an IN_CLINIC visit online).",
    )

    def service_arguments(self) -> dict[str, Any]:
        """The validated body as appointment_reschedule's keyword arguments."""
        data = self.validated_data
        return {
            "appointment_date": data["appointmentDate"],
            "time_slot": data["timeSlot"],
            "clinic_id": data.get("clinicId") or None,
            "appointment_type": data.get("appointmentType") or None,
            "contact_number": data.get("contactNumber") or None,
            "call_preference": data.get("callPreference") or None,
        }


class AppointmentListParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=AppointmentStatus.choices, required=False, help_text="Only appointments in this status."
    )
    when = serializers.ChoiceField(
        choices=[WHEN_UPCOMING, WHEN_PAST],
        required=False,
        help_text=(
            "`upcoming`: pending or confirmed, from today on, soonest first. `past`: all the others (an earlier "
            "date, completed or cancelled), newest first. Without it: all, newest first."
        ),
    )


MSG_DATE_OR_RANGE = "Give either date, or from and to."
MSG_RANGE_NEEDS_BOTH = "Give both from and to."
MSG_RANGE_ORDER = "from must be on or before to."
MSG_RANGE_TOO_LONG = "A range covers at most {days} days."
MSG_RANGE_OUTSIDE = "No day of this range can be booked: bookings open from today to {days} days ahead."


def range_max_days() -> int:
    return int(getattr(settings, "AVAILABILITY_RANGE_MAX_DAYS", 31))


def _iso_date(**kwargs: Any) -> IsoDateField:
    return IsoDateField(required=False, **kwargs)


class AvailabilityParamsSerializer(serializers.Serializer):
    """?date= (one day) or ?from=&to= (up to 31 days), with ?type= and ?clinicId=."""

    date = _iso_date(help_text="One day, YYYY-MM-DD (clinic-local), from today to the booking horizon.")
    type = serializers.ChoiceField(
        choices=AppointmentType.choices,
        required=False,
        help_text="Only times bookable as this type (times that serve BOTH are included).",
    )
    clinicId = serializers.CharField(
        max_length=32,
        required=False,
        help_text="Only times at this clinic, one of the doctor's `clinics` (e.g. CLINIC001); another is 400.",
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # `from` is a Python keyword, so these two are added here rather than declared above.
        fields["from"] = _iso_date(help_text="First day of a range, YYYY-MM-DD (clinic-local); needs `to`.")
        fields["to"] = _iso_date(
            help_text=f"Last day of the range, YYYY-MM-DD, at most {range_max_days()} days including `from`."
        )
        return fields

    def validate_date(self, value: datetime.date) -> datetime.date:
        # The doctor's own horizon when the view passes the doctor (context "doctor"), else the default.
        if problem := booking_date_error(value, self.context.get("doctor")):
            raise serializers.ValidationError(problem)
        return value

    def validate_clinicId(self, value: str) -> str:
        # Booking refuses a clinic the doctor does not practise at; an empty calendar would read as "fully booked".
        doctor = self.context.get("doctor")
        if doctor is not None and doctor.clinic(value) is None:
            raise serializers.ValidationError(MSG_NOT_DOCTORS_CLINIC)
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("from"), attrs.get("to")
        if "date" in attrs:
            if start or end:
                raise serializers.ValidationError({"date": [MSG_DATE_OR_RANGE]})
            attrs["from"] = attrs["to"] = attrs["date"]
            return attrs
        if start is None and end is None:
            raise serializers.ValidationError({"date": [MSG_DATE_OR_RANGE]})
        if start is None or end is None:
            raise serializers.ValidationError({"from" if start is None else "to": [MSG_RANGE_NEEDS_BOTH]})
        if start > end:
            raise serializers.ValidationError({"to": [MSG_RANGE_ORDER]})
        if (end - start).days + 1 > range_max_days():
            raise serializers.ValidationError({"to": [MSG_RANGE_TOO_LONG.format(days=range_max_days())]})
        doctor = self.context.get("doctor")
        before = booking_date_error(end, doctor) == MSG_DATE_IN_PAST
        if before or booking_date_error(start, doctor) not in (None, MSG_DATE_IN_PAST):
            raise serializers.ValidationError({"from": [MSG_RANGE_OUTSIDE.format(days=booking_horizon_days(doctor))]})
        return attrs


class AvailableTimeSerializer(serializers.Serializer):
    timeSlot = serializers.CharField(source="time_slot", help_text='12-hour "hh:mm AM", clinic-local.')
    clinicId = serializers.CharField(source="clinic_id", help_text="Where the time is (ONLINE times name it too).")
    consultationType = serializers.CharField(
        source="consultation_type", help_text="What this time can be booked as: IN_CLINIC, ONLINE or BOTH."
    )
    consultationFee = NumberField(source="consultation_fee", help_text="Rupees.")
    remaining = serializers.IntegerField(help_text="Places still free at this time (maxPatients minus booked).")
    slotId = ObjectIdField(source="slot_id", help_text="The weekly slot this time belongs to.")


class AvailabilityDaySerializer(serializers.Serializer):
    date = serializers.DateField(help_text="YYYY-MM-DD, clinic-local.")
    slots = AvailableTimeSerializer(many=True, help_text="Bookable times of the day, earliest first.")


class AvailabilitySerializer(serializers.Serializer):
    doctorId = serializers.CharField(help_text="The doctor's doctorId.")
    date = serializers.DateField(required=False, help_text="Only with ?date=: the day asked for.")
    slots = AvailableTimeSerializer(
        many=True, required=False, help_text="Only with ?date=: that day's bookable times (as `days[0].slots`)."
    )
    days = AvailabilityDaySerializer(many=True, help_text="Every day asked for, in date order.")


class DoctorAppointmentFilterSerializer(serializers.Serializer):
    """?date=YYYY-MM-DD&status=... of GET /api/v1/doctor/appointments."""

    date = serializers.CharField(
        required=False, error_messages={"blank": MSG_DATE}, help_text="Only this day, YYYY-MM-DD (clinic-local)."
    )
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)

    def validate_date(self, value: str) -> str:
        try:
            validate_date(value)
        except Exception as exc:  # django ValidationError -> DRF field error
            raise serializers.ValidationError(MSG_DATE) from exc
        return value
