"""Member API shapes for specialties and doctors, in the seed's JSON names."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clinics.serializers import LocationSerializer
from core.serializers import NumberField, ObjectIdField
from doctors.discovery.selectors import ORDER_BY_DISTANCE, ORDERINGS, TYPE_IN_CLINIC, TYPE_ONLINE
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
    """The notice rules in force for one doctor (docs/booking.md#notice-rules)."""

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


class DoctorListParamsSerializer(serializers.Serializer):
    """Query parameters of GET /api/v1/doctors."""

    specialtyId = serializers.CharField(required=False, max_length=32)
    city = serializers.CharField(required=False, max_length=100)
    type = serializers.ChoiceField(choices=[TYPE_ONLINE, TYPE_IN_CLINIC], required=False)
    q = serializers.CharField(required=False, max_length=100)
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
    ordering = serializers.ChoiceField(choices=[*ORDERINGS, ORDER_BY_DISTANCE], required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_lat, has_lng = "lat" in attrs, "lng" in attrs
        if has_lat != has_lng:
            raise serializers.ValidationError({"lng" if has_lat else "lat": [MSG_LAT_LNG_TOGETHER]})
        if attrs.get("ordering") == ORDER_BY_DISTANCE and not has_lat:
            raise serializers.ValidationError({"ordering": [MSG_DISTANCE_NEEDS_POSITION]})
        return attrs
