"""Settings for Verbund, read from the environment.

SQLite in the working directory is the default; PostgreSQL is one variable away
(``DATABASE_URL=postgres://user@host:5432/name``). Nothing is fetched from the internet.
"""

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from verbund.core.databases import database_config

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_number(name: str, default: int | float) -> Any:
    """A number from the environment, of the default's type; unset or blank: the default. A
    value that is no such number stops the start with a message naming the variable (a bare
    ValueError from int() named neither)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return type(default)(value)
    except ValueError:
        kind = "a whole number" if isinstance(default, int) else "a number"
        raise ImproperlyConfigured(f"{name}={value!r} is not {kind}.") from None


def secret_key(path: Path) -> str:
    """The key that signs sessions and CSRF tokens: ``SECRET_KEY`` from the environment, else the
    one kept in ``path``, made on first start (mode 0600). A key shipped in the source would let
    anyone forge a session on every installation that forgot to set one."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(50)
    # Written aside and linked into place, so a process starting at the same moment sees either
    # no file or the whole key, never an empty one.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".verbund-secret-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
        os.link(tmp, path)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    finally:
        os.unlink(tmp)
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(Path(os.environ.get("SECRET_KEY_FILE") or Path.cwd() / "verbund.secret"))
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Before django_tasks_db, so that core's `db_worker` (with the sweep of abandoned runs)
    # replaces the library's.
    "verbund.core",
    "django_tasks",
    "django_tasks_db",
    "verbund.parties",
    "verbund.relationships",
    "verbund.hierarchies",
    "verbund.activities",
    "verbund.revenue",
    "verbund.followups",
    "verbund.interfaces",
    "verbund.quality",
    "verbund.compliance",
    "verbund.privacy",
    "verbund.selections",
    "verbund.demo",
    "verbund.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "verbund.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "verbund.core.security.ApiAuthFailureMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A fragment URL opened directly is shown inside the page frame (web/middleware.py).
    "verbund.web.middleware.FragmentPageMiddleware",
    "verbund.core.middleware.LoginRequiredMiddleware",
    "verbund.core.middleware.TwoFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "verbund.urls"
WSGI_APPLICATION = "verbund.wsgi.application"

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
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{Path.cwd() / 'verbund.sqlite3'}"
DATABASES = {"default": database_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # A test database per test run, so that concurrent runs on one server never collide
    # (pytest-xdist adds its own per-worker suffix on top).
    _run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_run}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user name or address before the password is
    # even checked (see SECURITY.md).
    "verbund.core.security.LockoutBackend",
    # Django's model backend with the role permissions kept per process (core/roles.py).
    "verbund.core.roles.RoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True
# English dates read unambiguously ("5 Dec 2026", 24-hour times), not in US order.
FORMAT_MODULE_PATH = ["verbund.core.formats"]

