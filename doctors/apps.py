from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class DoctorsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "doctors"

    def ready(self) -> None:
        from clinics.events import clinic_changed_subscribe
        from clinics.models import Clinic
        from doctors.discovery.selectors import city_names_forget
        from doctors.models import Doctor
        from doctors.services import doctor_clinics_sync

        clinic_changed_subscribe(doctor_clinics_sync)  # doctors' embedded clinic copies follow the clinic

        # Search keeps the stored city names for a minute; a save in this process refreshes them at once.
        for model in (Doctor, Clinic):
            post_save.connect(city_names_forget, sender=model, dispatch_uid=f"city-names-{model.__name__}")
            post_delete.connect(city_names_forget, sender=model, dispatch_uid=f"city-names-{model.__name__}-del")
