from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from core.admin_base import AllOrNothingAdmin
from core.passwords import validate_new_password
from users.models import User
from users.services import user_set_password


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
