"""Settings shared by every environment. Every value that differs comes from config.env."""

from __future__ import annotations

import math

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config import env
from config.cache import redis_cache_settings
from config.env import BASE_DIR
from config.logs import logging_settings
from config.sentry import sentry_init

SECRET_KEY = env.str_("DJANGO_SECRET_KEY")
DEBUG = env.bool_("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env.list_("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list_("DJANGO_CSRF_TRUSTED_ORIGINS", [])


def prepared_statements(config: dict) -> dict:
    """PostgreSQL plans a statement once per connection and reuses the plan (issues 18 and 21).

    Django binds parameters on the client by default, so PostgreSQL parses and plans every query
    anew: on the case page and the caseload, whose queries join six tables, planning cost more
    than running them. With server-side binding psycopg prepares a statement the
    DATABASE_PREPARE_THRESHOLD-th time a connection runs it (default 2). A pooler in transaction
    mode that cannot keep prepared statements (PgBouncer before 1.21) needs
    DATABASE_PREPARE_THRESHOLD=off.
    """
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    threshold = env.str_("DATABASE_PREPARE_THRESHOLD", "2").strip().lower()
    if threshold in ("off", "none", ""):
        return config
    if not threshold.isdigit():
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"The environment variable DATABASE_PREPARE_THRESHOLD must be a whole number or off, not {threshold!r}."
        )
    config.setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": int(threshold)}
    )
    return config


def planner_costs(config: dict) -> dict:
    """The random page cost PostgreSQL plans with, per connection (issue 18): 1.1, as for data that
    sits in memory or on SSD, not the server's default of 4 (spinning disks).

    At 4 PostgreSQL read all 10,000 people of a municipality to join the 150 a job coach follows,
    where 150 index lookups cost a tenth: the caseload's three queries took 8.6 ms, at 1.1 2.8 ms.
    DATABASE_RANDOM_PAGE_COST sets another value; ``off`` leaves the server's own, which a pooler
    that refuses the startup parameter ``options`` needs (PgBouncer): set it on the server then
    (``ALTER ROLE lotse SET random_page_cost = 1.1``).
    """
    if config["ENGINE"] != "django.db.backends.postgresql":
        return config
    cost = env.str_("DATABASE_RANDOM_PAGE_COST", "1.1").strip().lower()
    if cost in ("off", "none", ""):
        return config
    try:
        value = float(cost)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value <= 0:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"The environment variable DATABASE_RANDOM_PAGE_COST must be a positive number or off, not {cost!r}."
        )
    options = config.setdefault("OPTIONS", {})
    # libpq's options parameter replaces PGOPTIONS: what the environment sets there is kept.
    before = options.get("options") or env.str_("PGOPTIONS", "")
    options["options"] = f"{before} -c random_page_cost={value}".strip()
    return config


