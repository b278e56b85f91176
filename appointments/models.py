"""Appointment bookings (`appointments`), with the doctor, clinic and patient names denormalised as the seed does."""

from typing import Any

from bson import ObjectId
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django_mongodb_backend.fields import EmbeddedModelField, ObjectIdField
from django_mongodb_backend.models import EmbeddedModel

from core.fields import BooleanField, NumberField
from core.validators import FEE_VALIDATORS, validate_date, validate_time_12h

MSG_ONLINE_NEEDS_CONTACT = "An ONLINE appointment needs a contact number."
MSG_ONLINE_NEEDS_CALL_PREFERENCE = "An ONLINE appointment needs a call preference (VOICE, VIDEO or BOTH)."
MSG_IN_CLINIC_NEEDS_CLINIC = "An IN_CLINIC appointment needs a clinic."
MSG_NO_WHOLE_SAVE = "A stored appointment is changed through its services (one guarded update), never saved whole."

# The unique partial indexes that hold the places (migration 0004; docs/decisions/0019-place-numbers.md).
INDEX_ONE_HOLDER_PER_PLACE = "appointments_one_holder_per_place"
INDEX_ONE_PER_MEMBER_TIME = "appointments_one_per_member_time"
PLACE_INDEXES = {
    INDEX_ONE_HOLDER_PER_PLACE: [("doctorId", 1), ("appointmentDate", 1), ("timeSlot", 1), ("placeNumber", 1)],
    INDEX_ONE_PER_MEMBER_TIME: [("userId", 1), ("doctorId", 1), ("appointmentDate", 1), ("timeSlot", 1)],
}


# Fields of ours beyond the seed's shape, written only once they have a value (docs/decisions/0009).
OMITTED_WHEN_NULL = frozenset(
    {
        "place_number",
        "cancelled_at",
        "cancelled_by",
        "cancellation_reason",
        "rescheduled_from",
        "rescheduled_at",
        "rescheduled_by",
        "reschedule_count",
        "video_opened_at",
    }
)


class AppointmentType(models.TextChoices):
    IN_CLINIC = "IN_CLINIC", "In clinic"
    ONLINE = "ONLINE", "Online"


class AppointmentStatus(models.TextChoices):
    PENDING_CONFIRMATION = "PENDING_CONFIRMATION", "Pending confirmation"
    CONFIRMED = "CONFIRMED", "Confirmed"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"


class PaymentStatus(models.TextChoices):
    PENDING = "PENDING", "Pending"
    PAID = "PAID", "Paid"
    FREE = "FREE", "Free"


class Actor(models.TextChoices):
    """Who made a change: the member, the doctor, staff (ADMIN or OPERATIONS in the admin) or the system
    (expiry, a doctor's time off)."""

    MEMBER = "MEMBER", "Member"
    DOCTOR = "DOCTOR", "Doctor"
    STAFF = "STAFF", "Staff"
    SYSTEM = "SYSTEM", "System"


class CallPreference(models.TextChoices):
    VOICE = "VOICE", "Voice"
    VIDEO = "VIDEO", "Video"
    BOTH = "BOTH", "Both"


class RescheduledFrom(EmbeddedModel):
    """Where and when an appointment was before its latest reschedule (`rescheduledFrom`)."""

    appointment_date = models.CharField(max_length=10, db_column="appointmentDate")
    time_slot = models.CharField(max_length=8, db_column="timeSlot")
    clinic_id = models.CharField(max_length=32, blank=True, null=True, db_column="clinicId")
    appointment_type = models.CharField(max_length=10, choices=AppointmentType.choices, db_column="appointmentType")

    def __str__(self) -> str:
        return f"{self.appointment_date} {self.time_slot}"


