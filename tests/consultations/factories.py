import factory
from django.utils import timezone

from consultations.models import VideoConsultation
from tests.appointments.factories import OnlineAppointmentFactory


class BegunOnlineAppointmentFactory(OnlineAppointmentFactory):
    """An ONLINE appointment today at midnight: its window (docs/booking.md#time-windows) is open whatever
    the wall clock says, so its call can be started and the visit completed."""

    time_slot = "12:00 AM"


class VideoConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VideoConsultation

    consultation_id = factory.Sequence(lambda n: f"VC-{n + 1000000000:010d}")
    appointment = factory.SubFactory(BegunOnlineAppointmentFactory)
    doctor = factory.LazyAttribute(lambda o: o.appointment.doctor)
    doctor_name = factory.LazyAttribute(lambda o: o.appointment.doctor_name)
    patient = factory.LazyAttribute(lambda o: o.appointment.user)
    patient_name = factory.LazyAttribute(lambda o: o.appointment.patient_name)
    room_id = factory.Sequence(lambda n: f"opd-wallet-vc-test{n:06d}")
    room_name = factory.LazyAttribute(lambda o: f"{o.doctor_name} - {o.patient_name} Consultation")
    room_password = "test-room-password"
    jitsi_domain = "meet.jit.si"
    room_url = factory.LazyAttribute(lambda o: f"https://{o.jitsi_domain}/{o.room_id}")
    scheduled_start_time = factory.LazyFunction(timezone.now)
