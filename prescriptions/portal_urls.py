"""Doctor-portal pages of this app, mounted under /portal/ (see opd_wallet/urls.py).

PLACEHOLDER from the portal branch: the nav's "Prescriptions" entry links to `portal-prescriptions`.
The prescriptions work replaces this route with the real list (keep the URL name).
"""

from django.urls import path

from doctors.portal import PortalPlaceholderView

urlpatterns = [
    path(
        "prescriptions/",
        PortalPlaceholderView.as_view(
            nav_section="prescriptions", title="Prescriptions",
            text="Your uploaded prescriptions will be listed here. Upload one from an appointment's page.",
        ),
        name="portal-prescriptions",
    ),
]
