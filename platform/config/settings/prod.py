"""Production: everything required comes from the environment; fails fast otherwise.

`manage.py check --deploy` is clean with the variables of .env.example's production part
(a test proves it: tests/config/test_env.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import PROCESS_CACHE, SECRET_KEY, env, planner_costs, prepared_statements, redis_cache_settings

# Django's own deploy check (security.W009) asks for at least 50 characters and 5 distinct
# ones; refuse to start at all rather than serve sessions signed with a guessable key.
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "The environment variable DJANGO_SECRET_KEY must be a random value of at least 50 "
        "characters (generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

DEBUG = env.bool_("DJANGO_DEBUG", False)
if DEBUG:
    raise ImproperlyConfigured("The environment variable DJANGO_DEBUG must be false in production.")

DATABASES = {"default": planner_costs(prepared_statements(env.db("DATABASE_URL")))}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = env.int_("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
ALLOWED_HOSTS = env.list_("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list_("DJANGO_CSRF_TRUSTED_ORIGINS", [f"https://{host}" for host in ALLOWED_HOSTS])

# A worker and beat are part of production: never run tasks inside the web process.
CELERY_BROKER_URL = env.url("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
# Fail-safe: a dead Redis costs a page one short timeout, never an error (config.cache).
CACHES = {"default": redis_cache_settings(env.url("REDIS_CACHE_URL")), "process": PROCESS_CACHE}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
# Links in Wagtail's notification e-mails must point at the real site.
WAGTAILADMIN_BASE_URL = env.url("WAGTAILADMIN_BASE_URL")
# Nobody skips the MFA requirement in production (dev exempts the demo logins only).
LOTSE_MFA_EXEMPT_EMAILS: frozenset[str] = frozenset()

# TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The per-address rate limits (login, reset, sign-up, event registration) must see the visitor's
# address, not the proxy's: otherwise every visitor shares one bucket and a few requests lock out
# all. The proxy appends the client to X-Forwarded-For; allauth trusts that many hops from the end.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int_("LOTSE_TRUSTED_PROXY_COUNT", 1)
SECURE_SSL_REDIRECT = env.bool_("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int_("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
