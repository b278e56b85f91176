import factory

from clinics.geo import clinic_geo_write
from clinics.models import Clinic, DayHours, Location, OperatingHours


def week_hours(open_: str = "08:00", close: str = "20:00", closed: tuple[str, ...] = ()) -> OperatingHours:
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return OperatingHours(
        **{day: DayHours(open=open_, close=close, is_closed=day.capitalize() in closed) for day in days}
    )


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        skip_postgeneration_save = True

    clinic_id = factory.Sequence(lambda n: f"CLINIC{n + 100:03d}")
    name = factory.Sequence(lambda n: f"City Care Clinic {n}")
    address = factory.Faker("street_address", locale="en_IN")
    city = "Delhi (NCR)"
    state = "Delhi"
    pincode = "110075"
    phone = "+91-11-45801234"
    location = factory.LazyFunction(lambda: Location(latitude=28.5921, longitude=77.046))
    operating_hours = factory.LazyFunction(week_hours)
    facilities = factory.LazyFunction(lambda: ["Pharmacy", "Laboratory"])

    @factory.post_generation
    def geo(obj: Clinic, create: bool, extracted: object, **kwargs: object) -> None:
        """The GeoJSON copy the app writes after every clinic save (clinics/services.py: clinic_save)."""
        if create:
            clinic_geo_write(obj)