class Appointment(models.Model):
    appointment_id = models.CharField("appointment ID", max_length=40, unique=True, db_column="appointmentId")
    appointment_number = models.CharField(max_length=40, db_column="appointmentNumber")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_column="userId", on_delete=models.PROTECT, related_name="appointments"
    )
    user_id: ObjectId  # the column attribute Django adds; declared for the type checker
    patient_name = models.CharField(max_length=200, db_column="patientName")
    patient_id = models.CharField(max_length=32, db_column="patientId")
    doctor = models.ForeignKey(
        "doctors.Doctor",
        to_field="doctor_id",
        db_column="doctorId",
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    slot = models.ForeignKey(
        "doctors.DoctorSlot",
        db_column="slotId",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    doctor_name = models.CharField(max_length=200, db_column="doctorName")
    specialty = models.CharField(max_length=200)
    clinic_id = models.CharField(max_length=32, blank=True, null=True, db_column="clinicId")
    clinic_name = models.CharField(max_length=200, blank=True, null=True, db_column="clinicName")
    clinic_address = models.CharField(max_length=500, blank=True, null=True, db_column="clinicAddress")
    appointment_type = models.CharField(max_length=10, choices=AppointmentType.choices, db_column="appointmentType")
    appointment_date = models.CharField(max_length=10, validators=[validate_date], db_column="appointmentDate")
    time_slot = models.CharField(max_length=8, validators=[validate_time_12h], db_column="timeSlot")
    consultation_fee = NumberField(validators=FEE_VALIDATORS, db_column="consultationFee")
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.PENDING_CONFIRMATION
    )
    requested_at = models.DateTimeField(null=True, blank=True, db_column="requestedAt")
    confirmed_at = models.DateTimeField(null=True, blank=True, db_column="confirmedAt")
    payment_status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_column="paymentStatus"
    )
    amount_paid = NumberField(default=0, validators=[MinValueValidator(0)], db_column="amountPaid")
    covered_by_insurance = BooleanField(default=True, db_column="coveredByInsurance")
    contact_number = models.CharField(max_length=32, blank=True, null=True, db_column="contactNumber")
    call_preference = models.CharField(
        max_length=5, choices=CallPreference.choices, blank=True, null=True, db_column="callPreference"
    )
    # Set by the cancel service (appointments/services/workflow.py), in the update that cancels.
    cancelled_at = models.DateTimeField(null=True, blank=True, db_column="cancelledAt")
    cancelled_by = models.CharField(
        max_length=10, choices=Actor.choices, blank=True, null=True, db_column="cancelledBy"
    )
    cancellation_reason = models.CharField(max_length=500, blank=True, null=True, db_column="cancellationReason")
    # Set by the reschedule (appointments/services/booking.py), in the update that moves it
    # (docs/decisions/0039-reschedule-in-one-update.md): the latest move's origin, when, who, how many moves.
    rescheduled_from = EmbeddedModelField(RescheduledFrom, null=True, blank=True, db_column="rescheduledFrom")
    rescheduled_at = models.DateTimeField(null=True, blank=True, db_column="rescheduledAt")
    rescheduled_by = models.CharField(
        max_length=10, choices=Actor.choices, blank=True, null=True, db_column="rescheduledBy"
    )
    reschedule_count = models.PositiveIntegerField(null=True, blank=True, db_column="rescheduleCount")
    # When the doctor first opened the video room of this ONLINE appointment (consultations tells us:
    # docs/decisions/0041-doctor-no-show.md); absent until then, removed again by a reschedule.
    video_opened_at = models.DateTimeField(null=True, blank=True, db_column="videoOpenedAt")
    prescription_id = ObjectIdField(null=True, blank=True, db_column="prescriptionId")
    has_prescription = BooleanField(default=False, db_column="hasPrescription")
    # The place this appointment holds at its time (1..maxPatients), present only while it holds a numbered
    # place; written only by appointments/services/places.py (docs/decisions/0019-place-numbers.md).
    place_number = models.PositiveIntegerField(null=True, blank=True, editable=False, db_column="placeNumber")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "appointments"
        ordering = ["-appointment_date", "-created_at"]
        indexes = [
            models.Index(fields=["user", "status"], name="appointments_user_status"),
            models.Index(fields=["appointment_number"], name="appointments_number"),
            models.Index(fields=["doctor", "appointment_date"], name="appointments_doctor_date"),
            # The holders of one time (appointments/services/places.py); a plain twin of the unique partial
            # place index, which SecantusDB never uses for reads (mongo/README.md).
            models.Index(fields=["doctor", "appointment_date", "time_slot"], name="appointments_doctor_date_time"),
            # The seed's { appointmentId: 1 }; the unique index Django makes is partial ($type), unused for reads.
            models.Index(fields=["appointment_id"], name="appointments_appointment_id"),
            # The operations dashboard (operations/selectors.py): a range of visit dates across doctors, and the
            # requests still waiting for confirmation, oldest first.
            models.Index(fields=["appointment_date", "status"], name="appointments_date_status"),
            models.Index(fields=["status", "requested_at"], name="appointments_status_requested"),
            # Requests to expire ({status: PENDING_CONFIRMATION}) and doctors who did not show ({status:
            # CONFIRMED, appointmentDate <= today}): docs/decisions/0040-request-expiry-computed.md.
            models.Index(fields=["status", "appointment_date"], name="appointments_status_date"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment_number} {self.patient_name} with {self.doctor_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Inserts only. A whole-document save of a stored appointment would overwrite what another request
        changed meanwhile (a cancel, a moved place): changes go through the services, one guarded update each
        (appointments/services/places.py, workflow.py, admin.py)."""
        if not self._state.adding:
            raise TypeError(MSG_NO_WHOLE_SAVE)
        super().save(*args, **kwargs)

    def _do_insert(self, manager: Any, using: Any, fields: Any, returning_fields: Any, raw: Any) -> Any:
        # No `placeNumber: null` in the document: the unique partial indexes ({placeNumber: {$exists: true}})
        # would count it as a place. Our other additions to the seed's shape appear only once they are set.
        fields = [
            field
            for field in fields
            if field.attname not in OMITTED_WHEN_NULL or getattr(self, field.attname) is not None
        ]
        return super()._do_insert(manager, using, fields, returning_fields, raw)  # type: ignore[misc]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.appointment_type == AppointmentType.ONLINE:
            if not self.contact_number:
                errors["contact_number"] = MSG_ONLINE_NEEDS_CONTACT
            if not self.call_preference:
                errors["call_preference"] = MSG_ONLINE_NEEDS_CALL_PREFERENCE
        elif self.appointment_type == AppointmentType.IN_CLINIC and not self.clinic_id:
            errors["clinic_id"] = MSG_IN_CLINIC_NEEDS_CLINIC
        if errors:
            raise ValidationError(errors)
