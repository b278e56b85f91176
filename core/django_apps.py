"""Django's own apps, given MongoDB's ObjectId primary key (check mongodb.E001).

See docs/decisions/0001-django-mongodb-backend.md.
"""

from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.apps import AuthConfig
from django.contrib.contenttypes.apps import ContentTypesConfig
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig

OBJECT_ID_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"


class MongoAdminConfig(AdminConfig):
    default_auto_field = OBJECT_ID_FIELD
    default_site = "core.admin_site.OpdAdminSite"


class MongoAuthConfig(AuthConfig):
    default_auto_field = OBJECT_ID_FIELD


class MongoContentTypesConfig(ContentTypesConfig):
    default_auto_field = OBJECT_ID_FIELD


# Staff two-factor sign-in (docs/decisions/0054-staff-two-factor-django-otp.md): django-otp's authenticator-app
# devices and recovery codes.
class MongoOTPTOTPConfig(OTPTOTPConfig):
    default_auto_field = OBJECT_ID_FIELD


class MongoOTPStaticConfig(OTPStaticConfig):
    default_auto_field = OBJECT_ID_FIELD
