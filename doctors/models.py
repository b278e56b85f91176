"""Doctors (seed `doctors`), their weekly slots (seed `doctor_slots`) and the specialty master list."""

from datetime import date
from typing import Any

from bson import ObjectId
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django_mongodb_backend.fields import ArrayField, EmbeddedModelArrayField, EmbeddedModelField, ObjectIdField
from django_mongodb_backend.models import EmbeddedModel

from clinics.models import Location
from core.fields import BooleanField, NumberField
from core.passwords import hash_password, verify_password
from core.validators import (
    DAYS_OF_WEEK,
    FEE_VALIDATORS,
    is_time_24h,
    minutes_12h,
    minutes_of_day,
    validate_date,
    validate_day_of_week,
    validate_time_12h,
    validate_time_24h,
)
from mongo.embedded import embedded_errors

MSG_AT_LEAST_ONE_CLINIC = "A doctor needs at least one clinic location."
MSG_AT_LEAST_ONE_SPECIALIZATION = "Give at least one specialization."
MSG_UNKNOWN_SPECIALTY = "No specialty with this specialtyId exists in the specialty master."
MSG_SPECIALTY_MISMATCH = "Specialty should match the specialty master's name for this specialtyId."
MSG_END_AFTER_START = "End time must be after start time."
MSG_DURATION_FITS = "The slot must be at least one slotDuration long."
MSG_RATING_RANGE = "Rating must be between 0 and 5."
MIN_FEE = FEE_VALIDATORS


# A weekly slot's limits (the model's validators; availability skips a stored slot outside them).
MIN_SLOT_DURATION, MAX_SLOT_DURATION = 5, 480
MIN_PATIENTS, MAX_PATIENTS = 1, 100
MAX_NOTICE_MINUTES = 7 * 24 * 60  # a week: a longer notice or cut-off is a mistake, not a policy
MAX_HORIZON_DAYS = 365
# The doctor's notice rules (fields of ours): omitted from the document while unset, and never written by a
# whole-document save (the admin writes them through doctors/schedule/notice.py: doctor_notice_rules_set).
NOTICE_RULE_FIELDS = ("booking_min_notice_minutes", "booking_horizon_days", "member_change_cutoff_minutes")


class ConsultationType(models.TextChoices):
    IN_CLINIC = "IN_CLINIC", "In clinic"
    ONLINE = "ONLINE", "Online"
    BOTH = "BOTH", "Both"


class Specialty(models.Model):
    """The specialty master list (`specialty_master`) that doctors' specialtyId refers to."""

    specialty_id = models.CharField("specialty ID", max_length=32, unique=True, db_column="specialtyId")
    code = models.CharField(max_length=32, blank=True, default="")
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True, default="")
    icon = models.CharField(max_length=200, blank=True, default="")
    is_active = BooleanField("active", default=True, db_column="isActive")
    display_order = models.IntegerField(default=0, db_column="displayOrder")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "specialty_master"
        ordering = ["display_order", "name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return f"{self.name} ({self.specialty_id})"


class DoctorClinic(EmbeddedModel):
    """One entry of a doctor's embedded `clinics` array."""

    clinic_id = models.CharField("clinic ID", max_length=32, db_column="clinicId")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=500)
    city = models.CharField(max_length=100, blank=True, null=True)
    state = models.CharField(max_length=100, blank=True, null=True)
    pincode = models.CharField(max_length=12, blank=True, null=True)
    location = EmbeddedModelField(Location, null=True, blank=True)
    distance_km = models.FloatField(null=True, blank=True, db_column="distanceKm")
    consultation_fee = NumberField(validators=MIN_FEE, db_column="consultationFee")

    def __str__(self) -> str:
        return f"{self.name}, {self.city or self.address}"


class AvailableSlotDay(EmbeddedModel):
    """One entry of the legacy `availableSlots` array: a date and its 12-hour times."""

    date = models.CharField(max_length=10, validators=[validate_date])
    slots = ArrayField(models.CharField(max_length=8, validators=[validate_time_12h]), default=list)

    def __str__(self) -> str:
        return f"{self.date}: {', '.join(self.slots)}"


