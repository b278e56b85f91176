from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from consultations.models import VideoConsultation
from consultations.services import STAFF_EDITABLE, consultation_update_metadata
from core.admin_base import AllOrNothingAdmin
from core.errors import ServiceError

_REFUSED = "_consultation_save_refused"


def _values_read(form: ModelForm, names: list[str]) -> dict[str, Any]:
    """The values the staff member's page showed for `names`: the hidden initial inputs the form carries
    (`show_hidden_initial`), so a change made by someone else between the page's load and its save is seen."""
    read = {}
    for name in names:
        field = form.fields[name]
        raw = form._widget_data_value(field.hidden_widget(), form[name].html_initial_name)  # type: ignore[attr-defined]
        try:
            read[name] = field.to_python(raw)
        except ValidationError:
            read[name] = form.initial.get(name)
    return read


@admin.register(VideoConsultation)
class VideoConsultationAdmin(AllOrNothingAdmin):
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

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        for name in STAFF_EDITABLE:
            if name in form.base_fields:
                form.base_fields[name].show_hidden_initial = True  # the values read, for the save's guard
        return form

    def save_model(self, request: HttpRequest, obj: VideoConsultation, form: ModelForm, change: bool) -> None:
        """Only the changed fields, in one update guarded by the values the page showed (the service); a
        refusal writes nothing and shows an error instead of "changed successfully"."""
        names = [name for name in form.changed_data if name in STAFF_EDITABLE]
        changes = {name: form.cleaned_data[name] for name in names}
        try:
            consultation_update_metadata(consultation=obj, changes=changes, read=_values_read(form, names))
        except ServiceError as exc:
            setattr(request, _REFUSED, True)
            self.message_user(request, exc.message, messages.ERROR)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, _REFUSED, False):
            return None
        return super().log_change(request, obj, message)

    def response_change(self, request: HttpRequest, obj: VideoConsultation) -> HttpResponse:
        if getattr(request, _REFUSED, False):
            return HttpResponseRedirect(request.path)  # back to the form, reloaded with the current values
        return super().response_change(request, obj)

    @admin.display(description="Network issues")
    def network_issue_count(self, obj: VideoConsultation) -> int:
        return len(obj.network_issues or [])

    @admin.display(description="Network issue log")
    def network_issue_list(self, obj: VideoConsultation) -> str:
        return "; ".join(str(issue) for issue in obj.network_issues or []) or "-"

    @admin.display(description="Feedback")
    def feedback_summary(self, obj: VideoConsultation) -> str:
        return str(obj.feedback) if obj.feedback else "-"
