from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_GET, require_POST


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "eager_tasks": settings.CELERY_TASK_ALWAYS_EAGER})


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
    if not url_has_allowed_host_and_scheme(
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
    choice remembered in the language cookie (unprefixed pages stay German by design)."""
    next_url = request.POST.get("next") or request.headers.get("referer") or "/"
    path = _local_path(next_url, request)
    code = request.POST.get("language", "")
    if code not in _language_codes() or not check_for_language(code):
        return HttpResponseRedirect(path)
    response = HttpResponseRedirect(path_in_language(path, code))
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