class Doctor(models.Model):
    doctor_id = models.CharField("doctor ID", max_length=32, unique=True, db_column="doctorId")
    name = models.CharField(max_length=200)
    profile_photo = models.CharField(max_length=500, blank=True, null=True, db_column="profilePhoto")
    qualifications = models.CharField(max_length=300)
    specializations = ArrayField(models.CharField(max_length=200))
    specialty_id = models.CharField("specialty ID", max_length=32, db_column="specialtyId")
    specialty = models.CharField(max_length=200)
    phone = models.CharField(max_length=32, blank=True, null=True)
    email = models.EmailField(unique=True)
    password = models.CharField(max_length=128, blank=True, null=True)
    role = models.CharField(max_length=16, default="DOCTOR", editable=False)
    registration_number = models.CharField(max_length=64, blank=True, null=True, db_column="registrationNumber")
    languages = ArrayField(models.CharField(max_length=50), blank=True, null=True)
    experience_years = models.IntegerField(validators=[MinValueValidator(0)], db_column="experienceYears")
    rating = NumberField(
        default=0,
        validators=[
            MinValueValidator(0, message=MSG_RATING_RANGE),
            MaxValueValidator(5, message=MSG_RATING_RANGE),
        ],
    )
    review_count = models.IntegerField(default=0, validators=[MinValueValidator(0)], db_column="reviewCount")
    clinics = EmbeddedModelArrayField(DoctorClinic)
    consultation_fee = NumberField(validators=MIN_FEE, db_column="consultationFee")
    cashless_available = BooleanField(default=True, db_column="cashlessAvailable")
    insurance_accepted = ArrayField(
        models.CharField(max_length=100), blank=True, null=True, db_column="insuranceAccepted"
    )
    requires_confirmation = BooleanField(default=False, db_column="requiresConfirmation")
    allow_direct_booking = BooleanField(default=True, db_column="allowDirectBooking")
    available_slots = EmbeddedModelArrayField(AvailableSlotDay, blank=True, null=True, db_column="availableSlots")
    available_online = BooleanField(default=True, db_column="availableOnline")
    available_offline = BooleanField(default=True, db_column="availableOffline")
    last_login = models.DateTimeField(blank=True, null=True, db_column="lastLogin")
    is_active = BooleanField("active", default=True, db_column="isActive")
    # Notice rules of this doctor, overriding the settings' defaults (doctors/schedule/notice.py): fields of
    # ours, in the document only while set, written only by `doctor_notice_rules_set` (docs/decisions/0043).
    booking_min_notice_minutes = models.PositiveIntegerField(
        "minimum booking notice (minutes)",
        blank=True,
        null=True,
        validators=[MaxValueValidator(MAX_NOTICE_MINUTES)],
        db_column="bookingMinNoticeMinutes",
    )
    booking_horizon_days = models.PositiveIntegerField(
        "booking horizon (days)",
        blank=True,
        null=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_HORIZON_DAYS)],
        db_column="bookingHorizonDays",
    )
    member_change_cutoff_minutes = models.PositiveIntegerField(
        "member cancel/move cut-off (minutes before)",
        blank=True,
        null=True,
        validators=[MaxValueValidator(MAX_NOTICE_MINUTES)],
        db_column="memberChangeCutoffMinutes",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "doctors"
        ordering = ["doctor_id"]
        indexes = [
            models.Index(fields=["specialty_id", "is_active"], name="doctors_specialty_active"),
            # Plain (not partial) index for lookups by doctorId (index-friendly shape: mongo/README.md).
            # Search indexes on the embedded clinics.city are in migration 0004.
            models.Index(fields=["doctor_id", "is_active"], name="doctors_doctor_id_active"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.doctor_id})"

    # A signed-in doctor is `request.user` in the doctor API (doctors/auth.py), so DRF asks these.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def clean(self) -> None:
        errors: dict[str, list[str]] = embedded_errors(self)  # clinics, their locations, availableSlots
        if not self.clinics:
            errors["clinics"] = [MSG_AT_LEAST_ONE_CLINIC]
        if not self.specializations:
            errors["specializations"] = [MSG_AT_LEAST_ONE_SPECIALIZATION]
        if self.specialty_id:
            master = Specialty.objects.filter(specialty_id=self.specialty_id).first()
            if master is None:
                errors["specialty_id"] = [MSG_UNKNOWN_SPECIALTY]
            elif self.specialty and self.specialty != master.name:
                errors["specialty"] = [MSG_SPECIALTY_MISMATCH]
        if errors:
            raise ValidationError(errors)

    # Portal passwords: bcrypt "$2b$10$..." as the seed says (core/passwords.py).
    def set_password(self, raw_password: str) -> None:
        self.password = hash_password(raw_password)

    def check_password(self, raw_password: str | None) -> bool:
        return verify_password(raw_password, self.password)

    def _do_insert(self, manager: Any, using: Any, fields: Any, returning_fields: Any, raw: Any) -> Any:
        # Our notice rules appear in the document only once set (the seed's shape otherwise).
        fields = [f for f in fields if f.attname not in NOTICE_RULE_FIELDS or getattr(self, f.attname) is not None]
        return super()._do_insert(manager, using, fields, returning_fields, raw)  # type: ignore[misc]

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, *args: Any) -> Any:
        # A whole save never writes (nor nulls) the notice rules: doctor_notice_rules_set sets and unsets them.
        values = [value for value in values if value[0].attname not in NOTICE_RULE_FIELDS]
        return super()._do_update(base_qs, using, pk_val, values, *args)

    def clinic(self, clinic_id: str) -> DoctorClinic | None:
        """The doctor's embedded entry for `clinic_id`, if the doctor practises there."""
        return next((entry for entry in self.clinics or [] if entry.clinic_id == clinic_id), None)


