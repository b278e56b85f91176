from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django_mongodb_backend.fields.ObjectIdAutoField"
    name = "opd_wallet.users"
    label = "users"
    verbose_name = "Users and staff"

    def ready(self) -> None:
        from opd_wallet.db_fixes import escape_iexact_lookups

        escape_iexact_lookups()
