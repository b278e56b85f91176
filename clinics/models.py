"""Clinic and hospital locations, in the seed's `clinics` collection."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_mongodb_backend.fields import ArrayField, EmbeddedModelField
from django_mongodb_backend.models import EmbeddedModel

from core.fields import BooleanField
from core.validators import DAYS_OF_WEEK, is_time_24h, minutes_of_day, validate_time_24h
from mongo.embedded import embedded_errors

MSG_CLOSE_AFTER_OPEN = "Closing time must be after opening time."
MSG_HOURS_REQUIRED = "Give both opening and closing times, or mark the day closed."


class Location(EmbeddedModel):
    """`{latitude, longitude}`, embedded in clinics and in doctors' clinic entries."""

    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])

    def __str__(self) -> str:
        return f"{self.latitude}, {self.longitude}"


class DayHours(EmbeddedModel):
    open = models.CharField(max_length=5, blank=True, default="", validators=[validate_time_24h])
    close = models.CharField(max_length=5, blank=True, default="", validators=[validate_time_24h])
    is_closed = BooleanField(default=False, db_column="isClosed")

    def clean(self) -> None:
        if self.is_closed:
            return
        if not self.open or not self.close:
            raise ValidationError(MSG_HOURS_REQUIRED)
        if not is_time_24h(self.open) or not is_time_24h(self.close):
            return  # the format validators report this one
        if minutes_of_day(self.close) <= minutes_of_day(self.open):
            raise ValidationError({"close": MSG_CLOSE_AFTER_OPEN})

    def __str__(self) -> str:
        return "closed" if self.is_closed else f"{self.open}-{self.close}"


class OperatingHours(EmbeddedModel):
    """`{Monday: {open, close, isClosed}, ...}`; a missing day means no hours are published for it."""

    monday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Monday")
    tuesday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Tuesday")
    wednesday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Wednesday")
    thursday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Thursday")
    friday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Friday")
    saturday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Saturday")
    sunday = EmbeddedModelField(DayHours, null=True, blank=True, db_column="Sunday")

    def for_day(self, day_name: str) -> DayHours | None:
        """Hours of a seed day name ("Monday")."""
        if day_name not in DAYS_OF_WEEK:
            return None
        return getattr(self, day_name.lower())

    def __str__(self) -> str:
        return ", ".join(f"{day[:3]} {self.for_day(day)}" for day in DAYS_OF_WEEK if self.for_day(day))


class Clinic(models.Model):
    clinic_id = models.CharField("clinic ID", max_length=32, unique=True, db_column="clinicId")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=500)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True, null=True)
    pincode = models.CharField(max_length=12, blank=True, null=True)
    phone = models.CharField(max_length=32, blank=True, null=True)
    email = models.EmailField(blank=True, null=True)
    location = EmbeddedModelField(Location, null=True, blank=True)
    operating_hours = EmbeddedModelField(OperatingHours, null=True, blank=True, db_column="operatingHours")
    facilities = ArrayField(models.CharField(max_length=100), blank=True, default=list)
    is_active = BooleanField("active", default=True, db_column="isActive")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "clinics"
        ordering = ["clinic_id"]
        indexes = [
            models.Index(fields=["city", "is_active"], name="clinics_city_active"),
            # Plain index for lookups by clinicId: the unique one is partial ($type), unused for reads.
            models.Index(fields=["clinic_id", "is_active"], name="clinics_clinic_id_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.clinic_id})"

    def clean(self) -> None:
        errors = embedded_errors(self)  # location and operatingHours (seed: valid time formats)
        if errors:
            raise ValidationError(errors)