class DoctorSlot(models.Model):
    """A weekly recurring time window of a doctor at a clinic (`doctor_slots`)."""

    doctor = models.ForeignKey(
        Doctor,
        to_field="doctor_id",
        db_column="doctorId",
        on_delete=models.CASCADE,
        related_name="slots",
    )
    clinic = models.ForeignKey(
        "clinics.Clinic",
        to_field="clinic_id",
        db_column="clinicId",
        on_delete=models.PROTECT,
        related_name="doctor_slots",
    )
    day_of_week = models.CharField(
        max_length=9,
        choices=[(day, day) for day in DAYS_OF_WEEK],
        validators=[validate_day_of_week],
        db_column="dayOfWeek",
    )
    start_time = models.CharField(max_length=5, validators=[validate_time_24h], db_column="startTime")
    end_time = models.CharField(max_length=5, validators=[validate_time_24h], db_column="endTime")
    slot_duration = models.IntegerField(
        default=30,
        validators=[MinValueValidator(MIN_SLOT_DURATION), MaxValueValidator(MAX_SLOT_DURATION)],
        db_column="slotDuration",
    )
    max_patients = models.IntegerField(
        default=1,
        validators=[MinValueValidator(MIN_PATIENTS), MaxValueValidator(MAX_PATIENTS)],
        db_column="maxPatients",
    )
    is_active = BooleanField("active", default=True, db_column="isActive")
    consultation_fee = NumberField(validators=MIN_FEE, db_column="consultationFee")
    consultation_type = models.CharField(max_length=10, choices=ConsultationType.choices, db_column="consultationType")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "doctor_slots"
        ordering = ["doctor_id", "day_of_week", "start_time"]
        indexes = [
            models.Index(fields=["doctor", "clinic", "day_of_week"], name="slots_doctor_clinic_day"),
            models.Index(fields=["is_active"], name="slots_active"),
            # A day's bookable times (appointments/selectors.py: slot_schedule) without a residual filter.
            models.Index(fields=["doctor", "day_of_week", "is_active"], name="slots_doctor_day_active"),
        ]

    def __str__(self) -> str:
        return f"{self.doctor_id} {self.day_of_week} {self.start_time}-{self.end_time} at {self.clinic_id}"

    # Not a field: True on the unsaved slot that stands for one-off extra hours (extra_hours_as_slot).
    from_extra_hours: bool = False

    def clean(self) -> None:
        if not is_time_24h(self.start_time) or not is_time_24h(self.end_time):
            return  # the format validators report this one
        start, end = minutes_of_day(self.start_time), minutes_of_day(self.end_time)
        if end <= start:
            raise ValidationError({"end_time": MSG_END_AFTER_START})
        if self.slot_duration and end - start < self.slot_duration:
            raise ValidationError({"slot_duration": MSG_DURATION_FITS})


