from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from consultations.models import VideoConsultation
from consultations.services import STAFF_EDITABLE, consultation_update_metadata


@admin.register(VideoConsultation)
class VideoConsultationAdmin(admin.ModelAdmin):
    """Staff see every consultation with its quality metrics. They may set recording metadata and quality
    indicators only; the status moves only through the workflow (consultations/services.py)."""

    list_display = [
        "consultation_id",
        "doctor_name",
        "patient_name",
        "status",
        "scheduled_start_time",
        "duration",
        "video_quality",
        "audio_quality",
        "network_issue_count",
        "recording_enabled",
        "ended_by",
    ]
    list_filter = ["status", "ended_by", "recording_enabled", "scheduled_start_time"]
    date_hierarchy = "scheduled_start_time"
    search_fields = ["consultation_id", "room_id", "doctor_name", "patient_name"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "consultation_id",
                    "status",
                    "appointment",
                    "doctor",
                    "doctor_name",
                    "patient",
                    "patient_name",
                ]
            },
        ),
        ("Room", {"fields": ["room_id", "room_name", "jitsi_domain", "room_url"]}),
        (
            "Timing",
            {
                "fields": [
                    "scheduled_start_time",
                    "doctor_joined_at",
                    "patient_joined_at",
                    "actual_start_time",
                    "end_time",
                    "duration",
                    "ended_by",
                    "cancellation_reason",
                ]
            },
        ),
        ("Quality", {"fields": ["video_quality", "audio_quality", "network_issue_count", "network_issue_list"]}),
        ("Recording", {"fields": ["recording_enabled", "recording_url", "recording_duration", "recording_size"]}),
        ("After the call", {"fields": ["prescription", "notes_id", "feedback_summary", "created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: VideoConsultation | None = None) -> list[str]:
        shown = [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]
        return [field for field in shown if field not in STAFF_EDITABLE]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a consultation is opened only by its doctor (consultation_start)

    def has_delete_permission(self, request: HttpRequest, obj: VideoConsultation | None = None) -> bool:
        return False  # consultations are medical records

    def save_model(self, request: HttpRequest, obj: VideoConsultation, form: ModelForm, change: bool) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in STAFF_EDITABLE}
        consultation_update_metadata(consultation=obj, changes=changes)

    @admin.display(description="Network issues")
    def network_issue_count(self, obj: VideoConsultation) -> int:
        return len(obj.network_issues or [])

    @admin.display(description="Network issue log")
    def network_issue_list(self, obj: VideoConsultation) -> str:
        return "; ".join(str(issue) for issue in obj.network_issues or []) or "-"

    @admin.display(description="Feedback")
    def feedback_summary(self, obj: VideoConsultation) -> str:
        return str(obj.feedback) if obj.feedback else "-"
