"""Examples of this app's API bodies for the OpenAPI schema, by component name (core/api_docs.py fills them in)."""

_ACCESS = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzU5MDU4MDAwLCJ1c2VyX2lkIjoi"
    "Njc0ZDhlMTIzYWJjNDU2Nzg5MDEyMzQ1In0.3q2Ykq8mJ3v0hH5o8sYQm4cXoEw1GQ6bB0dFf1c2a3E"
)
_REFRESH = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc1OTE0NDQwMCwidXNlcl9pZCI6"
    "IjY3NGQ4ZTEyM2FiYzQ1Njc4OTAxMjM0NSJ9.Yc0yZ1m8b2d9L1sY7pXq4n3K6vW0tU5rE2aS8dF4gH0"
)

EXAMPLES = {
    "MemberLoginRequest": {"email": "member@example.com", "password": "opd-demo-2025"},
    "TokenPair": {"access": _ACCESS, "refresh": _REFRESH},
    "RefreshRequest": {"refresh": _REFRESH},
    "Access": {"access": _ACCESS},
    "SignedOut": {"detail": "You have signed out."},
    "Me": {
        "_id": "674d8e123abc456789012345",
        "memberId": "USR001",
        "name": "John Doe",
        "email": "member@example.com",
        "phone": "+919876543210",
        "role": "MEMBER",
        "isActive": True,
        "createdAt": "2025-01-15T09:30:00Z",
    },
}
