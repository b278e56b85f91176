from django.contrib import admin

from clinics.models import Clinic


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["clinic_id", "name", "city", "state", "phone", "hours", "is_active"]
    list_filter = ["is_active", "city", "state"]
    search_fields = ["clinic_id", "name", "address", "city", "pincode"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="Operating hours")
    def hours(self, obj: Clinic) -> str:
        return str(obj.operating_hours) if obj.operating_hours else "—"
