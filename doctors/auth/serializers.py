"""Input and output of /auth/doctor/*: seed JSON names, never the password hash."""

from rest_framework import serializers

from doctors.discovery.serializers import DoctorSerializer


class DoctorLoginSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=1024, trim_whitespace=False)


class DoctorProfileSerializer(DoctorSerializer):
    """The signed-in doctor's own profile (GET /auth/doctor/profile and the JSON login answer).

    What members see, plus the doctor's own contact and account fields; never the password hash.
    """

    phone = serializers.CharField(allow_null=True)
    email = serializers.EmailField()
    role = serializers.CharField()
    isActive = serializers.BooleanField(source="is_active")
    lastLogin = serializers.DateTimeField(source="last_login", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")
