"""The portal's sign-in form. It only shapes input: the rules live in doctors/auth/services.py."""

from django import forms


class DoctorLoginForm(forms.Form):
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True, "inputmode": "email"}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
