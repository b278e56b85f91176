"""Video consultations of online appointments over Jitsi Meet (`video_consultations`)."""

from bson import ObjectId
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_mongodb_backend.fields import EmbeddedModelArrayField, EmbeddedModelField
from django_mongodb_backend.models import EmbeddedModel

from core.fields import BooleanField
from mongo.embedded import embedded_errors

MSG_FEEDBACK_RATING = "Rating must be between 1 and 5."
MSG_RECORDING_SIZE_NEGATIVE = "Recording size must be 0 or more (MB)."
MSG_CONSULTATION_NEEDS_ONLINE = "A video consultation belongs to an ONLINE appointment."
RATING = [
    MinValueValidator(1, message=MSG_FEEDBACK_RATING),
    MaxValueValidator(5, message=MSG_FEEDBACK_RATING),
]


class ConsultationStatus(models.TextChoices):
    SCHEDULED = "SCHEDULED", "Scheduled"
    IN_PROGRESS = "IN_PROGRESS", "In progress"
    COMPLETED = "COMPLETED", "Completed"
    CANCELLED = "CANCELLED", "Cancelled"
    NO_SHOW = "NO_SHOW", "No show"


OPEN_STATUSES = (ConsultationStatus.SCHEDULED, ConsultationStatus.IN_PROGRESS)


class EndedBy(models.TextChoices):
    DOCTOR = "DOCTOR", "Doctor"
    PATIENT = "PATIENT", "Patient"
    SYSTEM = "SYSTEM", "System"


class NetworkIssue(EmbeddedModel):
    timestamp = models.DateTimeField()
    issue = models.CharField(max_length=500)
    duration = models.IntegerField(validators=[MinValueValidator(0)], help_text="seconds")

    def __str__(self) -> str:
        return f"{self.timestamp:%H:%M:%S} {self.issue} ({self.duration}s)"


class Feedback(EmbeddedModel):
    doctor_rating = models.IntegerField(null=True, blank=True, validators=RATING, db_column="doctorRating")
    patient_rating = models.IntegerField(null=True, blank=True, validators=RATING, db_column="patientRating")
    doctor_comments = models.CharField(max_length=2000, blank=True, null=True, db_column="doctorComments")
    patient_comments = models.CharField(max_length=2000, blank=True, null=True, db_column="patientComments")

    def __str__(self) -> str:
        return f"doctor {self.doctor_rating or '-'}/5, patient {self.patient_rating or '-'}/5"


class VideoConsultation(models.Model):
    consultation_id = models.CharField("consultation ID", max_length=20, unique=True, db_column="consultationId")
    appointment = models.ForeignKey(
        "appointments.Appointment",
        db_column="appointmentId",
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    appointment_id: ObjectId  # the column attribute Django adds; declared for the type checker
    # The doctor document's _id: doctors log in from `doctors`
    # (docs/decisions/0012-seed-silence-2-doctors-log-in-from-doctors.md).
    doctor = models.ForeignKey(
        "doctors.Doctor", db_column="doctorId", on_delete=models.PROTECT, related_name="consultations"
    )
    doctor_id: ObjectId  # the column attribute Django adds; declared for the type checker
    doctor_name = models.CharField(max_length=200, db_column="doctorName")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_column="patientId", on_delete=models.PROTECT, related_name="consultations"
    )
    patient_name = models.CharField(max_length=200, db_column="patientName")
    room_id = models.CharField(max_length=100, unique=True, db_column="roomId")
    room_name = models.CharField(max_length=300, db_column="roomName")
    room_password = models.CharField(max_length=100, blank=True, null=True, db_column="roomPassword")
    jitsi_domain = models.CharField(max_length=200, default="meet.jit.si", db_column="jitsiDomain")
    room_url = models.CharField(max_length=500, db_column="roomUrl")
    scheduled_start_time = models.DateTimeField(null=True, blank=True, db_column="scheduledStartTime")
    actual_start_time = models.DateTimeField(null=True, blank=True, db_column="actualStartTime")
    end_time = models.DateTimeField(null=True, blank=True, db_column="endTime")
    duration = models.IntegerField(null=True, blank=True, validators=[MinValueValidator(0)], help_text="minutes")
    status = models.CharField(max_length=12, choices=ConsultationStatus.choices, default=ConsultationStatus.SCHEDULED)
    doctor_joined_at = models.DateTimeField(null=True, blank=True, db_column="doctorJoinedAt")
    patient_joined_at = models.DateTimeField(null=True, blank=True, db_column="patientJoinedAt")
    recording_enabled = BooleanField(default=False, db_column="recordingEnabled")
    recording_url = models.URLField(max_length=500, blank=True, null=True, db_column="recordingUrl")
    recording_duration = models.IntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        db_column="recordingDuration",
        help_text="minutes",
    )
    recording_size = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=MSG_RECORDING_SIZE_NEGATIVE)],
        db_column="recordingSize",
        help_text="MB",
    )
    video_quality = models.CharField(max_length=50, blank=True, null=True, db_column="videoQuality")
    audio_quality = models.CharField(max_length=50, blank=True, null=True, db_column="audioQuality")
    network_issues = EmbeddedModelArrayField(NetworkIssue, default=list, blank=True, db_column="networkIssues")
    prescription = models.ForeignKey(
        "prescriptions.Prescription",
        db_column="prescriptionId",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
    )
    notes_id = models.CharField(max_length=100, blank=True, null=True, db_column="notesId")
    feedback = EmbeddedModelField(Feedback, null=True, blank=True)
    ended_by = models.CharField(max_length=8, choices=EndedBy.choices, blank=True, null=True, db_column="endedBy")
    cancellation_reason = models.CharField(max_length=500, blank=True, null=True, db_column="cancellationReason")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "video_consultations"
        ordering = ["-scheduled_start_time"]
        indexes = [
            models.Index(fields=["doctor", "-scheduled_start_time"], name="consultations_doctor_time"),
            models.Index(fields=["patient", "-scheduled_start_time"], name="consultations_patient_time"),
            models.Index(fields=["status", "-scheduled_start_time"], name="consultations_status_time"),
        ]
        constraints = [
            # At most one open room per appointment, even when two starts race (a partial unique index).
            models.UniqueConstraint(
                fields=["appointment"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="consultations_one_open_per_appointment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.doctor_name} - {self.patient_name}"

    def clean(self) -> None:
        from appointments.models import AppointmentType

        errors: dict[str, list[str]] = embedded_errors(self)  # feedback ratings, networkIssues
        appointment = self.appointment if self.appointment_id else None
        if appointment is not None and appointment.appointment_type != AppointmentType.ONLINE:
            errors["appointment"] = [MSG_CONSULTATION_NEEDS_ONLINE]
        if errors:
            raise ValidationError(errors)
