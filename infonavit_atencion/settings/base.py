"""Settings shared by every environment. Environment-specific modules import * from here."""

import datetime as dt

from celery.schedules import crontab
from csp.constants import NONE, SELF
from kombu import Exchange, Queue

from infonavit_atencion.env import BASE_DIR, env

VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "infonavit_atencion.core",
    "accounts",
    "channels",
    "catalog",
    "contacts",
    "cases",
    "indicators",
    "webhooks",
    "surveys",
    "arco",
    "inbound",
    "axes",
    "web",
    "intake",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: NUL characters in the address (400), oversized bodies (413).
    "infonavit_atencion.core.middleware.RequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Everything after the static files: not stored by browsers or proxies (personal data).
    "infonavit_atencion.core.no_store.NoStoreMiddleware",
    # "Browser…": Django's middleware, skipped for /api/ calls with a Token header
    # (authenticated by the token alone; infonavit_atencion.core.browser_middleware).
    "infonavit_atencion.core.browser_middleware.BrowserSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The stock class (check --deploy looks for it); DRF's views are exempt, so a token call
    # costs it one cookie look-up.
    "django.middleware.csrf.CsrfViewMiddleware",
    "infonavit_atencion.core.browser_middleware.BrowserAuthenticationMiddleware",
    "web.middleware.OfficeTimezoneMiddleware",
    "infonavit_atencion.core.browser_middleware.BrowserMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "infonavit_atencion.urls"
WSGI_APPLICATION = "infonavit_atencion.wsgi.application"

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
                "web.context_processors.navigation",
            ],
        },
    },
]

# Embedded default: SQLite under var/ so that `make run` works on a bare machine.
# An empty DATABASE_URL counts as unset (handy for `DATABASE_URL= make test`).
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'atencion.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
# A connection killed under us (database restart, pg_terminate_backend) is noticed before use.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The client look-up and intake's one-row INSERTs are prepared once per connection on
# PostgreSQL (core.prepared, ADR 0021). Off behind a pooler in transaction mode (pgbouncer),
# which may run a later EXECUTE on a server connection that never saw the PREPARE.
DATABASE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Same backend, but an idle connection's health check reads its socket, not `SELECT 1`.
    DATABASES["default"]["ENGINE"] = "infonavit_atencion.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Wait for the writer lock instead of failing at once; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "web.validators.LettersAndDigitsValidator"},
    {"NAME": "web.validators.GuessabilityValidator"},
]

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failures for one username from one
# address, that pair is refused for LOGIN_LOCKOUT_MINUTES. A call to authenticate() without a
# request (commands, shell) is not a login attempt and is not counted (web.auth).
AUTHENTICATION_BACKENDS = [
    "web.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Proxies in front of the application that append to X-Forwarded-For (0: none, so the header is
# ignored and the socket's address counts). One function gives the client address to every
# throttle and to the lockout (infonavit_atencion.core.client_address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "infonavit_atencion.core.client_address.client_address"

# Content-Security-Policy: every script, style, font and image from this server only (the
# assets come from npm at set-up, never a CDN); no inline script or style, no framing, forms
# post only here. Pages set no inline handlers (htmx's own indicator styles are turned off).
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
    }
}

LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Attachments hold personal data: never served by URL, only through permission-checked views.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Celery -------------------------------------------------------------------------------
# Without REDIS_URL tasks run in-process (eager), so a bare machine needs no broker.
REDIS_URL = env("REDIS_URL", default="")
# In-process, the producer pool still opens a (memory) connection: name a host so kombu does
# not warn "No hostname was supplied" on every start.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport with one client per channel (core.redis_broker): no new client
    # object for every publish.
    CELERY_BROKER_TRANSPORT = "infonavit_atencion.core.redis_broker:Transport"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = "America/Mexico_City"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when Redis is unreachable: intake must not hang on a publish (the sweeper catches up).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Celery's Django fix-up closes the database connection around every task; a new PostgreSQL
