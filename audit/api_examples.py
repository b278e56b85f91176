"""Examples of this app's API bodies for the OpenAPI schema, by component name (core/api_docs.py fills them in)."""

EXAMPLES = {
    "AccessLogEntry": {
        "role": "DOCTOR",
        "action": "download",
        "recordType": "prescription",
        "recordId": "PRESC-2025-000123",
        "at": "2025-09-30T05:04:12Z",
    },
}
