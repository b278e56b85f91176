"""Django settings for OPD Wallet. Every value that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from pymongo.uri_parser import parse_uri

from opd_wallet.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "core.django_apps.MongoAdminConfig",
    "core.django_apps.MongoAuthConfig",
    "core.django_apps.MongoContentTypesConfig",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_mongodb_backend",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "core.django_apps.MongoOTPTOTPConfig",
    "core.django_apps.MongoOTPStaticConfig",
    "core",
    "audit",
    "users",
    "doctors",
    "clinics",
    "appointments",
    "consultations",
    "prescriptions",
    "notifications",
    "operations",  # the operations dashboard (issue 18): reads every app above
    "demo",
]

MIGRATION_MODULES = {
    "admin": "core.django_migrations.admin",
    "auth": "core.django_migrations.auth",
    "contenttypes": "core.django_migrations.contenttypes",
    "otp_totp": "core.django_migrations.otp_totp",
    "otp_static": "core.django_migrations.otp_static",
}

MIDDLEWARE = [
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.NoStoreAuthenticatedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.two_factor.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "opd_wallet.urls"
WSGI_APPLICATION = "opd_wallet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# With MONGODB_URI unset, manage.py and wsgi.py start the embedded server first (mongo/embedded_server.py)
# and tests point HOST at an in-memory one (conftest.py). The URI's path names the database.
if not DEBUG and not env_str("MONGODB_URI"):
    raise ImproperlyConfigured(
        "MONGODB_URI must be set when DEBUG is off: production never starts the embedded development database "
        "(docs/operations.md). Example: MONGODB_URI=mongodb://user:pass@db.example.com:27017/opd_wallet"
    )
MONGODB_URI = env_str("MONGODB_URI", "mongodb://127.0.0.1:27017/opd_wallet")
MONGODB_NAME = parse_uri(MONGODB_URI).get("database") or "opd_wallet"
DATABASES = {
    "default": {
        "ENGINE": "mongo",  # django_mongodb_backend, sending flat filters
        "HOST": MONGODB_URI,
        "NAME": MONGODB_NAME,
        "OPTIONS": {"serverSelectionTimeoutMS": env_int("MONGODB_TIMEOUT_MS", 5000)},
    },
}
DATABASE_ROUTERS = ["django_mongodb_backend.routers.MongoRouter"]
DEFAULT_AUTO_FIELD = "django_mongodb_backend.fields.ObjectIdAutoField"

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
# Seed rule: bcrypt with 10 salt rounds, stored as the plain "$2b$10$..." string.
BCRYPT_ROUNDS = env_int("BCRYPT_ROUNDS", 10)
LOGIN_URL = "/admin/login/"

# --- Internationalisation ---------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Kolkata")  # clinic-local time of appointment dates and times
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Prescriptions are private medical records: outside static/, never served by a public route.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Product settings -----------------------------------------------------------------------------------
FORMS_URLFIELD_ASSUME_HTTPS = True
JITSI_DOMAIN = env_str("JITSI_DOMAIN", "meet.jit.si")

# --- REST framework -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "users.authentication.MemberJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7)),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": False,
    "SIGNING_KEY": SECRET_KEY,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OPD Wallet API",
    "DESCRIPTION": "Outpatient care: find doctors, book, consult online, download prescriptions.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Security -------------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind a TLS-terminating proxy in production (make serve); HTTPS everywhere, remembered by browsers.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", True) else None
# How many proxies in front of the app append to X-Forwarded-For; 0 trusts only REMOTE_ADDR (core/client_ip.py).
TRUSTED_PROXY_HOPS = max(0, env_int("TRUSTED_PROXY_HOPS", 0))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)  # JSON/form bodies

# Content-Security-Policy: our own origin only, plus the Jitsi Meet domain that the call page embeds.
_JITSI = f"https://{JITSI_DOMAIN}"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", _JITSI],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", _JITSI, f"wss://{JITSI_DOMAIN}"],
        "frame-src": [_JITSI],
        "media-src": ["'self'", _JITSI],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# One JSON line per request (core.middleware.RequestLogMiddleware); never bodies, tokens or passwords.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Our access log replaces Django's own request lines.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# --- booking ---------------------------------------------------------------------------------------------
# How many days ahead members may see availability and book (appointments/selectors.py).
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 90)
# A PENDING_CONFIRMATION request not confirmed in time is cancelled by the system (`manage.py expire_requests`):
# REQUEST_EXPIRY_HOURS after it was made or REQUEST_EXPIRY_BEFORE_MINUTES before the visit, whichever is first.
REQUEST_EXPIRY_HOURS = env_int("REQUEST_EXPIRY_HOURS", 24)
REQUEST_EXPIRY_BEFORE_MINUTES = env_int("REQUEST_EXPIRY_BEFORE_MINUTES", 120)

# --- time off and extra hours (issue 14; docs/decisions/0035-schedule-exceptions.md) ----------------------------
# The most days one time off may cover (doctors/schedule/exceptions.py); a longer leave is added in parts.
TIME_OFF_MAX_DAYS = env_int("TIME_OFF_MAX_DAYS", 90)
# --- notice rules (schedule-ui; docs/booking.md#notice-rules) ------------------------------------------------
# Defaults a doctor's own fields override (bookingMinNoticeMinutes, bookingHorizonDays above as
# BOOKING_HORIZON_DAYS, memberChangeCutoffMinutes; doctors.schedule.selectors.notice_rules):
# a time can be booked only this many minutes ahead, and a member may cancel (or move) an appointment only
# up to this many minutes before its start.
BOOKING_MIN_NOTICE_MINUTES = env_int("BOOKING_MIN_NOTICE_MINUTES", 120)
MEMBER_CHANGE_CUTOFF_MINUTES = env_int("MEMBER_CHANGE_CUTOFF_MINUTES", 120)

# --- reschedule, expiry and a doctor who does not show (issue 14, branch reschedule) --------------------------
# An ONLINE CONFIRMED visit whose doctor has not opened the video room this many minutes after its start is
# "doctor did not show": flagged in the admin, and its member may cancel it at once (docs/booking.md).
DOCTOR_NO_SHOW_MINUTES = env_int("DOCTOR_NO_SHOW_MINUTES", 10)

# --- issue 14 follow-up (branch followup) ------------------------------------------------------------------
# The admin's "Doctor did not show" filter looks this many days back (today included), so its one query stays
# bounded as appointments pile up (appointments.selectors.doctor_late_appointment_ids; docs/operations.md).
DOCTOR_NO_SHOW_LOOKBACK_DAYS = env_int("DOCTOR_NO_SHOW_LOOKBACK_DAYS", 14)

# --- member API (issue 17: availability ranges, next free time, search) -------------------------------------
# Days one availability request may cover (?from=&to=), and how long each process keeps the stored city names
# doctor search matches `city` against (docs/api.md, Doctors).
AVAILABILITY_RANGE_MAX_DAYS = env_int("AVAILABILITY_RANGE_MAX_DAYS", 31)
CITY_NAMES_CACHE_SECONDS = env_int("CITY_NAMES_CACHE_SECONDS", 60)
# Search's `nextAvailable` is stored per doctor (appointments/next_free_store.py, decision 0073). This app's own
# writes mark it stale at once; writes it never sees (the existing system's inserts) show within this many
# seconds. 0 works every page out afresh (four to seven more reads per page).
NEXT_AVAILABLE_MAX_AGE_SECONDS = env_int("NEXT_AVAILABLE_MAX_AGE_SECONDS", 60)

# --- distance search on the server's geo index (branch geo; clinics/geo.py, decision 0059) ---------------------
# Distance ordering and radiusKm use a `$nearSphere` query on the clinics' GeoJSON copy (`clinics.geo`, 2dsphere
# index) when the server answers it (probed once per process); False forces the great-circle fallback.
SEARCH_GEO_INDEX = env_bool("SEARCH_GEO_INDEX", True)

# --- prescriptions ----------------------------------------------------------------------------------------
# Upload limits. The size limit is answered with 413; prescription files are the only uploads, so the upload
# handler (prescriptions/uploads.py) applies it to every multipart request while the body streams in.
PRESCRIPTION_MAX_UPLOAD_BYTES = env_int("PRESCRIPTION_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
PRESCRIPTION_MAX_IMAGE_PIXELS = env_int("PRESCRIPTION_MAX_IMAGE_PIXELS", 40_000_000)  # decompression-bomb cap
FILE_UPLOAD_HANDLERS = [
    "prescriptions.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger files are spooled to a temporary file, not held in memory
FILE_UPLOAD_PERMISSIONS = 0o600  # medical records: readable by the app's user only
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- consultations ---------------------------------------------------------------------------------------
# `manage.py mark_no_shows` (cron): a SCHEDULED call whose patient has not joined this many minutes after
# the scheduled start becomes NO_SHOW; a call IN_PROGRESS longer than CONSULTATION_MAX_MINUTES is ended.
CONSULTATION_NO_SHOW_MINUTES = env_int("CONSULTATION_NO_SHOW_MINUTES", 15)
CONSULTATION_MAX_MINUTES = env_int("CONSULTATION_MAX_MINUTES", 120)

# --- visit time window (docs/booking.md#time-windows) -------------------------------------------------------
# A visit can be completed, and its video call started, from this many minutes before its start.
VISIT_EARLY_MINUTES = env_int("VISIT_EARLY_MINUTES", 15)

# --- notifications (docs/notifications.md) ------------------------------------------------------------------
# Email through Django's email framework: SMTP when EMAIL_HOST is set, the console otherwise (development).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OPD Wallet <no-reply@opd-wallet.local>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
# SMS and WhatsApp: a dotted path to a class with send(*, to, text) (notifications/channels.py); the default logs.
NOTIFY_SMS_BACKEND = env_str("NOTIFY_SMS_BACKEND", "notifications.channels.LoggingTextBackend")
NOTIFY_WHATSAPP_BACKEND = env_str("NOTIFY_WHATSAPP_BACKEND", "notifications.channels.LoggingTextBackend")
# The channels each recipient is told on (EMAIL, SMS, WHATSAPP, IN_APP; doctors: no IN_APP).
NOTIFY_MEMBER_CHANNELS = env_list("NOTIFY_MEMBER_CHANNELS", ["EMAIL", "IN_APP"])
NOTIFY_DOCTOR_CHANNELS = env_list("NOTIFY_DOCTOR_CHANNELS", ["EMAIL"])
# Reminders this many hours before a visit; a doctor is warned this many minutes before a request expires.
NOTIFY_REMINDER_HOURS = [int(hours) for hours in env_list("NOTIFY_REMINDER_HOURS", ["24", "2"])]
NOTIFY_EXPIRY_WARNING_MINUTES = env_int("NOTIFY_EXPIRY_WARNING_MINUTES", 120)
# The worker (`manage.py deliver_notifications`): attempts before FAILED, the first retry's delay (doubling,
# capped), how long a claim holds before another worker may retake it, the --loop pause.
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5)
NOTIFY_RETRY_SECONDS = env_int("NOTIFY_RETRY_SECONDS", 60)
NOTIFY_RETRY_MAX_SECONDS = env_int("NOTIFY_RETRY_MAX_SECONDS", 3600)
NOTIFY_CLAIM_LEASE_SECONDS = env_int("NOTIFY_CLAIM_LEASE_SECONDS", 300)
NOTIFY_LOOP_SECONDS = env_int("NOTIFY_LOOP_SECONDS", 30)
# Links in messages and the calendar feed's address (no trailing slash); calendar events last this long.
NOTIFY_SITE_URL = env_str("NOTIFY_SITE_URL", "http://127.0.0.1:8000")
NOTIFY_EVENT_MINUTES = env_int("NOTIFY_EVENT_MINUTES", 30)
# The outbox keeps a notification this many days after it was due (a TTL index, set at `manage.py migrate`;
# never under 30): notifications/retention.py.
NOTIFY_RETENTION_DAYS = env_int("NOTIFY_RETENTION_DAYS", 400)

# --- hardening ---------------------------------------------------------------------------------------------
# Document the errors every operation can give (401/403/404/400) wherever a view did not (core/api_docs.py).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "core.api_docs.document_common_errors",
    "core.api_docs.one_request_encoding",
    "core.api_docs.fill_examples",
]
# pymongo's command log and the backend's query log carry whole documents (medical records, password hashes):
# they stay quiet even when LOG_LEVEL=DEBUG.
LOGGING["loggers"].update({"pymongo": {"level": "WARNING"}, "django.db.backends": {"level": "WARNING"}})
# --- accounts and audit (issue 16) ---------------------------------------------------------------------
# Audit entries (audit_log) are kept this many days by a TTL index; never less than a year (audit/retention.py).
AUDIT_RETENTION_DAYS = max(365, env_int("AUDIT_RETENTION_DAYS", 730))
# Mixed into every ModelAdmin by the admin site (core/admin_site.py): staff adds, changes, deletes and the
# reads below go to the audit trail (audit/admin_hooks.py).
ADMIN_MODEL_MIXINS = ["audit.admin_hooks.AuditedAdminMixin"]
AUDIT_ADMIN_READS = ["appointments.appointment", "prescriptions.prescription"]
# Staff sign in to the admin with a password and a code from an authenticator app (users/two_factor.py). Required
# for every staff member when on (default: on in production, off with DEBUG so the demo admin signs in with its
# password); staff who enrolled give a code either way.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "OPD Wallet"
STAFF_RECOVERY_CODES = 10
# Cookies that carry a credential: answers to requests bearing them are never cached (core/middleware.py).
CREDENTIAL_COOKIES = ["sessionid", "doctor_session"]
# --- bench -----------------------------------------------------------------------------------------------
# `make bench` only: count MongoDB commands per request into an X-DB-Commands header (devtools/db_commands.py).
if env_bool("OPD_COUNT_DB_COMMANDS", default=False):
    MIDDLEWARE = ["devtools.db_commands.CountDbCommandsMiddleware", *MIDDLEWARE]

# --- ops (issue 18): passwords, prescription storage, dashboard ---------------------------------------------
# Portal (doctor) and staff passwords chosen from now on (core/passwords.py: validate_new_password).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Where prescription files are kept (docs/operations.md#prescription-files-in-mongodb): "gridfs" (default) in
# MongoDB's GridFS bucket `prescription_files`, so any number of app servers share one database and nothing
# else, still reading files left under MEDIA_ROOT; or "filesystem" under MEDIA_ROOT on this server's disk.
PRESCRIPTION_STORAGE = env_str("PRESCRIPTION_STORAGE", "gridfs")
if PRESCRIPTION_STORAGE not in ("gridfs", "filesystem"):
    raise ImproperlyConfigured('PRESCRIPTION_STORAGE must be "gridfs" or "filesystem"')
STORAGES["prescriptions"] = {
    "BACKEND": (
        "prescriptions.files.PrescriptionGridFSStorage"
        if PRESCRIPTION_STORAGE == "gridfs"
        else "django.core.files.storage.FileSystemStorage"
    )
}
