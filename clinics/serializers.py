"""Member API shapes for clinics, in the seed's JSON names."""

from rest_framework import serializers

from core.serializers import ObjectIdField


class LocationSerializer(serializers.Serializer):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class DayHoursSerializer(serializers.Serializer):
    open = serializers.CharField(help_text="24-hour HH:MM")
    close = serializers.CharField(help_text="24-hour HH:MM")
    isClosed = serializers.BooleanField(source="is_closed")


class OperatingHoursSerializer(serializers.Serializer):
    Monday = DayHoursSerializer(source="monday", allow_null=True)
    Tuesday = DayHoursSerializer(source="tuesday", allow_null=True)
    Wednesday = DayHoursSerializer(source="wednesday", allow_null=True)
    Thursday = DayHoursSerializer(source="thursday", allow_null=True)
    Friday = DayHoursSerializer(source="friday", allow_null=True)
    Saturday = DayHoursSerializer(source="saturday", allow_null=True)
    Sunday = DayHoursSerializer(source="sunday", allow_null=True)


class ClinicSerializer(serializers.Serializer):
    _id = ObjectIdField(source="pk", read_only=True)
    clinicId = serializers.CharField(source="clinic_id")
    name = serializers.CharField()
    address = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField(allow_null=True)
    pincode = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    email = serializers.EmailField(allow_null=True)
    location = LocationSerializer(allow_null=True)
    operatingHours = OperatingHoursSerializer(source="operating_hours", allow_null=True)
    facilities = serializers.ListField(child=serializers.CharField())


class ClinicListParamsSerializer(serializers.Serializer):
    city = serializers.CharField(
        required=False, max_length=100, help_text="Only clinics in this city, as listed, e.g. Delhi (NCR)."
    )
