from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "consultations"

    def ready(self) -> None:
        from appointments.events import AppointmentEvent, appointment_event_subscribe
        from consultations.services import (
            consultations_on_appointment_cancelled,
            consultations_on_appointment_rescheduled,
        )

        # A cancelled appointment closes its open video room. Subscribed here rather than called by the
        # appointment workflow, which sits below consultations and must not import it.
        appointment_event_subscribe(AppointmentEvent.CANCELLED, consultations_on_appointment_cancelled)
        # A moved appointment closes the room of its old time; opening a room tells appointments the doctor
        # has shown (appointments.services.workflow.appointment_video_opened, called by consultation_start).
        appointment_event_subscribe(AppointmentEvent.RESCHEDULED, consultations_on_appointment_rescheduled)

        # The member's appointment list shows each ONLINE appointment's consultationId and open room.
        from appointments.video_rooms import video_room_reader_register
        from consultations.selectors import video_rooms_of_appointments

        video_room_reader_register(video_rooms_of_appointments)
