import factory

from clinics.models import Clinic
from doctors.models import ConsultationType, Doctor, DoctorClinic, DoctorSlot, Specialty
from tests.clinics.factories import ClinicFactory

DOCTOR_PASSWORD = "doctor-portal-pass"


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ["specialty_id"]

    specialty_id = "SPEC001"
    name = "General Physician"
    code = "GP"


def clinic_entry(clinic: Clinic, fee: float = 1000) -> DoctorClinic:
    """A doctor's embedded copy of a clinic, as the seed denormalises it."""
    return DoctorClinic(
        clinic_id=clinic.clinic_id,
        name=clinic.name,
        address=clinic.address,
        city=clinic.city,
        state=clinic.state,
        pincode=clinic.pincode,
        location=clinic.location,
        consultation_fee=fee,
    )


class DoctorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Doctor
        skip_postgeneration_save = True

    class Params:
        clinic = factory.SubFactory(ClinicFactory)
        specialty_master = factory.SubFactory(SpecialtyFactory)

    doctor_id = factory.Sequence(lambda n: f"DOC{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Dr. Test Doctor {n}")
    qualifications = "MBBS, MD"
    specializations = factory.LazyFunction(lambda: ["Internal Medicine"])
    specialty_id = factory.LazyAttribute(lambda o: o.specialty_master.specialty_id)
    specialty = factory.LazyAttribute(lambda o: o.specialty_master.name)
    email = factory.Sequence(lambda n: f"doctor{n}@example.com")
    experience_years = 10
    rating = 4.5
    review_count = 12
    clinics = factory.LazyAttribute(lambda o: [clinic_entry(o.clinic)])
    consultation_fee = 1000
    languages = factory.LazyFunction(lambda: ["English", "Hindi"])

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or DOCTOR_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class DoctorSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DoctorSlot

    doctor = factory.SubFactory(DoctorFactory)
    clinic = factory.LazyAttribute(lambda o: Clinic.objects.get(clinic_id=o.doctor.clinics[0].clinic_id))
    day_of_week = "Monday"
    start_time = "09:00"
    end_time = "12:00"
    slot_duration = 30
    max_patients = 1
    consultation_fee = 1000
    consultation_type = ConsultationType.BOTH