class ScheduleExceptionKind(models.TextChoices):
    TIME_OFF = "TIME_OFF", "Time off"
    EXTRA_HOURS = "EXTRA_HOURS", "Extra hours"


class CreatedBy(models.TextChoices):
    """Who recorded a schedule exception (the values of appointments' Actor that may)."""

    DOCTOR = "DOCTOR", "Doctor"
    STAFF = "STAFF", "Staff"


class AffectedDecision(models.TextChoices):
    """What was decided for the live appointments a time off covered when it was saved."""

    KEEP = "keep", "Keep them all"
    CANCEL = "cancel", "Cancel them all"
    EACH = "each", "Chosen one by one"


class ScheduleException(models.Model):
    """A doctor's one-off change to the weekly template (`doctor_schedule_exceptions`,
    docs/decisions/0035-schedule-exceptions.md).

    TIME_OFF: the doctor is away from `startDate` to `endDate` (inclusive), all day or, with `startTime` and
    `endTime` (12-hour, as appointments' `timeSlot`), for the times that start from `startTime` and before
    `endTime` on each of those days; at `clinicId` only (its IN_CLINIC times) or, without one, everywhere.
    EXTRA_HOURS: a one-off slot on one date (`startDate` = `endDate`) at a clinic, with the weekly slot's
    fields and rules (`startTime`/`endTime` 24-hour, as `doctor_slots`).
    Written only by doctors/schedule/exceptions.py (through appointments/services/time_off.py).
    """

    doctor = models.ForeignKey(
        Doctor,
        to_field="doctor_id",
        db_column="doctorId",
        on_delete=models.CASCADE,
        related_name="schedule_exceptions",
    )
    kind = models.CharField(max_length=12, choices=ScheduleExceptionKind.choices)
    start_date = models.CharField(max_length=10, validators=[validate_date], db_column="startDate")
    end_date = models.CharField(max_length=10, validators=[validate_date], db_column="endDate")
    start_time = models.CharField(max_length=8, blank=True, null=True, db_column="startTime")
    end_time = models.CharField(max_length=8, blank=True, null=True, db_column="endTime")
    clinic_id = models.CharField("clinic ID", max_length=32, blank=True, null=True, db_column="clinicId")
    reason = models.CharField(max_length=500, blank=True, default="")
    # EXTRA_HOURS only: the weekly slot's fields (doctor_slots).
    slot_duration = models.IntegerField(
        blank=True, null=True, validators=[MinValueValidator(5), MaxValueValidator(480)], db_column="slotDuration"
    )
    max_patients = models.IntegerField(
        blank=True, null=True, validators=[MinValueValidator(1), MaxValueValidator(100)], db_column="maxPatients"
    )
    consultation_fee = NumberField(blank=True, null=True, validators=MIN_FEE, db_column="consultationFee")
    consultation_type = models.CharField(
        max_length=10, choices=ConsultationType.choices, blank=True, null=True, db_column="consultationType"
    )
    # TIME_OFF only: the live appointments it covered when saved, and what was decided for them.
    affected_decision = models.CharField(
        max_length=6, choices=AffectedDecision.choices, blank=True, null=True, db_column="affectedAppointments"
    )
    kept_appointment_ids = ArrayField(ObjectIdField(), default=list, blank=True, db_column="keptAppointmentIds")
    cancelled_appointment_ids = ArrayField(
        ObjectIdField(), default=list, blank=True, db_column="cancelledAppointmentIds"
    )
    # EXTRA_HOURS being removed: no longer offered while the removal checks their appointments (0069).
    closing_at = models.DateTimeField(null=True, blank=True, db_column="closingAt")
    created_by_role = models.CharField(max_length=8, choices=CreatedBy.choices, db_column="createdByRole")
    created_by_id = models.CharField(max_length=64, db_column="createdById")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    class Meta:
        db_table = "doctor_schedule_exceptions"
        ordering = ["start_date", "start_time", "created_at"]
        indexes = [
            # Availability, booking and the week view: many doctors, a window of days (schedule_exceptions).
            models.Index(fields=["doctor", "end_date", "start_date"], name="schedule_exc_doctor_dates"),
            # The doctor's upcoming time off or extra hours (the doctor API and the portal's lists).
            models.Index(fields=["doctor", "kind", "end_date"], name="schedule_exc_doctor_kind_end"),
        ]

    def __str__(self) -> str:
        days = self.start_date if self.start_date == self.end_date else f"{self.start_date} to {self.end_date}"
        hours = f" {self.start_time}-{self.end_time}" if self.start_time and self.end_time else ""
        return f"{self.get_kind_display()} {self.doctor_id} {days}{hours}"

    @property
    def is_time_off(self) -> bool:
        return self.kind == ScheduleExceptionKind.TIME_OFF

    @property
    def whole_day(self) -> bool:
        return not (self.start_time and self.end_time)

    def on(self, day: date) -> bool:
        """Whether `day` is one of its dates."""
        return self.start_date <= day.isoformat() <= self.end_date

    def covers(self, *, day: date, minute: int, clinic_id: str | None) -> bool:
        """Whether this time off covers the time starting at `minute` on `day` at `clinic_id`.

        `clinic_id` None asks about a time that needs no clinic (ONLINE): only time off everywhere covers it.
        """
        if not self.is_time_off or not self.on(day):
            return False
        if self.clinic_id and self.clinic_id != clinic_id:
            return False
        if self.whole_day:
            return True
        try:
            return minutes_12h(str(self.start_time)) <= minute < minutes_12h(str(self.end_time))
        except ValueError:
            return False


