"""OpenSIL settings: one module, configured by environment variables (see docs/configuration.md)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

import pghistory
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sil.env import data_dir, env_bool, env_int, env_list, env_path, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = data_dir()
NODE_MODULES = env_path("SIL_NODE_MODULES", BASE_DIR / "node_modules")

# Demo mode: demo accounts, a demo login banner, insecure cookies over plain http on loopback.
# `sil demo` leaves a marker in the data folder, so other `sil` commands on the same demo data
# (e.g. `sil demo_totp` in a second terminal) run in demo mode too.
DEMO = env_bool("SIL_DEMO", (DATA_DIR / "DEMO").exists())
DEBUG = env_bool("SIL_DEBUG", False)
TESTING = env_bool("SIL_TESTING", False)
# Which process we are: web requests get a short statement timeout, batch jobs a long one.
PROCESS = env_str("SIL_PROCESS", "web")


def _secret_key() -> str:
    key = env_str("SIL_SECRET_KEY")
    if key:
        return key
    if not (DEMO or DEBUG or TESTING):
        raise ImproperlyConfigured("SIL_SECRET_KEY must be set outside demo and development mode")
    path = DATA_DIR / "secret-key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("SIL_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("SIL_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SIL_SITE_URL", "http://127.0.0.1:8000")
# Load balancers whose X-Forwarded-For we believe, for the client IP in audit trails, login
# rate limits and lockouts (sil.core.middleware.client_ip).
SIL_TRUSTED_PROXIES = env_list("SIL_TRUSTED_PROXIES", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    # Before allauth: its templates (account/, mfa/, allauth/elements/) override allauth's.
    "sil.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "procrastinate.contrib.django",
    "sil.core",
    "sil.territory",
    "sil.classifications",
    "sil.people",
    "sil.did",
    "sil.dossier",
    "sil.services",
    "sil.employers",
    "sil.vacancies",
    "sil.matching",
    "sil.applications",
    "sil.shortlists",
    "sil.notifications",
    "sil.appointments",
    "sil.campaigns",
    "sil.scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sil.core.middleware.RequestIdMiddleware",
    "sil.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sil.core.middleware.LanguageMiddleware",
    "sil.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sil.accounts.middleware.SessionLifetimeMiddleware",
    "sil.accounts.middleware.OperatorMFARequiredMiddleware",
    "sil.core.permissions.ReadOnlyRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sil.core.middleware.AuditContextMiddleware",
    "sil.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sil.urls"
WSGI_APPLICATION = "sil.wsgi.application"

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
                "sil.core.context_processors.shell",
                "sil.navigation.menu",
            ],
            # Unknown variables render as this marker in tests so they fail loudly.
            "string_if_invalid": "!!MISSING:%s!!" if TESTING else "",
        },
    }
]

# --- database --------------------------------------------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    _db = parse_database_url(_database_url)
else:
    # Embedded PostgreSQL (started by the `sil` command or the test plugin, never here).
    _password_file = DATA_DIR / "pg-password"
    _db = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "sil",
        "USER": "postgres",
        "PASSWORD": _password_file.read_text().strip() if _password_file.exists() else "",
        "HOST": "127.0.0.1",
        "PORT": str(env_int("SIL_DB_PORT", 54329)),
        "OPTIONS": {},
    }
_statement_timeout_ms = env_int("SIL_DB_STATEMENT_TIMEOUT_MS", 10_000 if PROCESS == "web" else 0)
_db_options = dict(_db["OPTIONS"])  # type: ignore[call-overload]
_db_options.setdefault("options", f"-c statement_timeout={_statement_timeout_ms}")
_db["OPTIONS"] = _db_options
_db["CONN_MAX_AGE"] = env_int("SIL_DB_CONN_MAX_AGE", 60)
_db["CONN_HEALTH_CHECKS"] = True
_db["TEST"] = {"NAME": env_str("SIL_TEST_DB_NAME", "test_sil")}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every web and worker process (allauth's TOTP replay protection, axes and
# rate limits must not be per-process): a table in the same PostgreSQL.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "sil_cache",
        "TIMEOUT": 300,
    }
}

# --- auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS 2.1.1
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_ADAPTER = "sil.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
# Login rate limits. Per account (`key`, the e-mail): 5 failures in 5 minutes. Per client
# address only at a high threshold: one address can be a whole office behind NAT, and the
# address is the client's only when SIL_TRUSTED_PROXIES names the load balancer (see
# sil.core.middleware.client_ip, used by allauth and axes alike).
SIL_LOGIN_RATE_PER_IP = env_str("SIL_LOGIN_RATE_PER_IP", "300/m")
SIL_LOGIN_RATE_LIMITS = {
    "login": f"{SIL_LOGIN_RATE_PER_IP}/ip",
    "login_failed": f"{SIL_LOGIN_RATE_PER_IP}/ip,5/5m/key",
}
ACCOUNT_RATE_LIMITS = SIL_LOGIN_RATE_LIMITS if not TESTING else False
ACCOUNT_FORMS = {"login": "sil.accounts.forms.LoginForm"}
MFA_ADAPTER = "sil.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env_str("SIL_MFA_ISSUER", "OpenSIL")
# One 30-second step either side: phones' clocks drift (ASVS 2.8.1 allows a short window).
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# Sensitive account changes (password, second factors) ask for the password again after 5 min.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEMO or DEBUG or TESTING

AXES_FAILURE_LIMIT = env_int("SIL_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIL_LOCKOUT_MINUTES", 15))
# Locked: an account from one client address (never a whole address, which may be a shared
# proxy or NAT: allauth's per-address limit above is the high-threshold guard for that).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address by the same rule as the audit log: X-Forwarded-For only from
# SIL_TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "sil.core.middleware.client_ip"
AXES_USERNAME_FORM_FIELD = "login"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_ENABLE_ADMIN = True

# --- sessions and transport security (OWASP ASVS L2, V3) -------------------------------
HTTPS = env_bool("SIL_HTTPS", not (DEMO or DEBUG or TESTING))
SESSION_COOKIE_AGE = env_int("SIL_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout (ASVS 3.3.2) ...
# ... and an absolute one: sign in again after this many hours (SessionLifetimeMiddleware).
SESSION_MAX_AGE_HOURS = env_int("SIL_SESSION_MAX_HOURS", 12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "sil.core.views.csrf_failure"
SESSION_COOKIE_NAME = "__Host-sil_session" if HTTPS else "sil_session"
CSRF_COOKIE_NAME = "__Host-sil_csrftoken" if HTTPS else "sil_csrftoken"
SECURE_SSL_REDIRECT = HTTPS and env_bool("SIL_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Bootstrap Italia's bundle creates empty <style> elements and fills them through the
        # CSSOM (not governed by CSP): allow exactly the empty content, by its hash.
        "style-src": ["'self'", "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"],
        # Bootstrap Italia's components set style attributes from JavaScript.
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        # Bootstrap Italia's stylesheet embeds the VideoJS icon font as a data: URI.
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- i18n ------------------------------------------------------------------------------
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "sil" / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "sil_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- static files: Bootstrap Italia and htmx straight from node_modules ---------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    ("bootstrap-italia", NODE_MODULES / "bootstrap-italia" / "dist"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING

# --- REST API --------------------------------------------------------------------------
# Systems authenticate with a token (`sil apitoken create`), browsers with their session (only
# once an operator has a second factor). Rates are read at request time (sil.core.api).
# Throttle counters live in the default cache: with several web processes, give them a shared
# cache (CACHES) or each process counts on its own.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sil.core.api.TokenAuthentication",
        "sil.core.api.MFASessionAuthentication",
    ],
    # Signed in to read, a role that allows changes to write (the matrix in sil.core.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["sil.core.permissions.ApiRolePermission"],
    "DEFAULT_SCHEMA_CLASS": "sil.core.schema.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "sil.core.api.AnonRateThrottle",
        "sil.core.api.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("SIL_API_ANON_RATE", "30/minute"),
        "user": env_str("SIL_API_USER_RATE", "1200/minute"),
    },
}
# API tokens stop working after this many days (`sil apitoken create --days` may ask for fewer).
SIL_API_TOKEN_DAYS = env_int("SIL_API_TOKEN_DAYS", 365)
# Swagger UI is served from our own origin (CSP default-src 'self'), from npm's swagger-ui-dist.
STATICFILES_DIRS.append(("swagger-ui", NODE_MODULES / "swagger-ui-dist"))
SPECTACULAR_SETTINGS = {
    "TITLE": "OpenSIL API",
    "DESCRIPTION": "REST API of OpenSIL, the Sistema Informativo Lavoro.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_FAVICON_HREF": STATIC_URL + "core/img/favicon.svg",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": STATIC_URL + "swagger-ui",
    # One schema name per choice set used by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "DidStateEnum": "sil.did.models.DidState",
        "LapseReasonEnum": "sil.did.models.LapseReason",
        "CampaignStateEnum": "sil.campaigns.models.CampaignState",
        "ConvocationStateEnum": "sil.campaigns.models.ConvocationState",
        "PactStateEnum": "sil.services.models.PactState",
    },
    # Every operation declares the errors it may answer (400, 401, 403, 404, 429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sil.core.schema.add_error_responses",
    ],
}

# --- background work -------------------------------------------------------------------
# procrastinate: tasks live in each app's tasks.py (autodiscovered); `sil worker` runs them.
# A worker refreshes its heartbeat every SIL_WORKER_HEARTBEAT_S; /healthz calls it stale (down)
# after SIL_WORKER_STALE_SECONDS without one: three missed beats.
SIL_WORKER_HEARTBEAT_S = env_int("SIL_WORKER_HEARTBEAT_S", 10)
WORKER_HEARTBEAT_STALE_SECONDS = env_int("SIL_WORKER_STALE_SECONDS", 30)
# After a database outage the worker tries again after a wait doubling from MIN up to MAX.
SIL_WORKER_RETRY_MIN_S = env_int("SIL_WORKER_RETRY_MIN_S", 1)
SIL_WORKER_RETRY_MAX_S = env_int("SIL_WORKER_RETRY_MAX_S", 10)
# Retention of what the nightly purge removes (sil.core.tasks.purge_expired).
SIL_LOGIN_LOG_RETENTION_DAYS = env_int("SIL_LOGIN_LOG_RETENTION_DAYS", 180)
SIL_JOB_RETENTION_DAYS = env_int("SIL_JOB_RETENTION_DAYS", 30)

# --- audit -----------------------------------------------------------------------------
# Change history by database triggers: inserts, updates (bulk ones too) and deletes of every
# tracked model; history rows cannot be updated or deleted.
PGHISTORY_DEFAULT_TRACKERS = (
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
)
PGHISTORY_APPEND_ONLY = True

# --- e-mail ----------------------------------------------------------------------------
EMAIL_BACKEND = env_str("SIL_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("SIL_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env_int("SIL_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("SIL_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("SIL_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("SIL_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("SIL_EMAIL_FROM", "OpenSIL <noreply@opensil.invalid>")

# --- logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "sil.core.middleware.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("SIL_LOG_LEVEL", "INFO")},
    "loggers": {"procrastinate": {"level": "WARNING"}},
}

# --- OpenSIL ---------------------------------------------------------------------------
SIL_REGION_NAME = env_str("SIL_REGION_NAME", "Regione Campania" if DEMO else "Regione")
SIL_REFDATA_DIR = env_str("SIL_REFDATA_DIR")
# Regional rule: the competent CPI follows the domicile when one is declared (else residence).
SIL_COMPETENCE_BY_DOMICILE = env_bool("SIL_COMPETENCE_BY_DOMICILE", True)

# --- notifications (outbox, SMS, App IO, delivery reports) -----------------------------
# Without gateways, demo mode marks messages delivered without sending them.
SIL_NOTIFICATIONS_DEMO_SINK = env_bool("SIL_NOTIFICATIONS_DEMO_SINK", DEMO)
SIL_SMS_GATEWAY_URL = env_str("SIL_SMS_GATEWAY_URL")
SIL_SMS_GATEWAY_TOKEN = env_str("SIL_SMS_GATEWAY_TOKEN")
SIL_SMS_FALLBACK_URL = env_str("SIL_SMS_FALLBACK_URL")
SIL_SMS_FALLBACK_TOKEN = env_str("SIL_SMS_FALLBACK_TOKEN")
SIL_SMS_SENDER = env_str("SIL_SMS_SENDER", "OpenSIL")
# After this many consecutive failures the primary SMS gateway rests for the cool-down and
# messages go to the fallback.
SIL_SMS_FAILOVER_AFTER = env_int("SIL_SMS_FAILOVER_AFTER", 5)
SIL_SMS_FAILOVER_COOLDOWN_S = env_int("SIL_SMS_FAILOVER_COOLDOWN_S", 300)
SIL_APPIO_URL = env_str("SIL_APPIO_URL", "https://api.io.pagopa.it/api/v1")
SIL_APPIO_KEY = env_str("SIL_APPIO_KEY")
# Global rates per provider, messages per second shared by every worker (0: no limit).
SIL_SMS_RATE_PER_S = env_int("SIL_SMS_RATE_PER_S", 0)
SIL_APPIO_RATE_PER_S = env_int("SIL_APPIO_RATE_PER_S", 0)
SIL_EMAIL_RATE_PER_S = env_int("SIL_EMAIL_RATE_PER_S", 0)
# Delivery-report webhooks: HMAC-SHA256 secret and accepted clock skew.
SIL_WEBHOOK_SECRET = env_str("SIL_WEBHOOK_SECRET")
SIL_WEBHOOK_TOLERANCE_S = env_int("SIL_WEBHOOK_TOLERANCE_S", 300)
# Dispatcher: rows claimed per batch, parallel sends, lease of a claim, retries.
SIL_NOTIFICATIONS_BATCH = env_int("SIL_NOTIFICATIONS_BATCH", 400)
SIL_NOTIFICATIONS_THREADS = env_int("SIL_NOTIFICATIONS_THREADS", 32)
SIL_NOTIFICATIONS_LEASE_S = env_int("SIL_NOTIFICATIONS_LEASE_S", 120)
SIL_NOTIFICATIONS_MAX_ATTEMPTS = env_int("SIL_NOTIFICATIONS_MAX_ATTEMPTS", 6)
SIL_NOTIFICATIONS_BACKOFF_S = env_int("SIL_NOTIFICATIONS_BACKOFF_S", 30)
SIL_NOTIFICATIONS_BACKOFF_MAX_S = env_int("SIL_NOTIFICATIONS_BACKOFF_MAX_S", 3600)
SIL_NOTIFICATIONS_HTTP_TIMEOUT_S = env_int("SIL_NOTIFICATIONS_HTTP_TIMEOUT_S", 10)
# How long one worker job dispatches before handing over (other queues get their turn).
SIL_NOTIFICATIONS_RUN_S = env_int("SIL_NOTIFICATIONS_RUN_S", 30)