# connection per routing costs more than the routing. Keep it (the worker's own task signals
# drop broken or expired connections, see infonavit_atencion/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
# One queue per concern, so a backlog of e-mails never delays routing.
CELERY_TASK_ROUTES = {
    "cases.tasks.route_case": {"queue": "routing"},
    "cases.tasks.route_new_case": {"queue": "routing"},
    "cases.tasks.sweep_unrouted_cases": {"queue": "routing"},
    "cases.tasks.run_sla_monitor": {"queue": "sla"},
    "cases.tasks.send_breach_notice": {"queue": "notifications"},
    "cases.tasks.send_acknowledgement": {"queue": "notifications"},
    "cases.tasks.send_assignment_notice": {"queue": "notifications"},
    "cases.tasks.send_resolution_notice": {"queue": "notifications"},
    "cases.tasks.sweep_pending_notices": {"queue": "notifications"},
    "cases.tasks.send_extension_notice": {"queue": "notifications"},
    "cases.tasks.send_public_comment_notice": {"queue": "notifications"},
    "cases.tasks.send_calendar_change_notice": {"queue": "notifications"},
    "cases.tasks.send_filing_confirmation": {"queue": "notifications"},
    "cases.tasks.cancel_unconfirmed_filings": {"queue": "default"},
    "cases.tasks.run_sla_repair": {"queue": "sla"},
    "cases.tasks.close_resolved_cases": {"queue": "default"},
    "cases.tasks.seal_history_anchors": {"queue": "default"},
    "webhooks.tasks.deliver_webhook": {"queue": "webhooks"},
    "webhooks.tasks.deliver_due_webhooks": {"queue": "webhooks"},
    "indicators.tasks.refresh_indicators": {"queue": "indicators"},
    # Exports can take minutes: on the default queue, never ahead of the indicator refresh.
    "indicators.tasks.build_export": {"queue": "default"},
    "indicators.tasks.purge_expired_exports": {"queue": "default"},
    "indicators.tasks.sweep_export_jobs": {"queue": "default"},
    "indicators.tasks.send_monthly_report": {"queue": "default"},
    # A slow mailbox never delays the notices or the exports.
    "inbound.tasks.read_mailbox": {"queue": "inbound"},
}
WORKER_QUEUES = ["default", "routing", "sla", "notifications", "webhooks", "indicators", "inbound"]
# Declared, so `celery -A infonavit_atencion worker` with no -Q consumes every one of them
# (-Q still picks a subset for a dedicated worker). Each is bound to its own exchange and key, as
# Celery binds the queues it creates on demand: unbound ones would share the default key.
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in WORKER_QUEUES]
# The unrouted-case sweeper re-queues cases left `new` longer than UNROUTED_GRACE_SECONDS,
# every UNROUTED_SWEEP_SECONDS (SPEC §5: a minute each; bench/soak.py shortens both).
UNROUTED_GRACE_SECONDS = env.int("UNROUTED_GRACE_SECONDS", default=60)
UNROUTED_SWEEP_SECONDS = env.float("UNROUTED_SWEEP_SECONDS", default=60.0)
# The notice sweeper re-queues e-mails still owed for a cause event older than the grace and
# younger than the look-back, every NOTICE_SWEEP_SECONDS (cases.notices.sweep).
NOTICE_SWEEP_LOOKBACK_SECONDS = env.int("NOTICE_SWEEP_LOOKBACK_SECONDS", default=24 * 3600)
NOTICE_SWEEP_GRACE_SECONDS = env.int("NOTICE_SWEEP_GRACE_SECONDS", default=300)
NOTICE_SWEEP_SECONDS = env.float("NOTICE_SWEEP_SECONDS", default=300.0)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "sla-monitor": {"task": "cases.tasks.run_sla_monitor", "schedule": 60.0},
    "sweep-unrouted": {
        "task": "cases.tasks.sweep_unrouted_cases",
        "schedule": UNROUTED_SWEEP_SECONDS,
    },
    "sweep-pending-notices": {
        "task": "cases.tasks.sweep_pending_notices",
        "schedule": NOTICE_SWEEP_SECONDS,
        # Behind an e-mail backlog a pass waiting longer than the interval is dropped: the next
        # one does the same work, and piled-up passes would only queue more duplicates.
        "options": {"expires": NOTICE_SWEEP_SECONDS},
    },
    "close-resolved": {"task": "cases.tasks.close_resolved_cases", "schedule": 3600.0},
    "cancel-unconfirmed-filings": {
        "task": "cases.tasks.cancel_unconfirmed_filings",
        "schedule": 3600.0,
    },
    "deliver-due-webhooks": {"task": "webhooks.tasks.deliver_due_webhooks", "schedule": 30.0},
    "purge-idempotency-keys": {"task": "cases.tasks.purge_idempotency_keys", "schedule": 86400.0},
    # 00:30 in CELERY_TIMEZONE: seal yesterday's chain heads (ADR 0013).
    "seal-history-anchors": {
        "task": "cases.tasks.seal_history_anchors",
        "schedule": crontab(minute=30, hour=0),
    },
    "refresh-indicators": {"task": "indicators.tasks.refresh_indicators", "schedule": 60.0},
    "purge-exports": {"task": "indicators.tasks.purge_expired_exports", "schedule": 86400.0},
    "sweep-export-jobs": {"task": "indicators.tasks.sweep_export_jobs", "schedule": 300.0},
    # 07:00 on the 1st of each month in CELERY_TIMEZONE (America/Mexico_City): last month.
    "monthly-channel-report": {
        "task": "indicators.tasks.send_monthly_report",
        "schedule": crontab(minute=0, hour=7, day_of_month=1),
    },
}

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Token first: its WWW-Authenticate header makes "no credentials" a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ApiClientTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Views declare `required_scopes`; without them API clients get 403 (accounts.api.permissions).
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.throttling.ApiClientRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bounded nesting and Spanish parse errors (infonavit_atencion.core.json_parser).
    "DEFAULT_PARSER_CLASSES": [
        "infonavit_atencion.core.json_parser.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "infonavit_atencion.core.exceptions.problem_exception_handler",
    # DRF's own notion of the client address agrees with core.client_address (our throttles
    # call that function; this covers any DRF throttle used as is).
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# The citizen's status look-up, per client address (guessing tracking codes must be slow).
PUBLIC_LOOKUP_THROTTLE_RATE = env("PUBLIC_LOOKUP_THROTTLE_RATE", default="20/min")
# The public filing portal (/presentar/, issue 18 §3): the channel its cases come in by (only
# the services offered there are shown), filings per client address, the days a filing waits
# for its e-mail confirmation before it is cancelled, and the attachments one filing may carry
# (count, and their total size: kept under the request-body limit of ATTACHMENT_MAX_BYTES).
PUBLIC_FILING_CHANNEL = env("PUBLIC_FILING_CHANNEL", default="MICUENTA")
PUBLIC_FILING_THROTTLE_RATE = env("PUBLIC_FILING_THROTTLE_RATE", default="5/h")
PUBLIC_FILING_CONFIRM_DAYS = env.int("PUBLIC_FILING_CONFIRM_DAYS", default=3)
PUBLIC_FILING_MAX_FILES = env.int("PUBLIC_FILING_MAX_FILES", default=3)
PUBLIC_FILING_MAX_UPLOAD_BYTES = env.int("PUBLIC_FILING_MAX_UPLOAD_BYTES", default=8 * 1024 * 1024)
# Throttle counters and other shared state: Redis when configured, else per process.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "atencion",
        }
    }
