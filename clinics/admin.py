from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from clinics.models import Clinic
from clinics.services import clinic_save
from core.admin_base import AllOrNothingAdmin
from core.admin_display import EMPTY, hours_summary, table
from core.validators import DAYS_OF_WEEK


@admin.register(Clinic)
class ClinicAdmin(AllOrNothingAdmin):
    list_display = ["clinic_id", "name", "city", "state", "pincode", "phone", "hours", "facility_list", "is_active"]
    list_filter = ["is_active", "city", "state"]
    search_fields = ["clinic_id", "name", "address", "city", "state", "pincode", "phone", "email"]
    readonly_fields = ["hours_table", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["clinic_id", "name", "is_active"]}),
        ("Address", {"fields": ["address", "city", "state", "pincode", "location"]}),
        ("Contact", {"fields": ["phone", "email"]}),
        ("Operating hours", {"fields": ["hours_table", "operating_hours"]}),
        ("Facilities", {"fields": ["facilities"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Clinic | None = None) -> list[str]:
        # Doctors' copies and slots refer to the clinicId: it never changes once the clinic exists.
        return [*self.readonly_fields, "clinic_id"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: Clinic, form: Any, change: bool) -> None:
        clinic_save(clinic=obj)  # also brings every doctor's embedded copy of the clinic in step

    @admin.display(description="Operating hours")
    def hours(self, obj: Clinic) -> str:
        return hours_summary(obj.operating_hours)

    @admin.display(description="Facilities")
    def facility_list(self, obj: Clinic) -> str:
        return ", ".join(obj.facilities or []) or EMPTY

    @admin.display(description="Week at a glance")
    def hours_table(self, obj: Clinic) -> object:
        if obj.operating_hours is None:
            return "No operating hours published."
        rows = []
        for day in DAYS_OF_WEEK:
            hours = obj.operating_hours.for_day(day)
            if hours is None:
                rows.append([day, EMPTY, EMPTY, "no hours published"])
            else:
                rows.append([day, hours.open, hours.close, "closed" if hours.is_closed else "open"])
        return table(["Day", "Opens", "Closes", ""], rows)
