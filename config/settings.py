"""One settings module for every mode, configured from the environment (see .env.example).

Embedded default: SQLite (WAL), a filesystem Celery broker and an in-process channel layer,
nothing to install but Python. With DATABASE_URL / REDIS_URL set: PostgreSQL and Redis.
"""

from __future__ import annotations

from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.raw("VAR_DIR", str(BASE_DIR / "var")))

if (BASE_DIR / ".env").exists() and not env.boolean("IGNORE_DOTENV", False):
    # Written by `make run`; real environment variables still win.
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.boolean("DEBUG", False)

_missing = [
    name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS") if not env.raw(name)
]
if _missing and not DEBUG:
    raise ImproperlyConfigured(
        f"DEBUG is off, so these must be set: {', '.join(_missing)} (see .env.example)"
    )

SECRET_KEY = env.raw("SECRET_KEY") or "insecure-development-key-only-used-with-DEBUG-on"
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])

# Newest key first: it encrypts, all of them decrypt. Separate from SECRET_KEY on purpose.
FIELD_ENCRYPTION_KEYS = env.string_list(
    "FIELD_ENCRYPTION_KEYS",
    ["ZGV2ZWxvcG1lbnQta2V5LW9ubHktZm9yLURFQlVHISE="],  # DEBUG-only development key
)
for _index, _key in enumerate(FIELD_ENCRYPTION_KEYS):
    try:
        Fernet(_key)
    except ValueError:
        raise ImproperlyConfigured(
            f"FIELD_ENCRYPTION_KEYS: entry {_index + 1} is not a Fernet key "
            "(32 url-safe base64-encoded bytes; make one with `make key`)"
        ) from None

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "channels",
    "core",
    "tenancy",
    "audit",
    "connections",
    "validation",
    "publishing",
    "analytics",
    "reviews",
    "webhooks",
    "sandbox",
    "sandbox.published",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets web, worker and beat read while one writes; IMMEDIATE avoids lock upgrades
    # failing mid-transaction when several processes write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", 60, minimum=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery, Channels ----------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", schemes=("redis", "rediss"))
BROKER_DIR = VAR_DIR / "broker"

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py's default socket timeout (5 s) equals channels_redis's blocking receive,
            # so idle consumers died with "Timeout reading from redis" (channels_redis#422).
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15}]},
        }
    }
else:
    # kombu's filesystem transport: a broker that needs no server, shared by the processes
    # that `make run` starts. Job events are stored before they are pushed, so the in-process
    # channel layer only has to reach sockets held by the same web process.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes the database connection around every task unless this is set,
