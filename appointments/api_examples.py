"""Examples of this app's API bodies for the OpenAPI schema, by component name (core/api_docs.py fills them in).

Realistic values in the seed's shape (Dr. Vikas Mittal, DOC001, at Manipal Hospital, CLINIC001)."""

_TIME = {
    "timeSlot": "10:00 AM",
    "clinicId": "CLINIC001",
    "consultationType": "BOTH",
    "consultationFee": 1000,
    "remaining": 1,
    "slotId": "68d9f5e66cd3c49c7e4f8701",
}
_LATER = {**_TIME, "timeSlot": "10:30 AM", "remaining": 2}

EXAMPLES = {
    "Appointment": {
        "_id": "68d9f5e66cd3c49c7e4f8801",
        "appointmentId": "APT-001",
        "appointmentNumber": "APT20250928001",
        "userId": "674d8e123abc456789012345",
        "patientName": "John Doe",
        "patientId": "USR001",
        "doctorId": "DOC001",
        "slotId": "68d9f5e66cd3c49c7e4f8701",
        "doctorName": "Dr. Vikas Mittal",
        "specialty": "General Physician",
        "clinicId": None,
        "clinicName": None,
        "clinicAddress": None,
        "appointmentType": "ONLINE",
        "appointmentDate": "2025-09-30",
        "timeSlot": "10:00 AM",
        "consultationFee": 1000,
        "status": "CONFIRMED",
        "requestedAt": "2025-09-28T10:00:00Z",
        "confirmedAt": "2025-09-28T10:30:00Z",
        "paymentStatus": "PENDING",
        "amountPaid": 0,
        "coveredByInsurance": True,
        "contactNumber": "+919876543210",
        "callPreference": "VIDEO",
        "prescriptionId": None,
        "hasPrescription": False,
        "cancelledAt": None,
        "cancelledBy": None,
        "cancellationReason": None,
        "createdAt": "2025-09-28T10:00:00Z",
        "updatedAt": "2025-09-28T10:30:00Z",
        "consultationId": "VC-4821937650",
        "videoRoomOpen": True,
    },
    "AppointmentBookRequest": {
        "doctorId": "DOC001",
        "appointmentType": "IN_CLINIC",
        "appointmentDate": "2025-09-30",
        "timeSlot": "10:00 AM",
        "clinicId": "CLINIC001",
    },
    "Availability": {
        "doctorId": "DOC001",
        "days": [
            {"date": "2025-09-29", "slots": []},
            {"date": "2025-09-30", "slots": [_TIME, _LATER]},
        ],
    },
}
