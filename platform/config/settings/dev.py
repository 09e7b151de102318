"""Local development: `make demo`. SQLite, eager Celery, e-mail to the console."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("LOTSE_HTTP_PROTOCOL", "http")
os.environ.setdefault("LOTSE_LOG_FORMAT", "text")  # readable in a developer's console

from demo.accounts import DEMO_LOGIN_EMAILS  # noqa: E402

from .base import *  # noqa: E402,F403

DEBUG = env.bool_("DJANGO_DEBUG", True)  # noqa: F405
# Only the demo logins skip the MFA requirement, so that `make demo` stays easy to try.
LOTSE_MFA_EXEMPT_EMAILS = frozenset(DEMO_LOGIN_EMAILS)
# A developer's own webhook receiver on this machine (plain HTTP to loopback only).
WEBHOOKS_ALLOW_LOOPBACK = env.bool_("LOTSE_WEBHOOKS_ALLOW_LOOPBACK", True)  # noqa: F405
