"""Doctor sign-in: one package for the doctor API's and the portal's sessions.

- `sessions`: the session JWT in the `doctor_session` cookie, the DRF authentication (`DoctorApiMixin`) and
  its OpenAPI description;
- `services`: sign-in (throttled), sign-out, the portal password;
- `portal`: `DoctorRequiredMixin` for portal pages;
- `views`, `urls`, `serializers`, `forms`: /auth/doctor/login, /logout, /profile and the profile page.
"""
