"""JSON API routes of this app, mounted under /api/v1/ (see opd_wallet/urls.py)."""

urlpatterns: list = []
