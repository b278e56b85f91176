"""The doctor API (API.md "Doctor API"), mounted at /api/v1/doctor/ (opd_wallet/urls.py)."""

urlpatterns: list = []