# Requests per API client (or browser user) in DRF syntax; empty disables the throttle.
API_CLIENT_THROTTLE_RATE = env("API_CLIENT_THROTTLE_RATE", default="6000/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Atención Infonavit API",
    "DESCRIPTION": "API v1 de Atención Infonavit para los sistemas del Instituto.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# --- E-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Atención Infonavit <no-responder@localhost>"
)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Absolute links in e-mails to citizens (status page, survey), e.g. https://atencion.infonavit.org.mx
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
# The reply address of a case's e-mails (Reply-To), `{token}` replaced by a signed per-case
# token (cases.notices.mail_thread), e.g. "atencion+{token}@atencion.infonavit.org.mx"; empty: no Reply-To.
INBOUND_REPLY_ADDRESS = env("INBOUND_REPLY_ADDRESS", default="")
# The mailbox citizens write to (SPEC §11, the CORREO channel; inbound, ADR 0017). Empty host: not read.
INBOUND_IMAP_HOST = env("INBOUND_IMAP_HOST", default="")
INBOUND_IMAP_PORT = env.int("INBOUND_IMAP_PORT", default=993)
INBOUND_IMAP_SSL = env.bool("INBOUND_IMAP_SSL", default=True)
INBOUND_IMAP_USER = env("INBOUND_IMAP_USER", default="")
INBOUND_IMAP_PASSWORD = env("INBOUND_IMAP_PASSWORD", default="")
INBOUND_IMAP_FOLDER = env("INBOUND_IMAP_FOLDER", default="INBOX")
INBOUND_POLL_SECONDS = env.float("INBOUND_POLL_SECONDS", default=60.0)
# At most this many messages per pass (the rest wait for the next one, inside the time limit).
INBOUND_BATCH_SIZE = env.int("INBOUND_BATCH_SIZE", default=200)
# A sender with this many messages in the last hour has the next ones stored as rate-limited.
INBOUND_SENDER_LIMIT_PER_HOUR = env.int("INBOUND_SENDER_LIMIT_PER_HOUR", default=20)
# The office whose agents classify inbound e-mail ("Correo por clasificar") and where a case
# created from a message is registered: it must serve the CORREO channel (the contact centre).
INBOUND_OFFICE = env("INBOUND_OFFICE", default="INFONATEL_CC")
CELERY_BEAT_SCHEDULE["read-mailbox"] = {
    "task": "inbound.tasks.read_mailbox",
    "schedule": INBOUND_POLL_SECONDS,
    # A pass still queued when the next is due is dropped: the next one reads the same mailbox.
    "options": {"expires": INBOUND_POLL_SECONDS},
}
# Days a satisfaction-survey link sent with the resolution e-mail stays valid.
SURVEY_LINK_MAX_AGE_DAYS = env.int("SURVEY_LINK_MAX_AGE_DAYS", default=30)

