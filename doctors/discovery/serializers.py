"""Member API shapes for specialties and doctors, in the seed's JSON names."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinics.serializers import LocationSerializer
from core.serializers import IsoDateField, NumberField, ObjectIdField
from doctors.discovery.selectors import (
    ORDER_BY_DISTANCE,
    ORDER_BY_NEXT_AVAILABLE,
    ORDERINGS,
    TYPE_IN_CLINIC,
    TYPE_ONLINE,
)
from doctors.models import Doctor
from doctors.schedule.notice import notice_rules

MSG_LAT_LNG_TOGETHER = "Give both lat and lng, or neither."
MSG_DISTANCE_NEEDS_POSITION = "Ordering by distance needs lat and lng."


class SpecialtySerializer(serializers.Serializer):
    _id = ObjectIdField(source="pk", read_only=True)
    specialtyId = serializers.CharField(source="specialty_id")
    code = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    icon = serializers.CharField()
    displayOrder = serializers.IntegerField(source="display_order")


class DoctorClinicSerializer(serializers.Serializer):
    clinicId = serializers.CharField(source="clinic_id")
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    pincode = serializers.CharField(allow_null=True)
    location = LocationSerializer(allow_null=True)
    distanceKm = serializers.FloatField(
        source="distance_km",
        allow_null=True,
        help_text="Kilometres from the lat/lng given in the request; null without them.",
    )
    consultationFee = NumberField(source="consultation_fee")


class BookingRulesSerializer(serializers.Serializer):
    """The notice rules in force for one doctor: how far ahead, and until when before a visit, members may book
    and change."""

    minNoticeMinutes = serializers.IntegerField(
        source="min_notice_minutes", help_text="A time can be booked only this many minutes ahead."
    )
    horizonDays = serializers.IntegerField(
        source="horizon_days", help_text="Dates bookable up to this many days ahead."
    )
    changeCutoffMinutes = serializers.IntegerField(
        source="change_cutoff_minutes",
        help_text="The member may cancel or reschedule up to this many minutes before the start.",
    )


class NextAvailableSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="YYYY-MM-DD, clinic-local.")
    timeSlot = serializers.CharField(source="time_slot", help_text='12-hour "hh:mm AM", clinic-local.')
    consultationType = serializers.CharField(
        source="consultation_type", help_text="What this time can be booked as: IN_CLINIC, ONLINE or BOTH."
    )
    clinicId = serializers.CharField(source="clinic_id", help_text="Where the time is.")


class DoctorSerializer(serializers.Serializer):
    """A doctor as members see it: never the password, login email, role or lastLogin."""

    _id = ObjectIdField(source="pk", read_only=True)
    doctorId = serializers.CharField(source="doctor_id")
    name = serializers.CharField()
    profilePhoto = serializers.CharField(source="profile_photo", allow_null=True)
    qualifications = serializers.CharField()
    specializations = serializers.ListField(child=serializers.CharField())
    specialtyId = serializers.CharField(source="specialty_id")
    specialty = serializers.CharField()
    registrationNumber = serializers.CharField(source="registration_number", allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), allow_null=True)
    experienceYears = serializers.IntegerField(source="experience_years")
    rating = NumberField()
    reviewCount = serializers.IntegerField(source="review_count")
    clinics = DoctorClinicSerializer(many=True)
    consultationFee = NumberField(source="consultation_fee")
    cashlessAvailable = serializers.BooleanField(source="cashless_available")
    insuranceAccepted = serializers.ListField(
        source="insurance_accepted", child=serializers.CharField(), allow_null=True
    )
    requiresConfirmation = serializers.BooleanField(source="requires_confirmation")
    allowDirectBooking = serializers.BooleanField(source="allow_direct_booking")
    availableOnline = serializers.BooleanField(source="available_online")
    availableOffline = serializers.BooleanField(source="available_offline")
    bookingRules = serializers.SerializerMethodField()

    @extend_schema_field(BookingRulesSerializer)
    def get_bookingRules(self, doctor: Doctor) -> dict[str, Any]:
        return dict(BookingRulesSerializer(notice_rules(doctor)).data)

    nextAvailable = NextAvailableSerializer(
        source="next_available",
        allow_null=True,
        default=None,
        help_text=(
            "The soonest time that can be booked (of the `type` asked for, if any), or null when nothing is free "
            "up to the booking horizon (90 days by default)."
        ),
    )


MSG_RADIUS_NEEDS_POSITION = "A radius needs lat and lng."


class DoctorListParamsSerializer(serializers.Serializer):
    """Query parameters of GET /api/v1/doctors."""

    # Blank (or only spaces) is no filter, like an absent one: `q=` from an empty search box is not an error.
    specialtyId = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        help_text="Only doctors of this specialty (see /specialties), e.g. SPEC001.",
    )
    city = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=(
            "Only doctors practising in this city. Case does not matter, nor a region in brackets "
            '("Delhi" finds "Delhi (NCR)"), and old names find renamed cities ("Bangalore", "Gurgaon", "Bombay").'
        ),
    )
    type = serializers.ChoiceField(
        choices=[TYPE_ONLINE, TYPE_IN_CLINIC],
        required=False,
        help_text="Only doctors who offer this kind of consultation; `nextAvailable` is then of this kind.",
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text=(
            "Words to look for, matched as typed (never a pattern), ignoring case, in the doctor's name, "
            'specializations and specialty, in clinic names, and in the specialties\' descriptions ("skin").'
        ),
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90, help_text="Your latitude, e.g. 28.6315.")
    lng = serializers.FloatField(
        required=False, min_value=-180, max_value=180, help_text="Your longitude, e.g. 77.2167."
    )
    radiusKm = serializers.FloatField(
        required=False,
        min_value=0.1,
        max_value=5000,
        help_text="Only doctors with a clinic within this many kilometres of lat/lng.",
    )
    availableOn = IsoDateField(
        required=False,
        help_text="Only doctors with a free time on this day (YYYY-MM-DD, clinic-local).",
    )
    ordering = serializers.ChoiceField(
        choices=[*ORDERINGS, ORDER_BY_DISTANCE, ORDER_BY_NEXT_AVAILABLE],
        required=False,
        help_text=(
            "Sort order; `-` sorts descending. `distance` (needs lat/lng) puts the nearest clinic first; "
            "`nextAvailable` the soonest free time first, doctors with none last. Ties by doctorId."
        ),
    )

    withNextAvailable = serializers.BooleanField(
        required=False,
        default=True,
        help_text="false leaves `nextAvailable` null on every doctor, for a quicker page that does not show it.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_lng = "lat" in attrs, "lng" in attrs
        if has_lat != has_lng:
            raise serializers.ValidationError({"lng" if has_lat else "lat": [MSG_LAT_LNG_TOGETHER]})
        if attrs.get("ordering") == ORDER_BY_DISTANCE and not has_lat:
            raise serializers.ValidationError({"ordering": [MSG_DISTANCE_NEEDS_POSITION]})
        if "radiusKm" in attrs and not has_lat:
            raise serializers.ValidationError({"radiusKm": [MSG_RADIUS_NEEDS_POSITION]})
        return attrs


class CitySerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The city's current name, without a region in brackets.")
    doctorCount = serializers.IntegerField(source="doctor_count", help_text="Active doctors practising there.")
