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
        from appointments.next_free_store import next_free_read
        from appointments.selectors import doctors_available_on
        from doctors.discovery.availability import availability_readers_register

        availability_readers_register(next_available=next_free_read, available_on=doctors_available_on)
        self._forget_stored_next_free_times_on_change()

    def _forget_stored_next_free_times_on_change(self) -> None:
        """The stored next free times (appointments/next_free_store.py) are marked stale by every write that may
        change them: places (places.py calls it after its raw writes), and here every save through the models (the
        admin, the doctors' services), the doctors' raw writes that may change free times, and clinics."""
        from django.db.models.signals import post_delete, post_migrate, post_save

        from appointments.models import Appointment
        from appointments.next_free_store import next_free_forget, next_free_forget_all
        from clinics.models import Clinic
        from doctors.discovery.availability import doctor_availability_changed_subscribe
        from doctors.models import Doctor, DoctorSlot, ScheduleException

        def forget_doctor(instance: object, **_signal: object) -> None:
            next_free_forget([getattr(instance, "doctor_id", "")])

        for model in (Doctor, DoctorSlot, ScheduleException, Appointment):  # saves through the models
            for signal in (post_save, post_delete):
                signal.connect(forget_doctor, sender=model, weak=False, dispatch_uid=f"next-free-{model.__name__}")
        doctor_availability_changed_subscribe(next_free_forget)
        # Any clinic save, not only clinic_save's (clinics/events.py): a command or a shell saving the model
        # changes hours and isActive just the same (docs/decisions/0077-stored-next-free-time-attacked.md).
        for signal in (post_save, post_delete):
            signal.connect(next_free_forget_all, sender=Clinic, weak=False, dispatch_uid="next-free-clinic")
        # A deploy's data migrations write raw: every `migrate` run renews every stored answer (once, as ours).
        post_migrate.connect(next_free_forget_all, sender=self, weak=False, dispatch_uid="next-free-migrate")
