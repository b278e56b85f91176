import factory
from django.utils import timezone

from prescriptions.models import Prescription
from tests.appointments.factories import AppointmentFactory


class PrescriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prescription

    prescription_id = factory.Sequence(lambda n: f"PRESC-T{n:05d}")
    appointment = factory.SubFactory(AppointmentFactory)
    doctor = factory.LazyAttribute(lambda o: o.appointment.doctor)
    doctor_name = factory.LazyAttribute(lambda o: o.appointment.doctor_name)
    user = factory.LazyAttribute(lambda o: o.appointment.user)
    patient_name = factory.LazyAttribute(lambda o: o.appointment.patient_name)
    file_name = "prescription.pdf"
    file_path = factory.LazyAttribute(lambda o: f"doctors/{o.doctor.doctor_id}/{o.prescription_id}.pdf")
    file_size = 1024
    upload_date = factory.LazyFunction(timezone.now)
