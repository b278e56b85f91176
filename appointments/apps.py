from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "appointments"

    def ready(self) -> None:
        from appointments.selectors import slot_has_upcoming_appointments, slot_most_places_held
        from doctors.schedule.services import slot_in_use_check_register, slot_places_held_check_register

        # A slot holding upcoming appointments cannot be deleted, nor get a maxPatients below the places held
        # at one of its upcoming times (doctors sits below us and cannot ask).
        slot_in_use_check_register(slot_has_upcoming_appointments)
        slot_places_held_check_register(slot_most_places_held)

        # Doctor search shows each doctor's next free time and filters by a free day (doctors/discovery).
        from appointments.selectors import doctors_available_on, next_available
        from doctors.discovery.availability import availability_readers_register

        availability_readers_register(next_available=next_available, available_on=doctors_available_on)
