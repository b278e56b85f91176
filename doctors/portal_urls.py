"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py)."""

urlpatterns: list = []
