"""Composition root of Lotse: settings, URLs, Celery, WSGI/ASGI.

Imported as ``config`` because ``platform/`` (deliberately without ``__init__.py``)
is put on ``sys.path``; Python's own ``platform`` module is never shadowed.
"""

from .celery_app import app as celery_app

__all__ = ["celery_app"]
