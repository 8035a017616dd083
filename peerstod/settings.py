"""Settings for Peerstöd, read from environment variables.

Local defaults need nothing installed (SQLite under var/). Production is DEBUG=false:
then SECRET_KEY and ALLOWED_HOSTS must be set, and `peerstod check --deploy` passes.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from peerstod.lib.env import env_bool, env_int, env_list, env_str

# One request, or one job, per process: numerical libraries must not start a thread per
# core in each worker as well. With five workers on two cores, OpenBLAS's own threads
# made the funnel's 2 s suppression take 4–5 s (docs/dev/benchmarks.md, #19 funnel).
for _threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
# Where Peerstöd keeps files of its own (collected static files, the SQLite database of
# a local run): `var/` of a checkout; for an installed package, the user's data
# directory (the service account's home under systemd), never site-packages.
if (REPO_DIR / "pyproject.toml").exists():
    _DEFAULT_VAR = REPO_DIR / "var"
else:
    _DATA_HOME = env_str("XDG_DATA_HOME") or str(Path.home() / ".local/share")
    _DEFAULT_VAR = Path(_DATA_HOME) / "peerstod"
VAR_DIR = Path(env_str("PEERSTOD_VAR_DIR", str(_DEFAULT_VAR)))

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
    "csp",
    "djangosaml2",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "peerstod.core",
    "peerstod.notifications",
    "peerstod.accounts",
    "peerstod.orgs",
    "peerstod.identity",
    "django_tasks",
    "django_tasks_db",
    "peerstod.jobs",
    "peerstod.people",
    "peerstod.recruitment",
    "peerstod.placement",
    "peerstod.work",
    "peerstod.supervision",
    "peerstod.forum",
    "peerstod.outcomes",
    "peerstod.surveys",
    "peerstod.home",
    "peerstod.demo",
]

MIDDLEWARE = [
    "peerstod.core.logs.RequestLogMiddleware",
    "peerstod.core.middleware.ClientGoneMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "peerstod.core.middleware.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # SAML's own session cookie, sent with the provider's cross-site POST (SameSite=None).
    "djangosaml2.middleware.SamlSessionMiddleware",
    "peerstod.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "peerstod.core.middleware.PrivateCacheMiddleware",
    "peerstod.core.audit.ReadAuditMiddleware",
    "peerstod.core.usecase.WriteGuardMiddleware",
    "peerstod.accounts.middleware.SessionTimeoutMiddleware",
    "peerstod.accounts.middleware.SecondFactorMiddleware",
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
                "peerstod.accounts.context_processors.platform",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)

_DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'peerstod.sqlite3'}")
_SQLITE = _DATABASE_URL.startswith("sqlite:")
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _DATABASE_URL,
            # PostgreSQL: a worker keeps its connection for a minute instead of opening one
            # per request (a new connection costs more than a small page). SQLite: opening
            # the file costs microseconds, so a kept connection gains nothing.
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if _SQLITE else 60),
            # A kept connection is checked before use, so the app survives a database
            # restart without being restarted itself.
            conn_health_checks=True,
        )
    }
except ValueError as error:  # the address itself is never repeated: it may hold a password
    raise ImproperlyConfigured(
        "DATABASE_URL is not a database address: write postgres://USER@HOST:5432/NAME "
        f"(or sqlite:///PATH) ({type(error).__name__})"
    ) from None
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One writer at a time from the start of a transaction: a check that guards a limit
    # (seats, 100 %) cannot be raced by a second writer that read before the first wrote.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
# A query that runs longer than this many seconds is stopped by PostgreSQL itself, so
# a page the client has given up on does not keep the database busy (0: no limit). The
# web server's worker timeout is a few seconds longer (gunicorn_conf.py); commands run
# by the operator or a timer (migrate, purge, the job worker) have no limit unless it is
# set for them (peerstod/__main__.py).
DATABASE_STATEMENT_TIMEOUT = env_int("DATABASE_STATEMENT_TIMEOUT", 30)
if DATABASE_STATEMENT_TIMEOUT < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT must be 0 (no limit) or more seconds.")
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT compilation: the app's queries are short, and compiling one that the planner
    # guesses costly took 40 ms, more than running it (measured on the national set).
    _options = ["-c jit=off"]
    if DATABASE_STATEMENT_TIMEOUT:
        _options.append(f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}")
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(_options)

# The cache the rate limits count in: shared by every app server. The database by
# default; Redis when REDIS_URL is set. Locks that must outlive a restart (login
# lockouts, second-factor locks, one-time form keys) are rows in the database itself.
REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "peerstod.core.cache.AtomicDatabaseCache", "LOCATION": "peerstod_cache"}
    ),
    # Drawn charts (core.charts), keyed by a hash of all they are drawn from, for a day.
    # In Redis when there is one (shared by all app servers); otherwise in each process's
    # memory, at most 300 of them: never in the rate limits' table, whose rows a full
    # cache would cull.
    "charts": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "charts",
            "TIMEOUT": 24 * 3600,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "peerstod-charts",
            "TIMEOUT": 24 * 3600,
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    ),
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
# Login through an organisation's identity provider (identity app; docs/administrator.md).
# The providers themselves are configured by the platform administrator in the admin.
SAML_CONFIG_LOADER = "peerstod.identity.saml.config_loader"
SAML_SP_ENTITY_ID = env_str("SAML_SP_ENTITY_ID", "")
SAML_SP_KEY_FILE = env_str("SAML_SP_KEY_FILE", "")
SAML_SP_CERT_FILE = env_str("SAML_SP_CERT_FILE", "")
SAML_XMLSEC_BINARY = env_str("SAML_XMLSEC_BINARY", "")
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_LOGOUT_REQUEST_PREFERRED_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_CREATE_UNKNOWN_USER = False
SAML_IGNORE_LOGOUT_ERRORS = True
SAML_CSP_HANDLER = ""  # the redirect binding needs no inline script: CSP stays as it is
SAML_SESSION_COOKIE_NAME = "peerstod_saml"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:dashboard"
LOGOUT_REDIRECT_URL = "home:start"

# Lockout after repeated failures (django-axes): five wrong passwords for one e-mail
# address from one client address lock that pair for 15 minutes. Not by e-mail alone,
# or anyone could lock anyone out with five requests; not by address alone, or five
# typos behind a hospital's NAT would lock out the ward. Guessing across many
# addresses is slowed by the login rate limit per address (RATE_LIMITS["login"]).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "peerstod.core.clientip.client_ip_for_axes"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# The second factor (django-otp: TOTP and recovery codes) for the roles that see personal
# data (accounts.strength). Each wrong code doubles the wait before the next may be tried
# (django-otp's throttling: 1, 2, 4 … seconds); this many wrong codes in a row log the
# session out and refuse the account's second factor for AXES_COOLOFF_TIME.
SECOND_FACTOR_FAILURE_LIMIT = env_int("SECOND_FACTOR_FAILURE_LIMIT", 5)
SECOND_FACTOR_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = "Peerstöd"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# Sessions end after 30 minutes idle and 12 hours in all (OWASP ASVS level 2, V3.3).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The SAML provider posts its answer from its own site; browsers send a cookie with a
# cross-site POST only if it is SameSite=None, which they accept only with Secure.
SAML_SESSION_COOKIE_SAMESITE = "None" if HTTPS else "Lax"
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
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
# Proxies in front of the app that append to X-Forwarded-For (the load balancer: 1).
PROXY_COUNT = env_int("PROXY_COUNT", 1)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): no inline script or style, nothing from
# another host. Charts are inline SVG drawn with presentation attributes, not styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}

# Rate limits per client address, counted in the shared cache ("count/period").
RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m"),
    "password_reset": env_str("RATE_LIMIT_PASSWORD_RESET", "5/h"),
    "apply": env_str("RATE_LIMIT_APPLY", "10/h"),
    "survey_code": env_str("RATE_LIMIT_SURVEY_CODE", "60/h"),
    "survey_link": env_str("RATE_LIMIT_SURVEY_LINK", "120/h"),
    # Answers sent through a round's open staff link, per address (a ward behind one
    # address answers at a staff meeting; one device answers once, by its cookie).
    "survey_link_answer": env_str("RATE_LIMIT_SURVEY_LINK_ANSWER", "40/h"),
    "box": env_str("RATE_LIMIT_BOX", f"{env_int('FORUM_BOX_PER_HOUR', 5)}/h"),
    # Logins through an identity provider: starts, answers and callbacks per address (a
    # hospital's staff behind one address sign in at shift change; each answer costs a
    # signature check).
    "sso": env_str("RATE_LIMIT_SSO", "120/m"),
}
RATELIMIT_USE_CACHE = "default"
SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")  # our database cache counts atomically

# In development and in the tests, a write during a request outside a use case fails
# loudly (core.usecase.WriteGuardMiddleware).
STRICT_WRITES = env_bool("STRICT_WRITES", default=DEBUG)

# A request body larger than this is refused before any view sees it, files included
# (core.middleware.RequestLimitsMiddleware); imports may send up to MAX_UPLOAD_BYTES.
MAX_REQUEST_BYTES = env_int("MAX_REQUEST_BYTES", 2_621_440)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
LARGE_UPLOAD_PATHS = ["/utfall/import", "/enkater/instrument"]
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
# Files browsers and crawlers ask for at the site's root: /favicon.ico, /robots.txt.
WHITENOISE_ROOT = BASE_DIR / "core" / "root"

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
# A suggestion from the forum not answered by the manager within this many days is shown
# to the programme coordinator as overdue.
FORUM_ANSWER_DAYS = env_int("FORUM_ANSWER_DAYS", 14)
# Background jobs (peerstod.jobs): "database" queues them for `peerstod worker`;
# "immediate" runs each one as soon as its request has committed (development without a
# worker, and tests that do not start one). docs/dev/decisions.md, "Background jobs".
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if DEBUG else "database")
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database (a worker runs the jobs: peerstod worker) or "
        f"immediate (each job runs at once, in the request), not {TASKS_BACKEND!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# A job still running after this many minutes is taken for lost (its worker died or was
# stopped) and shown to its owner as failed, to try again.
JOBS_RUNNING_LIMIT_MINUTES = env_int("JOBS_RUNNING_LIMIT_MINUTES", 30)
# A job no worker has taken after this many hours (none is running) is stopped and its
# owner told to have the worker started; what was uploaded for it is then deleted.
JOBS_QUEUED_LIMIT_HOURS = env_int("JOBS_QUEUED_LIMIT_HOURS", 24)
# The files finished jobs made are deleted by `peerstod purge` after this many days.
JOBS_KEEP_DAYS = env_int("JOBS_KEEP_DAYS", 7)
# A job that took longer than this many seconds is also announced by mail (its owner
# has probably left the page); a quicker one only in the app.
JOBS_MAIL_AFTER_SECONDS = env_int("JOBS_MAIL_AFTER_SECONDS", 60)
# The suggestion box: at most this many posts per hour from one client (IP never stored).
FORUM_BOX_PER_HOUR = env_int("FORUM_BOX_PER_HOUR", 5)

# The address of the service, for links in mail sent by commands (no request to ask).
# The address people reach Peerstöd at: in mails, QR codes and the iCal feed. In
# production it must be said; a default would print slips that lead to 127.0.0.1.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL is not set. Set it to the address people use to reach Peerstöd, "
        "for example https://peerstod.region.se (it goes into mails and QR codes)."
    )
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
MAX_UPLOAD_BYTES = max(OUTCOMES_MAX_IMPORT_BYTES, MAX_REQUEST_BYTES) + 65_536
# What an uploaded spreadsheet may hold once unpacked, and in one cell.
MAX_UNPACKED_BYTES = env_int("MAX_UNPACKED_BYTES", 80_000_000)
MAX_CELL_CHARS = env_int("MAX_CELL_CHARS", 4000)

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

# One line per request and per error on standard output, JSON with LOG_FORMAT=json;
# never personal data, free text, tokens or query strings (core/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "peerstod.core.logs.NoPersonalDataFilter"}},
    "formatters": {
        "text": {"()": "peerstod.core.logs.TextFormatter"},
        "json": {"()": "peerstod.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["no_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "peerstod.request": {
            "handlers": ["console"],
            "level": "INFO" if env_bool("LOG_REQUESTS", default=not DEBUG) else "WARNING",
            "propagate": False,
        },
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
