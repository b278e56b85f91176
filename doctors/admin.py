from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from doctors.models import Doctor, DoctorSlot, Specialty
from doctors.services import doctor_set_password
from opd_wallet.passwords import validate_password_length


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ["specialty_id", "name", "code", "display_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["specialty_id", "name", "code"]


class DoctorAdminForm(forms.ModelForm):
    new_password = forms.CharField(
        label="Set portal password", required=False, strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current password. Stored as bcrypt (cost 10); never shown.",
    )

    class Meta:
        model = Doctor
        fields = [
            "doctor_id", "name", "email", "phone", "profile_photo", "qualifications", "specializations",
            "specialty_id", "specialty", "registration_number", "languages", "experience_years", "rating",
            "review_count", "clinics", "consultation_fee", "cashless_available", "insurance_accepted",
            "requires_confirmation", "allow_direct_booking", "available_slots", "available_online",
            "available_offline", "is_active",
        ]

    def clean_new_password(self) -> str:
        password = self.cleaned_data.get("new_password") or ""
        if password:
            validate_password_length(password)
        return password


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    form = DoctorAdminForm
    list_display = [
        "doctor_id", "name", "specialty", "email", "cities", "consultation_fee", "rating",
        "available_online", "available_offline", "is_active", "last_login",
    ]
    list_filter = ["is_active", "specialty", "available_online", "available_offline", "requires_confirmation"]
    search_fields = ["doctor_id", "name", "email", "specialty", "registration_number"]
    readonly_fields = ["role", "last_login", "created_at", "updated_at"]

    @admin.display(description="Clinics")
    def cities(self, obj: Doctor) -> str:
        return "; ".join(str(clinic) for clinic in obj.clinics or []) or "—"

    def save_model(self, request: HttpRequest, obj: Doctor, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        password = form.cleaned_data.get("new_password")
        if password:
            doctor_set_password(doctor=obj, password=password)


@admin.register(DoctorSlot)
class DoctorSlotAdmin(admin.ModelAdmin):
    list_display = [
        "doctor", "clinic", "day_of_week", "start_time", "end_time", "slot_duration", "max_patients",
        "consultation_type", "consultation_fee", "is_active",
    ]
    list_filter = ["is_active", "day_of_week", "consultation_type"]
    search_fields = ["doctor__doctor_id", "clinic__clinic_id"]
    list_select_related = ["doctor", "clinic"]
    raw_id_fields = ["doctor", "clinic"]
    readonly_fields = ["created_at", "updated_at"]
