"""Video consultation JSON in the seed's field names. `roomPassword` only in a participant's join/start answer."""

from rest_framework import serializers

from core.serializers import NumberField, ObjectIdField

RATING_MIN, RATING_MAX = 1, 5
MSG_RATING_RANGE = "Rating must be between 1 and 5."
MAX_ISSUE_SECONDS = 24 * 60 * 60


class NetworkIssueSerializer(serializers.Serializer):
    timestamp = serializers.DateTimeField(read_only=True)
    issue = serializers.CharField(max_length=500)
    duration = serializers.IntegerField(min_value=0, max_value=MAX_ISSUE_SECONDS, help_text="seconds")


class FeedbackSerializer(serializers.Serializer):
    doctorRating = serializers.IntegerField(source="doctor_rating", allow_null=True)
    patientRating = serializers.IntegerField(source="patient_rating", allow_null=True)
    doctorComments = serializers.CharField(source="doctor_comments", allow_null=True)
    patientComments = serializers.CharField(source="patient_comments", allow_null=True)


class ConsultationSerializer(serializers.Serializer):
    """A consultation as its participants see it, without the room password."""

    _id = ObjectIdField(source="pk", read_only=True)
    consultationId = serializers.CharField(source="consultation_id")
    appointmentId = ObjectIdField(source="appointment_id")
    doctorId = ObjectIdField(source="doctor_id")
    doctorName = serializers.CharField(source="doctor_name")
    patientId = ObjectIdField(source="patient_id")
    patientName = serializers.CharField(source="patient_name")
    roomId = serializers.CharField(source="room_id")
    roomName = serializers.CharField(source="room_name")
    jitsiDomain = serializers.CharField(source="jitsi_domain")
    roomUrl = serializers.CharField(source="room_url")
    scheduledStartTime = serializers.DateTimeField(source="scheduled_start_time", allow_null=True)
    actualStartTime = serializers.DateTimeField(source="actual_start_time", allow_null=True)
    endTime = serializers.DateTimeField(source="end_time", allow_null=True)
    duration = serializers.IntegerField(allow_null=True, help_text="minutes")
    status = serializers.CharField()
    doctorJoinedAt = serializers.DateTimeField(source="doctor_joined_at", allow_null=True)
    patientJoinedAt = serializers.DateTimeField(source="patient_joined_at", allow_null=True)
    recordingEnabled = serializers.BooleanField(source="recording_enabled")
    recordingUrl = serializers.CharField(source="recording_url", allow_null=True)
    recordingDuration = serializers.IntegerField(source="recording_duration", allow_null=True)
    recordingSize = NumberField(source="recording_size", allow_null=True, help_text="MB")
    videoQuality = serializers.CharField(source="video_quality", allow_null=True)
    audioQuality = serializers.CharField(source="audio_quality", allow_null=True)
    networkIssues = NetworkIssueSerializer(source="network_issues", many=True)
    prescriptionId = ObjectIdField(source="prescription_id", allow_null=True)
    notesId = serializers.CharField(source="notes_id", allow_null=True)
    feedback = FeedbackSerializer(allow_null=True)
    endedBy = serializers.CharField(source="ended_by", allow_null=True)
    cancellationReason = serializers.CharField(source="cancellation_reason", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class ParticipantConsultationSerializer(ConsultationSerializer):
    """What a participant gets on joining (or the doctor on starting): the room and its password."""

    roomPassword = serializers.CharField(source="room_password", allow_null=True)


class RatingField(serializers.IntegerField):
    def __init__(self, **kwargs: object) -> None:
        messages = {"min_value": MSG_RATING_RANGE, "max_value": MSG_RATING_RANGE}
        super().__init__(min_value=RATING_MIN, max_value=RATING_MAX, error_messages=messages, **kwargs)


class MemberFeedbackInputSerializer(serializers.Serializer):
    doctorRating = RatingField()
    patientComments = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DoctorFeedbackInputSerializer(serializers.Serializer):
    patientRating = RatingField()
    doctorComments = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NetworkIssueInputSerializer(serializers.Serializer):
    issue = serializers.CharField(max_length=500)
    duration = serializers.IntegerField(min_value=0, max_value=MAX_ISSUE_SECONDS, help_text="seconds")


class CancelInputSerializer(serializers.Serializer):
    cancellationReason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