STATIC_URL = "/static/"
# Static files are served by WhiteNoise straight from the installed apps (no collectstatic
# step); STATIC_ROOT is only needed by operators who want a front proxy to serve them.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Database sessions read by a prepared query (core/sessions.py).
SESSION_ENGINE = "verbund.core.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Behind a TLS proxy: cookies only over HTTPS (see SECURITY.md).
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("VERBUND_SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# HSTS: SecurityMiddleware sends Strict-Transport-Security on requests that arrived over HTTPS
# only. Behind a TLS proxy the server learns that from the proxy: `verbund serve
# --trusted-proxy` has the WSGI server take the scheme from its X-Forwarded-Proto; for a server
# that passes the header on instead, VERBUND_TRUSTED_PROXY (the proxy's address) has Django
# read it. Without a trusted proxy the header is never believed: anyone could send it.
SECURE_HSTS_SECONDS = env_number("VERBUND_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("VERBUND_HSTS_SUBDOMAINS", False)
TRUSTED_PROXY = os.environ.get("VERBUND_TRUSTED_PROXY", "").strip()
if TRUSTED_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp): scripts, styles, images and requests from this server
# only; no inline script or style (behaviours live in web/static/web/*.js, colours are set
# from data attributes there), no plugins, no framing, forms post here only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login lockout (django-axes): this many failed logins for one user name, or from one address,
# lock logging in for that user name or address for this many minutes. The lock ends by
# itself; `verbund axes_reset` lifts it early. Failures during the lock do not extend it.
AXES_ENABLED = env_bool("VERBUND_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_number("VERBUND_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_number("VERBUND_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "verbund.core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "verbund.core.security.client_ip"
AXES_VERBOSE = False
# Failed API authentication (a wrong token, missing credentials) per address: after this many
# within the window, every API request from that address is answered 429 until the window ends.
# Authenticated requests are never counted.
VERBUND_API_AUTH_FAILURE_LIMIT = env_number("VERBUND_API_AUTH_FAILURE_LIMIT", 20)
VERBUND_API_AUTH_WINDOW = env_number("VERBUND_API_AUTH_WINDOW", 900)
# Two-factor login (TOTP, django-otp): optional for everyone; with VERBUND_REQUIRE_2FA=1 users
# of the admin and compliance roles (and superusers) must set it up before they can do
# anything else. API tokens are not affected.
VERBUND_REQUIRE_2FA = env_bool("VERBUND_REQUIRE_2FA", False)
VERBUND_2FA_ROLES = ["admin", "compliance", "privacy"]
# Data protection: retention periods in years per rule (0 turns a rule off; docs/privacy.md).
VERBUND_PRIVACY_RETENTION = {
    "archived_contacts": env_number("VERBUND_RETENTION_ARCHIVED_CONTACTS", 3),
    "inactive_persons": env_number("VERBUND_RETENTION_INACTIVE_PERSONS", 10),
}
# The controller (Art. 4 No. 7 GDPR) the printed access answer names: name, postal address
# (lines separated by "|"), whom to contact about data protection, and to whom the data goes.
VERBUND_PRIVACY_CONTROLLER = {
    "name": os.environ.get("VERBUND_CONTROLLER_NAME", ""),
    "address": os.environ.get("VERBUND_CONTROLLER_ADDRESS", ""),
    "contact": os.environ.get("VERBUND_PRIVACY_CONTACT", ""),
    "recipients": os.environ.get("VERBUND_PRIVACY_RECIPIENTS", ""),
}
OTP_TOTP_ISSUER = os.environ.get("VERBUND_2FA_ISSUER", "Verbund")

# Uploads are bounded: imports stream files to disk, but never more than this.
VERBUND_MAX_UPLOAD_BYTES = env_number("VERBUND_MAX_UPLOAD_BYTES", 512 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_number("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# Uploaded import files and their progress files; keep it on the server's data disk, since
# every import run refers to its file (by SHA-256) for later checks.
VERBUND_IMPORT_DIR = os.environ.get("VERBUND_IMPORT_DIR", str(Path.cwd() / "imports"))

# Sanctions screening: the score from which a match is a hit, and whether confirming a hit
# needs a second reviewer (four-eyes principle).
VERBUND_SCREENING_THRESHOLD = env_number("VERBUND_SCREENING_THRESHOLD", 0.70)
VERBUND_SCREENING_FOUR_EYES = env_bool("VERBUND_SCREENING_FOUR_EYES", False)
# Processes for a screening run over many parties (full runs, list updates); 0: one per core,
# at most 8.
VERBUND_SCREENING_WORKERS = env_number("VERBUND_SCREENING_WORKERS", 0)

# Outgoing mail (the daily follow-up reminders, `verbund followups remind`): an SMTP server,
# named by VERBUND_EMAIL_HOST; without it no mail is sent and the command says so. Port 587 with
# STARTTLS is what mail providers offer for submission; VERBUND_EMAIL_USE_SSL=1 is for port 465.
# The timeout keeps a cron job from hanging on a server that does not answer.
EMAIL_BACKEND = os.environ.get(
    "VERBUND_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("VERBUND_EMAIL_HOST", "").strip()
EMAIL_HOST_USER = os.environ.get("VERBUND_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VERBUND_EMAIL_PASSWORD", "")
EMAIL_USE_SSL = env_bool("VERBUND_EMAIL_USE_SSL", False)
EMAIL_PORT = env_number("VERBUND_EMAIL_PORT", 465 if EMAIL_USE_SSL else 587)
EMAIL_USE_TLS = env_bool("VERBUND_EMAIL_USE_TLS", not EMAIL_USE_SSL)
EMAIL_TIMEOUT = env_number("VERBUND_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("VERBUND_EMAIL_FROM", "verbund@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address users open Verbund at (https://crm.example.de), for links in mails; a command has
# no request to take it from. Unset, mails carry no links rather than wrong ones.
VERBUND_BASE_URL = os.environ.get("VERBUND_BASE_URL", "").strip().rstrip("/")

# The empty choice of every filter drop-down reads "alle"/"all", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("all")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["verbund.core.permissions.RolePermission"],
    # JSON only (decision 0038): form bodies cannot carry a batch's list of records, and the
    # schema lists what the API takes. An operation taking a file upload names its multipart
    # parser itself; any other media type is a 415.
    # JSON nested deeper than a record is refused with a 400, not a RecursionError (500).
    "DEFAULT_PARSER_CLASSES": ["verbund.core.security.BoundedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "verbund.core.api.BoundedSearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "verbund.core.api.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "verbund.core.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Verbund API",
    "DESCRIPTION": "Parties, relationships, hierarchies, revenue, imports, data quality and screening.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets that several fields named alike ("kind", "status", "source") carry get a
    # stable name here instead of a hashed one ("StatusC7fEnum") and a warning.
    "ENUM_NAME_OVERRIDES": {
        "PartyKindEnum": "verbund.parties.models.PartyKind",
        "PartyStatusEnum": "verbund.parties.models.PartyStatus",
        "KindRuleEnum": "verbund.relationships.models.KindRule",
        "RelationshipSourceEnum": "verbund.relationships.models.RelationshipSource",
        "RevenueSourceEnum": "verbund.revenue.models.RevenueSource",
        "ActivityKindEnum": "verbund.activities.models.ActivityKind",
        "HitStatusEnum": "verbund.compliance.models.HitStatus",
        # A background job's states: imports, list uploads and duplicate searches share them
        # (interfaces ImportStatus, compliance UploadStatus, quality RunStatus).
        "JobStatusEnum": "verbund.interfaces.models.ImportStatus",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the error answers of every view (core/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "verbund.core.schema.error_responses",
        "verbund.core.schema.path_ids",
    ],
    # Swagger UI served from the installed package, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

TASKS = {
    "default": {
        # Background work (imports, bulk duplicate detection, screening) runs in a job thread of
        # `verbund serve` or in `verbund db_worker` processes;
        # set VERBUND_TASKS_IMMEDIATE=1 to run it inline, as the tests do.
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("VERBUND_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Background runs (core.jobs): the process working on a run refreshes its heartbeat this often;
# a run of another host whose heartbeat is older than VERBUND_JOB_STALE_SECONDS is failed (runs
# of this host are judged by whether their process still exists); servers and workers look for
# such runs when they start and then this often.
VERBUND_JOB_HEARTBEAT_SECONDS = env_number("VERBUND_JOB_HEARTBEAT_SECONDS", 30.0)
VERBUND_JOB_STALE_SECONDS = env_number("VERBUND_JOB_STALE_SECONDS", 300.0)
VERBUND_JOB_SWEEP_SECONDS = env_number("VERBUND_JOB_SWEEP_SECONDS", 300.0)
