import factory

from clinics.models import Clinic, DayHours, Location, OperatingHours


def week_hours(open_: str = "08:00", close: str = "20:00", closed: tuple[str, ...] = ()) -> OperatingHours:
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return OperatingHours(
        **{day: DayHours(open=open_, close=close, is_closed=day.capitalize() in closed) for day in days}
    )


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

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
