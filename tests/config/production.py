"""Run manage.py as production does: the production settings and a complete production
environment, nothing inherited from the test run (used by tests/config and tests/security)."""

import os
import secrets
import subprocess
import sys

from tests.config.celery_helpers import ROOT

# A complete production environment. Nothing is contacted by `check`, so the hosts need not exist.
PROD_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "lotse.example-kommune.de",
    "DATABASE_URL": "postgres://lotse:secret@db.internal:5432/lotse",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "REDIS_CACHE_URL": "redis://redis.internal:6379/1",
    "WAGTAILADMIN_BASE_URL": "https://lotse.example-kommune.de",
}


def manage(*args: str, without: tuple[str, ...] = (), **variables: str) -> subprocess.CompletedProcess:
    """Run manage.py with the production settings and exactly these variables (no .env, and
    nothing inherited from the caller's DATABASE_URL and friends)."""
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "LOTSE_IGNORE_DOTENV": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        **PROD_ENV,
        **variables,
    }
    for name in without:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
