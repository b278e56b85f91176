"""Input and output of the doctor API for time off and extra hours (/api/v1/doctor/time-off, /extra-hours).

Only types here: the rules are in doctors/schedule/exceptions.py and appointments/services/time_off.py.
"""

from rest_framework import serializers

from core.serializers import NumberField, ObjectIdField


class TimeOffSerializer(serializers.Serializer):
    """A time off: days (or hours of one day) when the doctor sees no one, everywhere or at one clinic."""

    _id = ObjectIdField(source="pk", read_only=True)
    doctorId = serializers.CharField(source="doctor_id")
    startDate = serializers.CharField(source="start_date")
    endDate = serializers.CharField(source="end_date")
    startTime = serializers.CharField(source="start_time", allow_null=True)
    endTime = serializers.CharField(source="end_time", allow_null=True)
    clinicId = serializers.CharField(source="clinic_id", allow_null=True)
    reason = serializers.CharField()
    affectedAppointments = serializers.CharField(source="affected_decision", allow_null=True)
    keptAppointmentIds = serializers.ListField(child=ObjectIdField(), source="kept_appointment_ids")
    cancelledAppointmentIds = serializers.ListField(child=ObjectIdField(), source="cancelled_appointment_ids")
    createdByRole = serializers.CharField(source="created_by_role")
    createdById = serializers.CharField(source="created_by_id")
    createdAt = serializers.DateTimeField(source="created_at")


class TimeOffInputSerializer(serializers.Serializer):
    """POST /api/v1/doctor/time-off. Times 12-hour ("hh:mm AM"), both or neither; no clinicId: everywhere."""

    startDate = serializers.CharField(source="start_date", max_length=10)
    endDate = serializers.CharField(source="end_date", max_length=10)
    startTime = serializers.CharField(source="start_time", max_length=8, required=False, allow_null=True)
    endTime = serializers.CharField(source="end_time", max_length=8, required=False, allow_null=True)
    clinicId = serializers.CharField(source="clinic_id", max_length=32, required=False, allow_null=True)
    reason = serializers.CharField(allow_blank=True)  # the service says what a reason needs
    affectedAppointments = serializers.ChoiceField(
        source="affected", choices=["keep", "cancel"], required=False, allow_null=True
    )


class AffectedAppointmentSerializer(serializers.Serializer):
    """One live appointment a time off would cover (the 409's "appointments")."""

    _id = serializers.CharField()
    appointmentId = serializers.CharField()
    appointmentNumber = serializers.CharField()
    patientName = serializers.CharField()
    appointmentType = serializers.CharField()
    clinicId = serializers.CharField(allow_null=True)
    appointmentDate = serializers.CharField()
    timeSlot = serializers.CharField()
    status = serializers.CharField()


class TimeOffConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    appointments = AffectedAppointmentSerializer(many=True)


class ExtraHoursSerializer(serializers.Serializer):
    """One-off extra hours: a slot valid on `date` only."""

    _id = ObjectIdField(source="pk", read_only=True)
    doctorId = serializers.CharField(source="doctor_id")
    date = serializers.CharField(source="start_date")
    clinicId = serializers.CharField(source="clinic_id")
    startTime = serializers.CharField(source="start_time")
    endTime = serializers.CharField(source="end_time")
    slotDuration = serializers.IntegerField(source="slot_duration")
    maxPatients = serializers.IntegerField(source="max_patients")
    consultationFee = NumberField(source="consultation_fee")
    consultationType = serializers.CharField(source="consultation_type")
    reason = serializers.CharField()
    createdByRole = serializers.CharField(source="created_by_role")
    createdById = serializers.CharField(source="created_by_id")
    createdAt = serializers.DateTimeField(source="created_at")


class ExtraHoursInputSerializer(serializers.Serializer):
    """POST /api/v1/doctor/extra-hours: the weekly slot's fields (times 24-hour HH:MM) on one date."""

    date = serializers.CharField(max_length=10)
    clinicId = serializers.CharField(source="clinic_id", max_length=32)
    startTime = serializers.CharField(source="start_time", max_length=5)
    endTime = serializers.CharField(source="end_time", max_length=5)
    slotDuration = serializers.IntegerField(source="slot_duration", required=False)
    maxPatients = serializers.IntegerField(source="max_patients", required=False)
    consultationFee = NumberField(source="consultation_fee")
    consultationType = serializers.CharField(source="consultation_type", max_length=10)
    reason = serializers.CharField(required=False, allow_blank=True)
