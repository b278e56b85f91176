"""Prescriptions uploaded by doctors after appointments (`doctor_prescriptions`)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from core.fields import BooleanField

MSG_FILE_SIZE_POSITIVE = "File size must be greater than 0."


class Prescription(models.Model):
    prescription_id = models.CharField("prescription ID", max_length=40, unique=True, db_column="prescriptionId")
    # One prescription per appointment: a unique index, as the seed says.
    appointment = models.OneToOneField(
        "appointments.Appointment",
        db_column="appointmentId",
        on_delete=models.PROTECT,
        related_name="prescription",
    )
    doctor = models.ForeignKey(
        "doctors.Doctor",
        to_field="doctor_id",
        db_column="doctorId",
        on_delete=models.PROTECT,
        related_name="prescriptions",
    )
    doctor_name = models.CharField(max_length=200, db_column="doctorName")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, db_column="userId", on_delete=models.PROTECT, related_name="prescriptions"
    )
    patient_name = models.CharField(max_length=200, db_column="patientName")
    file_name = models.CharField(max_length=255, db_column="fileName")
    file_path = models.CharField(max_length=500, db_column="filePath")
    file_size = models.IntegerField(
        validators=[MinValueValidator(1, message=MSG_FILE_SIZE_POSITIVE)], db_column="fileSize"
    )
    upload_date = models.DateTimeField(db_column="uploadDate")
    diagnosis = models.CharField(max_length=1000, blank=True, null=True)
    notes = models.TextField(max_length=5000, blank=True, null=True)
    is_active = BooleanField("active", default=True, db_column="isActive")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "doctor_prescriptions"
        ordering = ["-upload_date"]
        indexes = [
            models.Index(fields=["doctor", "-upload_date"], name="prescriptions_doctor_date"),
            models.Index(fields=["user", "-upload_date"], name="prescriptions_user_date"),
            # Plain indexes for lookups by these keys (index-friendly shape: mongo/README.md).
            models.Index(fields=["prescription_id"], name="prescriptions_prescription_id"),
            models.Index(fields=["appointment"], name="prescriptions_appointment"),
        ]

    def __str__(self) -> str:
        return f"{self.prescription_id} for {self.patient_name}"
