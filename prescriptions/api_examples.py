"""Examples of this app's API bodies for the OpenAPI schema, by component name (core/api_docs.py fills them in).

Uploads are multipart: the example shows the text fields; `file` is the PDF, PNG or JPEG itself."""

_PRESCRIPTION = {
    "_id": "68d9f5e66cd3c49c7e4f8a01",
    "prescriptionId": "PRESC-2025-000123",
    "appointmentId": "68d9f5e66cd3c49c7e4f8801",
    "doctorId": "DOC001",
    "doctorName": "Dr. Vikas Mittal",
    "userId": "674d8e123abc456789012345",
    "patientName": "John Doe",
    "fileName": "prescription-john-doe-2025-09-30.pdf",
    "fileSize": 48213,
    "fileUrl": "/api/v1/prescriptions/PRESC-2025-000123/file",
    "uploadDate": "2025-09-30T05:02:00Z",
    "diagnosis": "Viral fever",
    "notes": "Paracetamol 650 mg three times a day for three days; plenty of fluids.",
    "isActive": True,
    "createdAt": "2025-09-30T05:02:00Z",
    "updatedAt": "2025-09-30T05:02:00Z",
}

EXAMPLES = {
    "MemberPrescription": _PRESCRIPTION,
    "DoctorPrescription": {**_PRESCRIPTION, "fileUrl": "/api/v1/doctor/prescriptions/PRESC-2025-000123/file"},
    "PrescriptionUploadInputRequest": {"diagnosis": "Viral fever", "notes": "Review in three days if not better."},
}