class DoctorSession(models.Model):
    """One portal sign-in (`doctor_sessions`): a doctor JWT is valid only while the row of its `jti` exists.

    Logout deletes the row, so a copied cookie stops working at once. A TTL index on `expiresAt`
    (migration 0003) lets MongoDB remove rows of tokens that have expired anyway.
    """

    jti = models.CharField(max_length=64, unique=True)
    doctor = models.ForeignKey(Doctor, on_delete=models.CASCADE, db_column="doctor", related_name="sessions")
    doctor_id: ObjectId  # the column attribute Django adds; declared for the type checker
    expires_at = models.DateTimeField(db_column="expiresAt")
    ip_address = models.CharField(max_length=45, blank=True, default="", db_column="ipAddress")
    user_agent = models.CharField(max_length=300, blank=True, default="", db_column="userAgent")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")

    class Meta:
        db_table = "doctor_sessions"
        # Every portal request looks its session up (doctors/auth/sessions.py): a plain index for it
        # (index-friendly shape: mongo/README.md).
        indexes = [models.Index(fields=["jti", "doctor", "expires_at"], name="doctor_sessions_lookup")]

    def __str__(self) -> str:
        return f"{self.doctor_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """Failed doctor sign-ins in the current window, one counter per email and per IP (`doctor_login_failures`).

    In MongoDB rather than in memory because gunicorn runs several processes; changed only by atomic
    `$inc` upserts (doctors/services.py). A TTL index on `expiresAt` (migration 0003) removes old windows.
    """

    key = models.CharField(max_length=320, unique=True)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(db_column="expiresAt")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")

    class Meta:
        db_table = "doctor_login_failures"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
