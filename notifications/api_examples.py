"""Examples of this app's API bodies for the OpenAPI schema, by component name (core/api_docs.py fills them in)."""

EXAMPLES = {
    "Notification": {
        "_id": "68da2f016cd3c49c7e4f9301",
        "kind": "VIDEO_OPENED",
        "appointmentId": "APT-001",
        "title": "Your video consultation is open",
        "body": "Dr. Vikas Mittal has opened the video room for your 10:00 AM consultation. Join from My appointments.",
        "createdAt": "2025-09-30T04:29:41Z",
        "isRead": False,
        "readAt": None,
    },
    "Preferences": {"reminders": True},
    "PatchedPreferencesRequest": {"reminders": False},
}
