"""Input and output of /auth/doctor/*: seed JSON names, never the password hash."""

from rest_framework import serializers

from opd_wallet.serializers import NumberField, ObjectIdField


class DoctorLoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class LocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class DoctorClinicSerializer(serializers.Serializer):
    clinicId = serializers.CharField(source="clinic_id")
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)
    pincode = serializers.CharField(allow_null=True)
    location = LocationSerializer(allow_null=True)
    consultationFee = NumberField(source="consultation_fee")


class DoctorProfileSerializer(serializers.Serializer):
    """The signed-in doctor's own profile (GET /auth/doctor/profile and the JSON login answer)."""

    _id = ObjectIdField(source="pk", read_only=True)
    doctorId = serializers.CharField(source="doctor_id")
    name = serializers.CharField()
    profilePhoto = serializers.CharField(source="profile_photo", allow_null=True)
    qualifications = serializers.CharField()
    specializations = serializers.ListField(child=serializers.CharField())
    specialtyId = serializers.CharField(source="specialty_id")
    specialty = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    email = serializers.EmailField()
    role = serializers.CharField()
    registrationNumber = serializers.CharField(source="registration_number", allow_null=True)
    languages = serializers.ListField(child=serializers.CharField(), allow_null=True)
    experienceYears = serializers.IntegerField(source="experience_years")
    rating = NumberField()
    reviewCount = serializers.IntegerField(source="review_count")
    clinics = DoctorClinicSerializer(many=True)
    consultationFee = NumberField(source="consultation_fee")
    cashlessAvailable = serializers.BooleanField(source="cashless_available")
    insuranceAccepted = serializers.ListField(
        child=serializers.CharField(), source="insurance_accepted", allow_null=True
    )
    requiresConfirmation = serializers.BooleanField(source="requires_confirmation")
    allowDirectBooking = serializers.BooleanField(source="allow_direct_booking")
    availableOnline = serializers.BooleanField(source="available_online")
    availableOffline = serializers.BooleanField(source="available_offline")
    isActive = serializers.BooleanField(source="is_active")
    lastLogin = serializers.DateTimeField(source="last_login", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
