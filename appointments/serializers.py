"""API shapes for appointments and availability, in the seed's JSON names.

`AppointmentSerializer` is the whole appointment document; the member API and the doctor API both use it.
"""

import datetime
from typing import Any

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from appointments.models import Appointment, AppointmentStatus, AppointmentType, CallPreference
from appointments.selectors import booking_date_error, request_expires_at
from core.serializers import NumberField, ObjectIdField
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

    def get_requestExpiresAt(self, appointment: Appointment) -> datetime.datetime | None:
        if appointment.status != AppointmentStatus.PENDING_CONFIRMATION:
            return None
        try:
            return request_expires_at(appointment)
        except ValueError:
            return None


class AppointmentBookSerializer(serializers.Serializer):
    """POST /api/v1/appointments. Shapes only: the booking rules live in appointment_book."""

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
    """POST .../appointments/{id}/reschedule. Shapes only: the rules live in appointment_reschedule."""

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
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)


class AvailabilityParamsSerializer(serializers.Serializer):
    date = serializers.DateField(input_formats=["%Y-%m-%d"], help_text="YYYY-MM-DD, clinic-local")
    type = serializers.ChoiceField(choices=AppointmentType.choices, required=False)
    clinicId = serializers.CharField(max_length=32, required=False)

    def validate_date(self, value: datetime.date) -> datetime.date:
        # The doctor's own horizon when the view passes the doctor (context "doctor"), else the default.
        if problem := booking_date_error(value, self.context.get("doctor")):
            raise serializers.ValidationError(problem)
        return value


class AvailableTimeSerializer(serializers.Serializer):
    timeSlot = serializers.CharField(source="time_slot")
    clinicId = serializers.CharField(source="clinic_id")
    consultationType = serializers.CharField(
        source="consultation_type", help_text="What this time can be booked as: IN_CLINIC, ONLINE or BOTH."
    )
    consultationFee = NumberField(source="consultation_fee")
    remaining = serializers.IntegerField(help_text="Places still free at this time (maxPatients minus booked).")
    slotId = ObjectIdField(source="slot_id")


class AvailabilitySerializer(serializers.Serializer):
    doctorId = serializers.CharField()
    date = serializers.DateField()
    slots = AvailableTimeSerializer(many=True)


class DoctorAppointmentFilterSerializer(serializers.Serializer):
    """?date=YYYY-MM-DD&status=... of GET /api/v1/doctor/appointments."""

    date = serializers.CharField(required=False, error_messages={"blank": MSG_DATE})
    status = serializers.ChoiceField(choices=AppointmentStatus.choices, required=False)

    def validate_date(self, value: str) -> str:
        try:
            validate_date(value)
        except Exception as exc:  # django ValidationError -> DRF field error
            raise serializers.ValidationError(MSG_DATE) from exc
        return value