# so each task paid for a new PostgreSQL backend. Tasks follow the web's rule instead
# (config/celery.py: close_old_connections around each task honours CONN_MAX_AGE and
# CONN_HEALTH_CHECKS); the fixup's own forced reconnect then comes once per 10,000 tasks.
CELERY_DB_REUSE_MAX = 10_000
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.boolean("CELERY_TASK_ALWAYS_EAGER", False)

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- I18N, static ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.raw("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.raw("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Where platforms reach us: OAuth redirect URIs and public media URLs are built from it.
PUBLIC_BASE_URL = env.url("PUBLIC_BASE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))

# --- Security (defaults are the production ones; DEBUG relaxes them) -------------------------
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env.boolean("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env.boolean("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
if env.boolean("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Audit ----------------------------------------------------------------------------------
# `manage.py prune_audit` removes audit rows older than this (about 13 months by default).
AUDIT_RETENTION_DAYS = env.integer("AUDIT_RETENTION_DAYS", 400, minimum=1)

# --- Metrics (/metrics for Prometheus; see audit/metrics_view.py) ---------------------------
# A bearer token and/or an allow-list of IPs or CIDR networks; both set means both must pass;
# neither set turns the endpoint off (404).
METRICS_TOKEN = env.raw("METRICS_TOKEN", "") or ""
METRICS_ALLOWED_IPS = env.string_list("METRICS_ALLOWED_IPS", [])
for _net in METRICS_ALLOWED_IPS:
    try:
        __import__("ipaddress").ip_network(_net, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_IPS: {_net!r} is not an IP address or network"
        ) from None
# --- end of metrics --------------------------------------------------------------------------

# --- Sandbox platforms ----------------------------------------------------------------------
SANDBOX_PLATFORMS = env.boolean("SANDBOX_PLATFORMS", False)

# --- Platforms: endpoints, client credentials, timeouts (all in config/platforms.py) ---------
# Where the sandbox is reached from our own processes (tests point it at the live server).
SANDBOX_BASE_URL = env.url("SANDBOX_BASE_URL", PUBLIC_BASE_URL, schemes=("http", "https"))
from config.platforms import platform_settings  # noqa: E402

globals().update(platform_settings(sandbox=SANDBOX_PLATFORMS, sandbox_base_url=SANDBOX_BASE_URL))
# --- end of platforms ------------------------------------------------------------------------

# --- Publishing -----------------------------------------------------------------------------
# Retries: full-jitter exponential backoff, base * 2**(attempt-1) capped, then failed.
PUBLISH_RETRY_BASE_SECONDS = env.integer("PUBLISH_RETRY_BASE_SECONDS", 30, minimum=1)
PUBLISH_RETRY_CAP_SECONDS = env.integer("PUBLISH_RETRY_CAP_SECONDS", 3600, minimum=1)
PUBLISH_MAX_ATTEMPTS = env.integer("PUBLISH_MAX_ATTEMPTS", 6, minimum=1)
# A claimed job not finished within its lease is reconciled by the reaper; keep it well above
# the providers' HTTP timeouts so a slow but live call is never reconciled underneath itself.
PUBLISH_LEASE_SECONDS = env.integer("PUBLISH_LEASE_SECONDS", 300, minimum=5)
# A queued job whose task never ran (broker lost it, worker died before the claim) is
# enqueued again after this long; the claim makes the extra delivery harmless.
PUBLISH_REQUEUE_SECONDS = env.integer("PUBLISH_REQUEUE_SECONDS", 60, minimum=1)
PUBLISH_DISPATCH_INTERVAL_SECONDS = env.integer("PUBLISH_DISPATCH_INTERVAL_SECONDS", 2, minimum=1)
PUBLISH_DISPATCH_BATCH = env.integer("PUBLISH_DISPATCH_BATCH", 500, minimum=1)
PUBLISH_MAX_SCHEDULE_DAYS = env.integer("PUBLISH_MAX_SCHEDULE_DAYS", 365, minimum=1)
# Instagram containers: status poll interval, and how long one attempt waits for them before
# it gives up (Transient); the next attempt resumes the saved containers. Keep it under the lease.
PUBLISH_INSTAGRAM_POLL_MS = env.integer("PUBLISH_INSTAGRAM_POLL_MS", 3000, minimum=1)
PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS = env.integer(
    "PUBLISH_INSTAGRAM_MAX_WAIT_SECONDS", 120, minimum=1
)
# Videos take longer to process (Instagram video containers, Facebook Page videos): how long
# one attempt waits for them; the next attempt polls the same saved ids. Keep it under the lease.
PUBLISH_VIDEO_MAX_WAIT_SECONDS = env.integer("PUBLISH_VIDEO_MAX_WAIT_SECONDS", 180, minimum=1)
# The longest single wait between two processing-status reads (caps a platform's hint).
PUBLISH_VIDEO_POLL_MAX_SECONDS = env.integer("PUBLISH_VIDEO_POLL_MAX_SECONDS", 10, minimum=1)

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.IdCursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Brandpost API",
    "DESCRIPTION": "Connect social accounts, validate and publish posts, follow jobs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set that several apps share, instead of hash-suffixed names.
    "ENUM_NAME_OVERRIDES": {
        "PlatformEnum": "connections.providers.PLATFORM_SLUGS",
        "JobStatusEnum": "publishing.models.JobStatus",
        "ConnectionStatusEnum": "connections.models.ConnectionStatus",
    },
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env.raw("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
    raise ImproperlyConfigured(f"LOG_LEVEL: expected DEBUG/INFO/WARNING/ERROR, got {LOG_LEVEL!r}")
LOGGING_CONFIG = None  # core.logging configures structlog and the stdlib root logger
from core.logging import configure_logging  # noqa: E402

configure_logging(level=LOG_LEVEL)
