"""Examples of this app's API bodies for the OpenAPI schema, by component name (core/api_docs.py fills them in)."""

_OPEN = {"open": "08:00", "close": "20:00", "isClosed": False}

EXAMPLES = {
    "Clinic": {
        "_id": "68d9f5e66cd3c49c7e4f8601",
        "clinicId": "CLINIC001",
        "name": "Manipal Hospital",
        "address": "Sector 6, Dwarka, New Delhi",
        "city": "Delhi (NCR)",
        "state": "Delhi",
        "pincode": "110075",
        "phone": "+91-11-45801234",
        "email": "dwarka@manipalhospitals.example",
        "location": {"latitude": 28.5921, "longitude": 77.046},
        "operatingHours": {
            "Monday": _OPEN,
            "Tuesday": _OPEN,
            "Wednesday": _OPEN,
            "Thursday": _OPEN,
            "Friday": _OPEN,
            "Saturday": {"open": "09:00", "close": "14:00", "isClosed": False},
            "Sunday": {"open": "00:00", "close": "00:00", "isClosed": True},
        },
        "facilities": ["Pharmacy", "Laboratory", "Radiology"],
    },
}
