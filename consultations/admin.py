from django.contrib import admin

from consultations.models import VideoConsultation


@admin.register(VideoConsultation)
class VideoConsultationAdmin(admin.ModelAdmin):
    list_display = [
        "consultation_id", "doctor_name", "patient_name", "status", "scheduled_start_time", "duration",
        "video_quality", "audio_quality", "network_issue_count", "ended_by",
    ]
    list_filter = ["status", "ended_by", "recording_enabled", "scheduled_start_time"]
    search_fields = ["consultation_id", "room_id", "doctor_name", "patient_name"]
    raw_id_fields = ["appointment", "doctor", "patient", "prescription"]
    readonly_fields = ["room_password", "created_at", "updated_at"]

    @admin.display(description="Network issues")
    def network_issue_count(self, obj: VideoConsultation) -> int:
        return len(obj.network_issues or [])
