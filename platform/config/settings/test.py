"""Test settings: the database and broker still come from the environment (CI sets them)."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("LOTSE_HTTP_PROTOCOL", "http")

from .base import *  # noqa: E402,F403

# The tests' webhook receivers listen on 127.0.0.1 (tests/webhooks/).
WEBHOOKS_ALLOW_LOOPBACK = env.bool_("LOTSE_WEBHOOKS_ALLOW_LOOPBACK", True)  # noqa: F405

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_AUTOREFRESH = True
# SQLite tests use a file (not :memory:) so a live Celery worker subprocess can reach it;
# one file per test run so that two runs on one machine never share a database.
_RUN = os.environ.get("LOTSE_TEST_RUN", str(os.getpid()))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = str(BASE_DIR / f".test-db-{_RUN}.sqlite3")  # noqa: F405
else:
    # Likewise on PostgreSQL: two runs on one server never share (or drop) a test database.
    DATABASES["default"]["TEST"]["NAME"] = f"test_{DATABASES['default']['NAME']}_{_RUN}"  # noqa: F405
# Tasks run in-process even where CI exports a broker, so no test depends on a worker being up;
# the tests that need a real worker start one (tests/config/celery_helpers.py sets this false).
CELERY_TASK_ALWAYS_EAGER = env.bool_("LOTSE_TEST_CELERY_EAGER", True)  # noqa: F405
# A test that runs web servers, workers and beat together gives them a queue of its own, so
# that what its servers send reaches only its workers (tests/employers/test_several_processes.py).
CELERY_TASK_DEFAULT_QUEUE = env.str_("LOTSE_TEST_CELERY_QUEUE", "celery")  # noqa: F405
# CI shares one Redis cache (REDIS_CACHE_URL) between runs: namespace it per run, and let what a
# run leaves behind expire, so no run ever reads another's entries.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    # Each xdist worker has a database of its own whose ids start at 1 like its sibling's: the
    # worker's name keeps one worker's "seen today" marks out of the other's (LOTSE_TEST_RUN is
    # shared by the workers of one run).
    _WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
    CACHES["default"]["KEY_PREFIX"] = f"lotse-test-{_RUN}-{_WORKER}"  # noqa: F405
    CACHES["default"]["TIMEOUT"] = 600  # noqa: F405
# Message attachments of a run go to a folder of its own (issue 22).
MESSAGE_ATTACHMENT_ROOT = os.path.join(tempfile.gettempdir(), f"lotse-test-messages-{_RUN}")
