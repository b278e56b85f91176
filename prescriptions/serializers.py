"""Prescriptions in the seed's JSON names. The server-side `filePath` is not sent: `fileUrl` is the route that
hands the file to whoever may have it."""

from django.urls import reverse
from rest_framework import serializers

from core.serializers import ObjectIdField
from prescriptions.models import Prescription

DIAGNOSIS_MAX = 1000
NOTES_MAX = 5000


class _PrescriptionSerializer(serializers.Serializer):
    file_route: str = ""

    _id = ObjectIdField(source="pk", read_only=True)
    prescriptionId = serializers.CharField(source="prescription_id")
    appointmentId = ObjectIdField(source="appointment_id")
    doctorId = serializers.CharField(source="doctor_id")
    doctorName = serializers.CharField(source="doctor_name")
    userId = ObjectIdField(source="user_id")
    patientName = serializers.CharField(source="patient_name")
    fileName = serializers.CharField(source="file_name")
    fileSize = serializers.IntegerField(source="file_size")
    fileUrl = serializers.SerializerMethodField()
    uploadDate = serializers.DateTimeField(source="upload_date")
    diagnosis = serializers.CharField(allow_null=True)
    notes = serializers.CharField(allow_null=True)
    isActive = serializers.BooleanField(source="is_active")
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_fileUrl(self, prescription: Prescription) -> str:
        url = reverse(self.file_route, args=[prescription.prescription_id])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MemberPrescriptionSerializer(_PrescriptionSerializer):
    file_route = "prescription-file"


class DoctorPrescriptionSerializer(_PrescriptionSerializer):
    file_route = "doctor-prescription-file"


class PrescriptionUploadInputSerializer(serializers.Serializer):
    """Multipart: `file` (checked by content in the service), optional `diagnosis` and `notes`."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    diagnosis = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=DIAGNOSIS_MAX)
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=NOTES_MAX)


class PrescriptionFileInputSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, allow_empty_file=True)
