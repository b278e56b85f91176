from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "doctors"

    def ready(self) -> None:
        from clinics.events import clinic_changed_subscribe
        from doctors.services import doctor_clinics_sync

        clinic_changed_subscribe(doctor_clinics_sync)  # doctors' embedded clinic copies follow the clinic
