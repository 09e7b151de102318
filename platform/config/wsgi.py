"""WSGI entry point (gunicorn config.wsgi, with platform/ on the Python path)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

# Loaded once per server worker (never by tests, management commands or Celery): build the
# candidate indexes now, in the background, not on the first matches page (MATCHING_WARM_INDEXES).
from matching.index import warm_indexes_in_background  # noqa: E402

warm_indexes_in_background()
