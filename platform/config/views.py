"""Small views of the composition root: health checks, robots.txt, the language switch."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.services import user_set_preferred_language
from matching import index as matching_index

logger = logging.getLogger(__name__)

# A readiness probe answers within a few seconds even when the broker hangs.
BROKER_TIMEOUT = 1.0
_migrations_applied = False  # once true, stays true for the life of the process


def _health(view):
    # No transaction around the view (ATOMIC_REQUESTS would open the database before the view
    # runs, and a dead database would give an HTML 500); never cached by a proxy.
    return require_GET(never_cache(transaction.non_atomic_requests(view)))


@_health
def health_live(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Asks no dependency, so a restart never follows an outage."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations() -> None:
    # A new release's web process may start before `migrate` has run: it answers, but its code
    # expects tables and columns that are not there yet. Checked until once true (the plan is
    # read from the migration files and one table, a few milliseconds).
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if plan:
            raise RuntimeError(f"{len(plan)} migration(s) not applied, first {plan[0][0]}")
        _migrations_applied = True


def _cache() -> None:
    cache = caches["default"]
    ping = getattr(cache, "ping", None)
    if ping is not None:  # the fail-safe Redis cache: ask Redis itself, not its stand-in
        ping()
        return
    cache.set("lotse:health", "ok", 10)
    if cache.get("lotse:health") != "ok":
        raise RuntimeError("cache did not keep a value")


def _broker() -> None:
    app = current_app
    if app.conf.task_always_eager:  # no broker: tasks run in the process
        return
    options = {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT}
    with app.connection_for_write(transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)


# (name, check, the checks it needs to have passed): without a database there is nothing to ask
# about migrations, and the answer names the database alone.
_CHECKS = (
    ("database", _database, ()),
    ("migrations", _migrations, ("database",)),
    ("cache", _cache, ()),
    ("broker", _broker, ()),
)


@_health
def health_ready(request: HttpRequest) -> JsonResponse:
    """Readiness: database (with migrations applied), cache and broker answer; 503 names what failed."""
    failed: list[str] = []
    for name, check, needs in _CHECKS:
        if any(need in failed for need in needs):
            continue
        try:
            check()
        except Exception as exc:  # any failure of a dependency is an answer here, never a 500
            logger.warning("Readiness: %s unavailable: %s: %s", name, type(exc).__name__, exc)
            failed.append(name)
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    if matching_index.warming():
        # Up, but this worker still builds its candidate indexes: the first matches page would wait.
        return JsonResponse({"status": "starting", "warming": ["matching"]}, status=503)
    return JsonResponse({"status": "ok"})


# While the database is away, pages say so and when to come back (Retry-After, seconds).
DATABASE_RETRY_AFTER = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the database out of reach (stopped, restarting, cut off) is an outage, not a bug
    in the page: 503 with a page that says so, or JSON under /api/. Anything else is Django's 500.

    Django calls this while the exception is being handled, so ``sys.exc_info()`` holds it, also
    when a middleware raised it (the session loaded or saved without a database).
    """
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": "Service temporarily unavailable, please retry later."}, status=503
        )
    else:
        # Plain and read from disk, as 500.html: no context processor may ask the database.
        response = defaults.server_error(request, template_name="503.html")
        response.status_code = 503
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    # Browsers ask for /favicon.ico whatever the page says; answer with the one icon, not a 404.
    return HttpResponsePermanentRedirect(static("lotse/favicon.svg"))


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /app/",
        "Disallow: /accounts/",
        "Disallow: /cms-admin/",
        "Disallow: /django-admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


def _local_path(next_url: str, request: HttpRequest) -> str:
    """Path and query of ``next_url`` if it points into this site, else the home page."""
    if len(next_url) > 1000 or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    parts = urlsplit(next_url)
    if not parts.path.startswith("/"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def path_in_language(path: str, code: str) -> str:
    """``path`` (with query) in language ``code``: every leading language prefix removed, then the
    target's prefix added — none for German, the unprefixed default (prefix_default_language=False).

    Django's own set_language resolves ``next`` in the language of the switch request rather than
    the page's, so from /uk/… it built /ar/uk/… or kept /uk/ when Deutsch was chosen (issue 13).
    Swapping the prefix does not depend on the resolver and keeps the query string.
    """
    path, _sep, query = path.partition("?")
    segments = path.lstrip("/").split("/")
    codes = _language_codes()
    while segments and segments[0] in codes:
        segments.pop(0)
    rest = "/".join(segments)
    prefix = "" if code == settings.LANGUAGE_CODE else f"/{code}"
    return f"{prefix}/{rest}" + (f"?{query}" if query else "")


@require_POST
def set_language(request: HttpRequest) -> HttpResponseRedirect:
    """The header's language switcher: back to the same page in the chosen language, and the
    choice remembered in the language cookie (unprefixed pages stay German by design) and, for a
    signed-in user, on the account, so that mails to them are written in it too."""
    next_url = request.POST.get("next") or request.headers.get("referer") or "/"
    path = _local_path(next_url, request)
    code = request.POST.get("language", "")
    if code not in _language_codes() or not check_for_language(code):
        return HttpResponseRedirect(path)
    response = HttpResponseRedirect(path_in_language(path, code))
    if request.user.is_authenticated:
        user_set_preferred_language(user=request.user, language=code)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