# --- Product rules that operators may tune ------------------------------------------------
FOLIO_PREFIX = env("FOLIO_PREFIX", default="ATN")
REOPEN_WINDOW_BUSINESS_DAYS = env.int("REOPEN_WINDOW_BUSINESS_DAYS", default=10)
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
# Exports (indicators.exports): up to EXPORT_SYNC_MAX_ROWS rows answer at once; larger ones
# become a background job whose file is kept EXPORT_RETENTION_DAYS. EXPORT_MAX_ROWS caps a job.
EXPORT_SYNC_MAX_ROWS = env.int("EXPORT_SYNC_MAX_ROWS", default=2000)
EXPORT_MAX_ROWS = env.int("EXPORT_MAX_ROWS", default=2_000_000)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
EXPORT_TIME_LIMIT = env.int("EXPORT_TIME_LIMIT", default=3600)  # seconds per export job
# The supervisor board corrects for live at most this many cases the rollup refresh has not read;
# past that it shows the last refresh ("datos al HH:MM") and asks for one (indicators.freshness).
INDICATORS_BOARD_LIVE_CASES = env.int("INDICATORS_BOARD_LIVE_CASES", default=100)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Every record passes the personal-data mask before any handler writes it.
    "filters": {"personal_data": {"()": "infonavit_atencion.core.log_masking.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's defaults give "django" handlers of its own that skip the mask (the development
    # server's request lines, query strings such as ?nss= included, go to "django.server").
    # Without them those records reach the masked console through the root logger.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
# Celery workers keep this configuration (infonavit_atencion.celery connects setup_logging).

# The workspace's freshness polls (issue 19 item 14): the case page asks for the case's version,
# the queue's first page refreshes itself when the user is not working on it. Tests shorten them.
CASE_VERSION_POLL_SECONDS = env.int("CASE_VERSION_POLL_SECONDS", default=30)
QUEUE_REFRESH_SECONDS = env.int("QUEUE_REFRESH_SECONDS", default=60)
