from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "consultations"

    def ready(self) -> None:
        from appointments.services.workflow import appointment_on_cancel_register
        from consultations.services import consultations_cancel_for_appointment

        # A cancelled appointment closes its open video room. Registered here rather than called by the
        # appointment workflow, which sits below consultations and must not import it.
        appointment_on_cancel_register(consultations_cancel_for_appointment)
