"""Members and staff, in the `users` collection (docs/decisions/0011-seed-silence-1-members-in-users.md)."""

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models

from core.fields import BooleanField
from core.passwords import hash_password, validate_password_length, verify_password
from users.roles import STAFF_ROLES, Role, role_has_perm

__all__ = ["STAFF_ROLES", "Role", "User", "UserManager"]

# Fields of ours beyond the seed's shape, written only once they have a value.
OMITTED_WHEN_NULL = frozenset({"reminders_opt_out"})


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        """A validated user with a bcrypt password (lower-cased email). A taken email raises IntegrityError;
        `users.services.user_create` turns that into the service error the API, admin and commands show."""
        if password:
            validate_password_length(password)
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.setdefault("role", Role.ADMIN)
        return self.create_user(email=email, password=password, **fields)


class User(AbstractBaseUser):
    member_id = models.CharField(
        "member ID",
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        db_column="memberId",
        help_text="The patientId that appointments carry, e.g. USR001. Empty for staff.",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=32, blank=True, default="")
    password = models.CharField(max_length=128)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = BooleanField("active", default=True, db_column="isActive")
    last_login = models.DateTimeField(blank=True, null=True, db_column="lastLogin")
    # Ours, beyond the seed: True once the member turns reminders off (PATCH /api/v1/me/preferences). Written
    # only once set, so a new user's document keeps the seed's fields (docs/decisions/0049-member-reminder-opt-out.md).
    reminders_opt_out = BooleanField(null=True, blank=True, default=None, db_column="remindersOptOut")
    created_at = models.DateTimeField(auto_now_add=True, db_column="createdAt")
    updated_at = models.DateTimeField(auto_now=True, db_column="updatedAt")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        db_table = "users"
        ordering = ["email"]
        indexes = [
            models.Index(fields=["role", "is_active"], name="users_role_active"),
            # Sign-in looks members up by email; the unique index is partial ($type), unused for reads.
            models.Index(fields=["email"], name="users_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    # Our fields beyond the seed's are left out of a whole-document write while they are unset (None).
    def _do_insert(self, manager: Any, using: Any, fields: Any, returning_fields: Any, raw: Any) -> Any:
        fields = [
            field
            for field in fields
            if field.attname not in OMITTED_WHEN_NULL or getattr(self, field.attname) is not None
        ]
        return super()._do_insert(manager, using, fields, returning_fields, raw)  # type: ignore[misc]

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any, *args: Any, **kwargs: Any) -> Any:
        values = [value for value in values if value[0].attname not in OMITTED_WHEN_NULL or value[2] is not None]
        return super()._do_update(base_qs, using, pk_val, values, *args, **kwargs)

    # bcrypt "$2b$10$..." as stored by the existing system, not Django's "algorithm$..." form.
    def set_password(self, raw_password: str | None) -> None:
        self.password = hash_password(raw_password) if raw_password else ""
        self._password = raw_password

    def check_password(self, raw_password: str | None) -> bool:
        return verify_password(raw_password, self.password)

    def set_unusable_password(self) -> None:
        self.password = ""

    def has_usable_password(self) -> bool:
        return self.password.startswith(("$2a$", "$2b$", "$2y$"))

    # Roles instead of Django's groups and permission tables.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.role in STAFF_ROLES

    @property
    def is_superuser(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return self.is_active and role_has_perm(self.role, perm)

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff
