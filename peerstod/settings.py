"""Settings for Peerstöd, read from environment variables.

Local defaults need nothing installed (SQLite under var/). Production is DEBUG=false:
then SECRET_KEY and ALLOWED_HOSTS must be set, and `peerstod check --deploy` passes.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from peerstod.lib.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("PEERSTOD_VAR_DIR", str(REPO_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
HTTPS = env_bool("HTTPS", default=not DEBUG)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it (50+ random characters) in production, "
            "or DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only-never-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "peerstod.core.admin_site.PlatformAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_htmx",
    "js_lib_htmx",
    "peerstod.core",
    "peerstod.accounts",
    "peerstod.orgs",
    "peerstod.people",
    "peerstod.recruitment",
    "peerstod.placement",
    "peerstod.work",
    "peerstod.supervision",
    "peerstod.forum",
    "peerstod.outcomes",
    "peerstod.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "peerstod.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peerstod.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerstod.urls"
WSGI_APPLICATION = "peerstod.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peerstod.core.context_processors.platform",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'peerstod.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:start"

# Lockout after repeated failures (django-axes): five wrong passwords for one e-mail
# address lock it for 15 minutes, whichever machine they come from. Not by IP address:
# a whole hospital reaches us through one NAT address, and five typos on a ward would
# lock out the region (hence axes.W006 is silenced below).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions end after 30 minutes idle and 12 hours in all (OWASP ASVS level 2, V3.3).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A request body larger than this is refused before any view sees it.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("MAX_REQUEST_BYTES", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# Hashed, compressed static files need `peerstod collectstatic` first: production only.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if not STATIC_MANIFEST
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
# Forum minutes not acknowledged within this many days go to the programme coordinator.
FORUM_ACKNOWLEDGE_DAYS = env_int("FORUM_ACKNOWLEDGE_DAYS", 7)
# The suggestion box: at most this many posts per hour from one client (IP never stored).
FORUM_BOX_PER_HOUR = env_int("FORUM_BOX_PER_HOUR", 5)

# The address of the service, for links in mail sent by commands (no request to ask).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Peerstöd <noreply@peerstod.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Results for groups smaller than this are never shown (DESIGN.md privacy rule 3).
SUPPRESSION_THRESHOLD = env_int("SUPPRESSION_THRESHOLD", 5)
if SUPPRESSION_THRESHOLD < 3:
    raise ImproperlyConfigured("SUPPRESSION_THRESHOLD may not be below 3.")

# Survey results are shown only for groups of at least this many respondents, free-text
# answers only for groups of at least SURVEY_MIN_TEXT_GROUP and after moderation.
SURVEY_MIN_GROUP = env_int("SURVEY_MIN_GROUP", 5)
if SURVEY_MIN_GROUP < 3:
    raise ImproperlyConfigured("SURVEY_MIN_GROUP may not be below 3.")
SURVEY_MIN_TEXT_GROUP = max(env_int("SURVEY_MIN_TEXT_GROUP", 10), SURVEY_MIN_GROUP)

# Indicator imports larger than this are refused before they are read.
OUTCOMES_MAX_IMPORT_BYTES = env_int("OUTCOMES_MAX_IMPORT_BYTES", 10_000_000)

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "peerstod-demo")

# A unit is ready for a peer supporter when at least this share of its staff has been
# trained in the recovery-oriented approach (seed 004: all staff were trained first).
READINESS_STAFF_SHARE = env_int("READINESS_STAFF_PERCENT", 80) / 100

# Drift signal thresholds (issue 6): amber, then red.
DRIFT = {
    "outside_share_amber": env_int("DRIFT_OUTSIDE_PERCENT_AMBER", 5) / 100,
    "outside_share_red": env_int("DRIFT_OUTSIDE_PERCENT_RED", 15) / 100,
    "supervision_weeks_amber": env_int("DRIFT_SUPERVISION_WEEKS_AMBER", 4),
    "supervision_weeks_red": env_int("DRIFT_SUPERVISION_WEEKS_RED", 8),
    "self_assessment_drop_amber": 0.5,  # points on a 1–5 scale over three months
    "self_assessment_drop_red": 1.0,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