DATABASES = {
    "default": planner_costs(
        prepared_statements(env.db("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default (make demo): Wagtail's autosave racing an editor's submit answered 500
    # "database is locked". WAL lets readers go on while one writes; IMMEDIATE takes the write lock
    # at BEGIN, so a second writer waits (up to the timeout) instead of failing on the upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    # shared platform
    "accounts",
    "organisations",
    "privacy",
    "taxonomy",
    "matching",
    "outbox",
    "notifications",
    # API tokens, authentication, problem details, throttles (the resources live in the apps' api.py).
    # Before drf_spectacular: its Swagger UI template is overridden (CSP, no web fonts).
    "api",
    # Webhooks: subscriptions per organisation, signed deliveries retried by Celery (issue 17).
    "webhooks",
    # composition root: an app for its templates, template tags and static files
    "config",
    # apps
    "candidates",
    "employers",
    "coaching",
    "cms",
    "monitoring",
    # demo and seed data (manage.py seed_demo): imports the apps, no app imports it
    "demo",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # OAuth2 client credentials for the API (issue 17): only its token endpoint is mounted.
    "oauth2_provider",
    # Wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]

MIDDLEWARE = [
    # First: the request id for every log line below (and the response header), then the
    # latency and query count of everything after it, probes included (config/logs.py, metrics.py).
    "config.logs.RequestIdMiddleware",
    "config.metrics.MetricsMiddleware",
    # CSP on every response (health probes and the input middleware's 400 included), no-store on
    # personal data (config/headers.py).
    "config.headers.SecurityHeadersMiddleware",
    # Then: probes by IP over plain HTTP get their JSON, not a host error or HTTPS redirect.
    "config.health.HealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a parameter: NUL bytes and other unstorable input get a 400 here.
    "inputs.middleware.UnstorableInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A selector's NotFound (a row missing or out of the user's sight) becomes the 404 page.
    "config.domain_errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "platform" / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.lotse",
                "notifications.context_processors.unread",
            ],
        },
    }
]

# Flashed messages live in the session, never in a cookie: they may name people
# ("Erfolgreich als … angemeldet", "Mitgliedschaft von … beendet").
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"

# allauth: e-mail is the login; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Confirming the address in the browser that signed up signs in and continues where the sign-up
# was headed (``next``: a new business goes straight on to register). allauth does this only when
# the signing-up user is in that very session; a link opened elsewhere leads to the login.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lotse] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str_("LOTSE_HTTP_PROTOCOL", "https")
ACCOUNT_ALLOW_REGISTRATION = env.bool_("LOTSE_ALLOW_SIGNUP", True)
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# allauth's throttles, per hour rather than its per-minute defaults: a reset mail at most three
# times an hour to one address, whatever path or address the request comes from. The same
# mechanism throttles event registration (cms/throttle.py): per address and per e-mail, and an
# employer's support requests (coaching/throttle.py): per person and per business.
ACCOUNT_RATE_LIMITS = {
    "reset_password": "20/h/ip,3/h/key",
    "reset_password_from_key": "20/h/ip",
    "lotse_event_registration": "20/h/ip,5/h/key",
    # An employer's questions to the job coach (coaching/throttle.py): per person, per business.
    "lotse_support_request": "10/h/user,30/d/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lotse"
# E-mail addresses exempt from the MFA requirement. Empty everywhere but dev (demo logins only).
LOTSE_MFA_EXEMPT_EMAILS: frozenset[str] = frozenset()

EMAIL_BACKEND = env.str_("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str_("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int_("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str_("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str_("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool_("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str_("DEFAULT_FROM_EMAIL", "Lotse <noreply@lotse.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Languages: German first, English second; candidate pages also in Arabic, Ukrainian, Farsi.
LANGUAGE_CODE = "de"
LANGUAGES = [
    ("de", _("Deutsch")),
    ("en", _("English")),
    ("ar", _("العربية")),
    ("uk", _("Українська")),
    ("fa", _("فارسی")),
]
LANGUAGES_BIDI = ["ar", "fa"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
# Phone, e-mail, URL and postcode inputs read left to right on right-to-left pages (config/forms.py).
FORM_RENDERER = "config.forms.LotseFormRenderer"
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    # platform/config/static is found by the app finder now that config is an installed app.
    ("vendor/kern", BASE_DIR / "node_modules" / "@kern-ux" / "native" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str_("LOTSE_MEDIA_ROOT", str(BASE_DIR / "media"))
# Message attachments (issue 22): outside MEDIA_ROOT and every served path; only a view that checks
# access hands them out, as downloads.
MESSAGE_ATTACHMENT_ROOT = env.str_("LOTSE_MESSAGE_ATTACHMENT_ROOT", str(BASE_DIR / "private" / "messages"))
MESSAGE_ATTACHMENT_MAX_BYTES = env.int_("LOTSE_MESSAGE_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)

# Celery: Redis broker from the environment; without one, tasks run eagerly in-process.
CELERY_BROKER_URL = env.str_("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Results are not kept unless a backend is configured (tasks here write to the database instead).
CELERY_RESULT_BACKEND = env.str_("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request never waits long for a dead broker: the outbox (platform/outbox) keeps every
# job that could not be sent and a beat task sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_timeout": 2, "socket_connect_timeout": 2}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
# A job kept in the outbox keeps the request id of the request that made it (config/logs.py),
# so its task logs under that request even when the drain sends it minutes later.
OUTBOX_TASK_HEADERS = "config.logs.current_task_headers"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "privacy-apply-audit-retention": {
        "task": "privacy.tasks.apply_audit_retention",
        "schedule": 60 * 60 * 24,
    },
    "candidates-warn-expiring-permits": {
        "task": "candidates.tasks.warn_expiring_permits",
        "schedule": 60 * 60 * 24,
    },
    "matching-train-reranker": {
        "task": "matching.tasks.train_reranker",
        "schedule": 60 * 60 * 24 * 7,
    },
    "webhooks-prune-deliveries": {
        "task": "webhooks.tasks.prune_deliveries",
        "schedule": 60 * 60 * 24,
    },
    "matching-prune-index-changes": {
        "task": "matching.tasks.prune_index_changes",
        "schedule": 60 * 60 * 24,
    },
    "candidates-closure-follow-ups": {
        "task": "candidates.tasks.send_closure_follow_ups",
        "schedule": 60 * 60 * 24,
    },
    "candidates-remind-immigration-questions": {
        "task": "candidates.tasks.remind_immigration_questions",
        "schedule": 60 * 60 * 24,
    },
    "candidates-appointment-reminders": {
        "task": "candidates.tasks.send_appointment_reminders",
        "schedule": 60 * 15,
    },
    "coaching-follow-up-reminders": {
        "task": "coaching.tasks.send_follow_up_reminders",
        "schedule": 60 * 60 * 24,
    },
    "coaching-escalate-support-requests": {
        "task": "coaching.tasks.escalate_overdue_support_requests",
        "schedule": 60 * 60 * 24,
    },
    "coaching-remind-overdue-round-actions": {
        "task": "coaching.tasks.remind_overdue_round_actions",
        "schedule": 60 * 60 * 24,
    },
    "coaching-remind-agreement-reviews": {
        "task": "coaching.tasks.remind_agreement_reviews",
        "schedule": 60 * 60 * 24,
    },
    "employers-escalate-introductions": {
        "task": "employers.tasks.escalate_overdue_introductions",
        "schedule": 60 * 60 * 24,
    },
    "employers-business-contact-reminders": {
        "task": "employers.tasks.send_business_contact_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "employers-notify-new-matching-jobs": {
        "task": "employers.tasks.notify_new_matching_jobs",
        "schedule": crontab(hour=6, minute=0),  # before the 7:00 digest, which then carries it
    },
    "notifications-send-digests": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "outbox-drain": {
        "task": "outbox.tasks.drain",
        "schedule": 60,
    },
    "monitoring-refresh-dashboards": {
        "task": "monitoring.tasks.refresh_dashboards",
        "schedule": 60 * 15,
    },
}

# The cache holds nothing that cannot be recomputed, and a dead Redis never fails a page
# (config.cache: short timeouts, an in-process stand-in). Sessions therefore live in the
# database, never in the cache (no "cache" or "cached_db" engine).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
_redis_cache = env.str_("REDIS_CACHE_URL", "")
if _redis_cache:
    CACHES["default"] = redis_cache_settings(_redis_cache)
# Rendered fragments that hold personal data (a coach's caseload table) stay in the worker's own
# memory, never in the shared Redis: gone with the process, and at most a few minutes old.
PROCESS_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "lotse-process",
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 500},
}
CACHES["process"] = PROCESS_CACHE
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# How long a signed-in session lives (accounts.middleware.SessionLifetimeMiddleware): staff end
# after 30 minutes idle, candidates after 2 hours, everyone 12 hours after the login.
LOTSE_STAFF_IDLE_MINUTES = env.int_("LOTSE_STAFF_IDLE_MINUTES", 30)
LOTSE_CANDIDATE_IDLE_MINUTES = env.int_("LOTSE_CANDIDATE_IDLE_MINUTES", 120)
LOTSE_SESSION_MAX_HOURS = env.int_("LOTSE_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = LOTSE_SESSION_MAX_HOURS * 3600

WAGTAIL_SITE_NAME = "Lotse"
# No avatars from gravatar.com: they would tell a third party which staff use the admin (and the
# admin's CSP allows images from our own origin only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin ask releases.wagtail.org for news (updates come through the lock file).
WAGTAIL_ENABLE_UPDATE_CHECK = False
# One way in: Wagtail's admin and private pages send people to allauth's login (rate limit,
# lockout, second factor); Wagtail's own password reset and change are off, and so are shared
# page passwords (config/urls.py routes the old addresses to allauth).
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILADMIN_BASE_URL = env.str_("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]

# Days a person (or their case manager) has to answer an employer's selection before it goes to
# the case manager's team lead or the coordinator (employers.services.introductions_escalate).
LOTSE_INTRODUCTION_ANSWER_DAYS = env.int_("LOTSE_INTRODUCTION_ANSWER_DAYS", 5)

# Statutory minimum wage (Mindestlohngesetz, gross € per hour) and the date each value applies
# from: job quality compares an employment's hourly wage with the value valid at its start.
LOTSE_MINIMUM_WAGE = (("2024-01-01", "12.41"), ("2025-01-01", "12.82"), ("2026-01-01", "13.90"))

# How long the audit log is kept (days); applied daily by a Celery beat task.
LOTSE_AUDIT_RETENTION_DAYS = env.int_("LOTSE_AUDIT_RETENTION_DAYS", 730)

# One JSON object per line with the request id (config/logs.py); "text" for a developer's console.
LOTSE_LOG_FORMAT = env.str_("LOTSE_LOG_FORMAT", "json")
LOGGING = logging_settings(level=env.str_("DJANGO_LOG_LEVEL", "INFO"), json_lines=LOTSE_LOG_FORMAT != "text")
# Workers log through the same configuration (JSON, request id, task name) instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Prometheus metrics at /metrics/ for a bearer of this token; unset: the address answers 404.
LOTSE_METRICS_TOKEN = env.str_("LOTSE_METRICS_TOKEN", "")

# Appointment SMS (issue 22): a dotted path to a class with ``send(to, text)``, this installation's
# gateway; only municipalities that opted in (Municipality.sms_appointments) use it. Empty: none.
LOTSE_SMS_SENDER = env.str_("LOTSE_SMS_SENDER", "")

# The REST API under /api/v1/ (issue 17): clients are organisations with API tokens (platform/api);
# JSON only; every error is RFC 9457 problem details (api/problems.py).
REST_FRAMEWORK = {
    # An API token (lotse_…) or an OAuth2 access token: both become the same ApiClient.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "api.authentication.OAuth2Authentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle", "api.throttling.AnonymousRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["api.rest.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.rest.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # api.problems' handler, after a selector's NotFound is made its 404.
    "EXCEPTION_HANDLER": "config.domain_errors.api_exception_handler",
    # OPTIONS answers 405 like any method an operation does not have (no metadata about fields).
    "DEFAULT_METADATA_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Requests per client (an organisation, all its tokens together) and per address without a token.
LOTSE_API_RATE = env.str_("LOTSE_API_RATE", "600/min")
LOTSE_API_ANONYMOUS_RATE = env.str_("LOTSE_API_ANONYMOUS_RATE", "120/min")
# OAuth2 (django-oauth-toolkit): organisations' clients get access tokens with the client
# credentials grant at /api/oauth/token/; the scopes a client may ask for are those its
# organisation gave it on /app/api/ (api.oauth.ClientScopes). Access tokens are stored as a hash
# only (RFC 9700) and live an hour.
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "api.oauth.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    # Only client credentials are used; the OAuth 2.0 Security BCP's safe behaviour everywhere else
    # too (check --deploy warns on each of the toolkit's old defaults).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# Named so that api.OAuthClient's link to the Application (a swappable model) resolves.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
SPECTACULAR_SETTINGS = {
    "TITLE": "Lotse API",
    "DESCRIPTION": (
        "Die Schnittstelle von Lotse für die Systeme von Betrieben und Kommunen. Clients sind "
        "Organisationen; sie melden sich mit einem API-Token an (Authorization: Bearer …), das "
        "berechtigte Mitarbeitende unter /app/api/ anlegen, oder mit einem OAuth2-Access-Token "
        "(Client Credentials, /api/oauth/token/) eines dort angelegten OAuth2-Clients. Fehler kommen als RFC 9457 Problem "
        "Details (application/problem+json)."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files, never a CDN; no validator badge (another host). No ReDoc:
    # its sidebar always loads Redocly's logo from their CDN and it needs inline styles.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None, "persistAuthorization": False},
    "PREPROCESSING_HOOKS": ["api.schema.only_the_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        # api17a: a qualification's kind beside a placement's (both fields are named "kind").
        "KindEnum": "employers.models.PlacementKind",
        "QualificationKindEnum": "candidates.models.QualificationKind",
        # --- directory writes and referrals (issue 17, api17b) ---
        "HsdsServiceStatusEnum": "coaching.api.HSDS_STATUSES",
        "ReferralStatusEnum": "coaching.models.Referral.Status",
        "ReferralAnswerStatusEnum": "coaching.api_referrals.ANSWER_STATUSES",
        # --- end api17b ---
    },
}

# Optional error reporting (config/sentry.py): on when set and sentry-sdk is installed.
SENTRY_DSN = env.str_("SENTRY_DSN", "")
sentry_init(dsn=SENTRY_DSN, environment=env.str_("SENTRY_ENVIRONMENT", "production"))

# Matching: every server worker builds its municipalities' candidate indexes in a background
# thread as it starts (config/wsgi.py), so the first matches page after a deploy does not wait
# seconds for it. A request arriving during the build waits for that build, never starts another.
MATCHING_WARM_INDEXES = env.bool_("MATCHING_WARM_INDEXES", True)
# How many municipalities' candidate indexes one process keeps (least recently used dropped):
# bounds a web worker's memory when one server serves many municipalities.
MATCHING_MAX_INDEXES = env.int_("MATCHING_MAX_INDEXES", 8)

# Webhooks (issue 17, platform/webhooks): receivers are public HTTPS addresses; plain HTTP to
# loopback only where this allows it (tests, a developer's machine), never private networks.
WEBHOOKS_ALLOW_LOOPBACK = env.bool_("LOTSE_WEBHOOKS_ALLOW_LOOPBACK", False)
# A failed delivery is tried again after 30 s, 60 s, 120 s, … (at most an hour apart), up to this many attempts.
WEBHOOKS_RETRY_BASE_SECONDS = env.int_("LOTSE_WEBHOOKS_RETRY_BASE_SECONDS", 30)
WEBHOOKS_MAX_ATTEMPTS = env.int_("LOTSE_WEBHOOKS_MAX_ATTEMPTS", 8)
# The delivery log keeps finished deliveries (delivered or given up) this many days; those still
# being tried stay whatever their age. Pruned daily (webhooks.tasks.prune_deliveries).
WEBHOOKS_LOG_RETENTION_DAYS = env.int_("LOTSE_WEBHOOKS_LOG_RETENTION_DAYS", 90)
