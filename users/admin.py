from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin_base import AllOrNothingAdmin
from core.passwords import validate_new_password
from users.models import User
from users.services import user_set_password
from users.staff_login import StaffAuthenticationForm
from users.two_factor import staff_2fa_reset

# Staff sign-in is throttled like every other sign-in and asks for the two-factor code (users/staff_login.py).
admin.site.login_form = StaffAuthenticationForm
# django-otp's own admin pages would show device secrets: staff manage their devices on /admin/two-factor/,
# and an ADMIN resets someone's with the user action below.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


class UserAdminForm(forms.ModelForm):
    new_password = forms.CharField(
        label="Set password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current password. Stored as bcrypt (cost 10); never shown.",
    )

    class Meta:
        model = User
        fields = ["member_id", "name", "email", "phone", "role", "is_active"]

    def clean_new_password(self) -> str:
        password = self.cleaned_data.get("new_password") or ""
        if password:
            validate_new_password(password, user=self.instance)
        return password


@admin.register(User)
class UserAdmin(AllOrNothingAdmin):
    form = UserAdminForm
    list_display = ["email", "name", "member_id", "role", "phone", "is_active", "last_login", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "name", "member_id", "phone"]
    show_full_result_count = False
    actions = ["reset_two_factor"]
    readonly_fields = ["password_status", "last_login", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["email", "name", "role", "is_active"]}),
        ("Member", {"fields": ["member_id", "phone"]}),
        ("Password", {"fields": ["new_password", "password_status"]}),
        ("Activity", {"fields": ["last_login", "created_at", "updated_at"]}),
    ]

    @admin.display(description="Current password")
    def password_status(self, obj: User) -> str:
        if obj.has_usable_password():
            return "Set (bcrypt). Never shown; type a new one above to replace it."
        return "Not set: this user cannot sign in."

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        password = form.cleaned_data.get("new_password")
        if not change and not obj.password:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        if password:
            user_set_password(user=obj, password=password)

    @admin.action(description="Reset two-factor sign-in (lost phone): they set it up again", permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            staff_2fa_reset(user=user)
            self.log_change(request, user, "Reset two-factor sign-in")  # the audit trail records it too
        self.message_user(request, f"Two-factor sign-in reset for {len(queryset)} user(s).", messages.SUCCESS)
