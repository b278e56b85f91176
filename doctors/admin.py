from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from clinics.models import Clinic
from core.admin_base import AllOrNothingAdmin
from core.admin_display import EMPTY, table
from core.errors import ServiceError
from core.passwords import validate_new_password
from core.portal_errors import form_add_service_error
from core.validators import DAYS_OF_WEEK
from doctors.auth.services import doctor_set_password
from doctors.models import MSG_UNKNOWN_SPECIALTY, NOTICE_RULE_FIELDS, Doctor, DoctorClinic, DoctorSlot, Specialty
from doctors.schedule.notice import doctor_notice_rules_set
from doctors.schedule.services import MSG_NOT_YOUR_CLINIC, SLOT_FIELDS, slot_check, slot_create, slot_update
from doctors.services import doctor_clinic_entries

# The backend's nested form reports a bad item of `availableSlots[].slots` as a bare "Item 1 in the array did
# not validate:", dropping the reason; this says it.
MSG_SLOT_TIME_ITEM = "Time %(nth)s is not a 12-hour time such as 09:00 AM."
MAX_NAMED_DOCTORS = 200  # a name search wider than this is not a search


@admin.register(Specialty)
class SpecialtyAdmin(AllOrNothingAdmin):
    list_display = ["specialty_id", "name", "code", "description", "display_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["specialty_id", "name", "code", "description"]
    ordering = ["display_order", "name"]
    readonly_fields = ["created_at", "updated_at"]


class ClinicCityFilter(admin.SimpleListFilter):
    """Doctors practising in a city (the seed's `clinics.city` index)."""

    title = "clinic city"
    parameter_name = "city"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        from clinics.models import Clinic

        cities = Clinic.objects.order_by("city").values_list("city", flat=True).distinct()
        return [(city, city) for city in cities if city]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Doctor]) -> QuerySet[Doctor]:
        return queryset.filter(clinics__city=self.value()) if self.value() else queryset


CLINICS_HELP = "Pick each clinic from the clinics list; its name, address, city and location are copied from it."
MSG_NOT_THE_DOCTORS_CLINIC = "Choose one of this doctor's clinics (listed under Clinics on the doctor's page)."


def clinic_choices() -> list[tuple[str, str]]:
    """Every clinic, by city and name, in one query: (clinicId, "City: Name (clinicId)")."""
    rows = Clinic.objects.order_by("city", "name").values_list("clinic_id", "name", "city", "is_active")
    return [("", "---------")] + [
        (clinic_id, f"{city}: {name} ({clinic_id})" + ("" if active else " [inactive]"))
        for clinic_id, name, city, active in rows
    ]


def specialty_choices() -> list[tuple[str, str]]:
    rows = Specialty.objects.order_by("display_order", "name").values_list("specialty_id", "name")
    return [("", "---------")] + [(specialty_id, f"{name} ({specialty_id})") for specialty_id, name in rows]


class DoctorClinicPickForm(forms.ModelForm):
    """One of a doctor's clinics: picked from `clinics`, with the doctor's fee there."""

    class Meta:
        model = DoctorClinic
        fields = ["clinic_id", "consultation_fee"]


def clinic_picks_formset() -> type[forms.BaseFormSet]:
    """The formset of a doctor's clinic picks, its choices read once for the whole page."""
    form: Any = type("DoctorClinicPickForm", (DoctorClinicPickForm,), {})
    form.base_fields = {
        **DoctorClinicPickForm.base_fields,
        "clinic_id": forms.ChoiceField(label="Clinic", choices=clinic_choices()),
    }
    return forms.formset_factory(form=form, can_delete=True, extra=2, validate_max=True)


