"""Input and output of the doctor API for weekly slots (/api/v1/doctor/slots): the seed's JSON names."""

from rest_framework import serializers

from core.serializers import NumberField, ObjectIdField
from core.validators import DAYS_OF_WEEK


class SlotSerializer(serializers.Serializer):
    """A weekly slot: a window of one weekday at one clinic, cut into bookable times."""

    _id = ObjectIdField(source="pk", read_only=True)
    doctorId = serializers.CharField(source="doctor_id", read_only=True)
    clinicId = serializers.CharField(source="clinic_id")
    dayOfWeek = serializers.CharField(source="day_of_week")
    startTime = serializers.CharField(source="start_time")
    endTime = serializers.CharField(source="end_time")
    slotDuration = serializers.IntegerField(source="slot_duration")
    maxPatients = serializers.IntegerField(source="max_patients")
    isActive = serializers.BooleanField(source="is_active")
    consultationFee = NumberField(source="consultation_fee")
    consultationType = serializers.CharField(source="consultation_type")
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    updatedAt = serializers.DateTimeField(source="updated_at", read_only=True)


class SlotInputSerializer(serializers.Serializer):
    # POST and PATCH of a slot. Only types here: the rules (formats, overlap, clinic) are in slot_create.

    clinicId = serializers.CharField(source="clinic_id", max_length=32)
    dayOfWeek = serializers.CharField(source="day_of_week", max_length=9)
    startTime = serializers.CharField(source="start_time", max_length=5)
    endTime = serializers.CharField(source="end_time", max_length=5)
    slotDuration = serializers.IntegerField(source="slot_duration", required=False)
    maxPatients = serializers.IntegerField(source="max_patients", required=False)
    isActive = serializers.BooleanField(source="is_active", required=False)
    consultationFee = NumberField(source="consultation_fee")
    consultationType = serializers.CharField(source="consultation_type", max_length=10)


class SlotFilterSerializer(serializers.Serializer):
    """?dayOfWeek=&clinicId=&isActive=true|false of GET /api/v1/doctor/slots."""

    dayOfWeek = serializers.ChoiceField(choices=DAYS_OF_WEEK, required=False)
    clinicId = serializers.CharField(required=False, help_text="Only slots at this clinic, e.g. CLINIC001.")
    isActive = serializers.ChoiceField(choices=["true", "false"], required=False)