class DoctorAdminForm(forms.ModelForm):
    new_password = forms.CharField(
        label="Set portal password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current password. Stored as bcrypt (cost 10); never shown.",
    )

    class Meta:
        model = Doctor
        fields = [
            "doctor_id",
            "name",
            "email",
            "phone",
            "profile_photo",
            "qualifications",
            "specializations",
            "specialty_id",
            "registration_number",
            "languages",
            "experience_years",
            "clinics",
            "consultation_fee",
            "cashless_available",
            "insurance_accepted",
            "requires_confirmation",
            "allow_direct_booking",
            "available_slots",
            "available_online",
            "available_offline",
            *NOTICE_RULE_FIELDS,
            "is_active",
        ]
        help_texts = {
            "booking_min_notice_minutes": "Empty: the default (BOOKING_MIN_NOTICE_MINUTES, 120). 0 to a week.",
            "booking_horizon_days": "Empty: the default (BOOKING_HORIZON_DAYS, 90). 1 to 365.",
            "member_change_cutoff_minutes": (
                "Minutes before the start. Empty: the default (MEMBER_CHANGE_CUTOFF_MINUTES, 120). 0 to a week."
            ),
        }

    specialty_id = forms.ChoiceField(
        label="Specialty",
        help_text="From the specialty master; fills `specialty`.",
        error_messages={"invalid_choice": MSG_UNKNOWN_SPECIALTY},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "available_slots" in self.fields:  # not for view-only staff
            slots = self.fields["available_slots"].formset.form.base_fields["slots"]
            slots.error_messages = {**slots.error_messages, "item_invalid": MSG_SLOT_TIME_ITEM}
        if "clinics" in self.fields:
            clinics: Any = self.fields["clinics"]  # the backend's EmbeddedModelArrayField form field
            clinics.formset = clinic_picks_formset()
            clinics.help_text = CLINICS_HELP
        if "specialty_id" in self.fields:
            cast(forms.ChoiceField, self.fields["specialty_id"]).choices = specialty_choices()

    def clean_specialty_id(self) -> str:
        specialty_id = self.cleaned_data["specialty_id"]
        master = Specialty.objects.filter(specialty_id=specialty_id).first()
        if master is not None:
            self.instance.specialty = master.name  # `specialty` is the master's name, never typed
        return specialty_id

    def clean_clinics(self) -> list[DoctorClinic]:
        try:
            picks = self.cleaned_data.get("clinics") or []
            return doctor_clinic_entries(picks=picks, previous=self.instance.clinics or [])
        except ServiceError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_new_password(self) -> str:
        password = self.cleaned_data.get("new_password") or ""
        if password:
            validate_new_password(password, user=self.instance)
        return password


@admin.register(Doctor)
class DoctorAdmin(AllOrNothingAdmin):
    form = DoctorAdminForm
    list_display = [
        "doctor_id",
        "name",
        "specialty",
        "email",
        "clinic_cities",
        "consultation_fee",
        "rating",
        "review_count",
        "modes",
        "requires_confirmation",
        "is_active",
        "last_login",
    ]
    list_filter = [
        "is_active",
        ClinicCityFilter,
        "specialty",
        "available_online",
        "available_offline",
        "requires_confirmation",
        "allow_direct_booking",
        "cashless_available",
    ]
    search_fields = ["doctor_id", "name", "email", "phone", "specialty", "specialty_id", "registration_number"]
    show_full_result_count = False
    readonly_fields = [
        "role",
        "specialty",
        "rating",
        "review_count",
        "portal_password",
        "last_login",
        "clinics_overview",
        "weekly_schedule",
        "available_slots_overview",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["doctor_id", "name", "is_active", "role"]}),
        ("Portal sign-in", {"fields": ["email", "new_password", "portal_password", "last_login"]}),
        (
            "Profile",
            {
                "fields": [
                    "phone",
                    "profile_photo",
                    "qualifications",
                    "registration_number",
                    "experience_years",
                    "languages",
                    "rating",
                    "review_count",
                ]
            },
        ),
        ("Specialty", {"fields": ["specialty_id", "specialty", "specializations"]}),
        ("Clinics", {"fields": ["clinics_overview", "clinics"]}),
        (
            "Fees and booking",
            {
                "fields": [
                    "consultation_fee",
                    "cashless_available",
                    "insurance_accepted",
                    "requires_confirmation",
                    "allow_direct_booking",
                    "available_online",
                    "available_offline",
                ]
            },
        ),
        (
            "Notice rules",
            {
                "fields": list(NOTICE_RULE_FIELDS),
                "description": "Leave a field empty to use the default from the settings (docs/booking.md).",
            },
        ),
        ("Schedule", {"fields": ["weekly_schedule", "available_slots_overview", "available_slots"]}),
        ("Timestamps", {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description="Clinics")
    def clinic_cities(self, obj: Doctor) -> str:
        return "; ".join(str(clinic) for clinic in obj.clinics or []) or EMPTY

    @admin.display(description="Consults")
    def modes(self, obj: Doctor) -> str:
        modes = [name for name, on in (("online", obj.available_online), ("in clinic", obj.available_offline)) if on]
        return " + ".join(modes) or "none"

    @admin.display(description="Portal password")
    def portal_password(self, obj: Doctor) -> str:
        if obj.password and obj.password.startswith(("$2a$", "$2b$", "$2y$")):
            return "Set (bcrypt). Never shown; type a new one above to replace it."
        return "Not set: this doctor cannot sign in to the portal."

    @admin.display(description="Clinic locations")
    def clinics_overview(self, obj: Doctor) -> object:
        return table(
            ["clinicId", "Name", "Address", "City", "Pincode", "Location", "Fee"],
            [
                [
                    entry.clinic_id,
                    entry.name,
                    entry.address,
                    entry.city,
                    entry.pincode,
                    entry.location,
                    entry.consultation_fee,
                ]
                for entry in obj.clinics or []
            ],
        )

    @admin.display(description="Weekly slots (doctor_slots)")
    def weekly_schedule(self, obj: Doctor) -> object:
        if obj.pk is None:
            return EMPTY
        slots = sorted(
            DoctorSlot.objects.filter(doctor_id=obj.doctor_id),
            key=lambda slot: (DAYS_OF_WEEK.index(slot.day_of_week), slot.start_time),
        )
        return table(
            ["Day", "Time", "Clinic", "Type", "Every", "Max patients", "Fee", "Active"],
            [
                [
                    slot.day_of_week,
                    f"{slot.start_time}-{slot.end_time}",
                    slot.clinic_id,
                    slot.consultation_type,
                    f"{slot.slot_duration} min",
                    slot.max_patients,
                    slot.consultation_fee,
                    "yes" if slot.is_active else "no",
                ]
                for slot in slots
            ],
        )

    @admin.display(description="Available slots (legacy list)")
    def available_slots_overview(self, obj: Doctor) -> object:
        return table(["Date", "Times"], [[day.date, ", ".join(day.slots)] for day in obj.available_slots or []])

    def save_model(self, request: HttpRequest, obj: Doctor, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and any(name in form.changed_data for name in NOTICE_RULE_FIELDS):
            # A whole save never writes these (doctors/models.py): their one writer sets or removes them.
            doctor_notice_rules_set(doctor=obj, **{name: form.cleaned_data.get(name) for name in NOTICE_RULE_FIELDS})
        password = form.cleaned_data.get("new_password")
        if password:
            doctor_set_password(doctor=obj, password=password)


class DoctorSlotAdminForm(forms.ModelForm):
    """The slot service's own check (doctors/schedule/services.py: formats, a clinic of the doctor's, no
    overlap) with its messages, as form errors."""

    class Meta:
        model = DoctorSlot
        fields = ["doctor", "clinic", *(name for name in SLOT_FIELDS if name != "clinic_id")]

    def _post_clean(self) -> None:
        super()._post_clean()  # the model's own validation first, on the instance the form built
        if self.errors:
            return
        slot = self.instance
        try:
            slot_check(slot=slot, doctor=slot.doctor)
        except ServiceError as exc:
            exc.errors = {name: [_for_staff(message) for message in messages] for name, messages in exc.errors.items()}
            form_add_service_error(self, exc, field_names={"clinic_id": "clinic"})


def _for_staff(message: str) -> str:
    """The slot service speaks to the doctor ("your"); staff read about the doctor."""
    if message == MSG_NOT_YOUR_CLINIC:
        return MSG_NOT_THE_DOCTORS_CLINIC
    return message.replace(" your ", " the doctor's ")


@admin.register(DoctorSlot)
class DoctorSlotAdmin(AllOrNothingAdmin):
    """Tens of thousands of slots: the list and the search read the slot documents only (no joins)."""

    form = DoctorSlotAdminForm
    list_display = [
        "doctor_code",
        "clinic_code",
        "day_of_week",
        "time_window",
        "slot_duration",
        "max_patients",
        "consultation_type",
        "consultation_fee",
        "is_active",
    ]
    list_filter = ["is_active", "day_of_week", "consultation_type", "slot_duration"]
    search_fields = ["day_of_week"]  # shows the search box; get_search_results does the searching
    search_help_text = "A doctorId (DOC001), a clinicId (CLINIC001), a doctor's name or a day."
    show_full_result_count = False
    raw_id_fields = ["doctor", "clinic"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="Doctor", ordering="doctor_id")
    def doctor_code(self, obj: DoctorSlot) -> str:
        return obj.doctor_id

    @admin.display(description="Clinic", ordering="clinic_id")
    def clinic_code(self, obj: DoctorSlot) -> str:
        return obj.clinic_id

    @admin.display(description="Time", ordering="start_time")
    def time_window(self, obj: DoctorSlot) -> str:
        return f"{obj.start_time}-{obj.end_time}"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[DoctorSlot], search_term: str
    ) -> tuple[QuerySet[DoctorSlot], bool]:
        """Equality lookups on indexed fields only: a substring search over every slot is too slow to offer."""
        term = search_term.strip()
        if not term:
            return queryset, False
        named = Doctor.objects.filter(name__icontains=term).values_list("doctor_id", flat=True)[:MAX_NAMED_DOCTORS]
        query = Q(doctor_id__in=[term.upper(), *named]) | Q(clinic_id=term.upper())
        if term.capitalize() in DAYS_OF_WEEK:
            query |= Q(day_of_week=term.capitalize())
        return queryset.filter(query), False

    def get_readonly_fields(self, request: HttpRequest, obj: DoctorSlot | None = None) -> list[str]:
        # A slot stays with its doctor; move it by adding one for the other doctor.
        return [*self.readonly_fields, "doctor"] if obj is not None else list(self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: DoctorSlot, form: Any, change: bool) -> None:
        data = {name: getattr(obj, name) for name in SLOT_FIELDS}
        if change:
            slot_update(slot=obj, doctor=obj.doctor, data=data)
        else:
            created = slot_create(doctor=obj.doctor, **data)
            obj.pk = created.pk
