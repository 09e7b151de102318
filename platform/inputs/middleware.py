"""Refuse unstorable input in one place, before any view (or the database) sees it.

PostgreSQL cannot store a NUL character in text, and a lone surrogate cannot be encoded at all;
either one reaching a query or a save used to answer 500. Rather than teach every form and filter,
this middleware answers 400 with a short German page for any path, query or form parameter (names
included) that carries one, and for over-long query parameters; a cookie that carries one is dropped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.html import escape
from django.utils.translation import gettext as _

# NUL and the surrogate range: neither can be stored (PostgreSQL text, UTF-8).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A query parameter is a search word, an id or a URI; nothing on the site needs more. (Form fields
# posted in the body keep their own max_length with a form error.)
MAX_QUERY_VALUE = 2000
MAX_PATH = 2000


def _values(pairs: Iterable[tuple[str, list[str]]]) -> Iterable[str]:
    for key, values in pairs:
        yield key
        yield from values


def unstorable_reason(request: HttpRequest) -> str | None:
    """Why this request cannot be served, or None. (Request parts are read, never changed.)"""
    if len(request.path) > MAX_PATH:
        return "path too long"
    if UNSTORABLE.search(request.path) or UNSTORABLE.search(request.path_info):
        return "unstorable character in path"
    for value in _values(request.GET.lists()):
        if UNSTORABLE.search(value):
            return "unstorable character in query"
        if len(value) > MAX_QUERY_VALUE:
            return "query parameter too long"
    if request.method == "POST":
        for value in _values(request.POST.lists()):
            if UNSTORABLE.search(value):
                return "unstorable character in form"
        for name in _values((key, [f.name for f in files]) for key, files in request.FILES.lists()):
            if UNSTORABLE.search(name or ""):
                return "unstorable character in file name"
    return None


def bad_input_page() -> HttpResponse:
    """A small page of its own: no template, no session, no database — nothing that could fail again."""
    title = escape(_("Ungültige Eingabe"))
    text = escape(
        _(
            "Ihre Anfrage enthält Zeichen, die wir nicht speichern können (zum Beispiel ein Nullzeichen), "
            "oder eine zu lange Angabe. Bitte gehen Sie zurück und prüfen Sie Ihre Eingabe."
        )
    )
    back = escape(_("Zur Startseite"))
    html = (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title} – Lotse</title></head>'
        f'<body><main><h1>{title}</h1><p>{text}</p><p><a href="/">{back}</a></p></main></body></html>'
    )
    return HttpResponseBadRequest(html, content_type="text/html; charset=utf-8")


def bad_input_problem() -> HttpResponse:
    """The same refusal for the API (/api/): RFC 9457 problem details, as every API error is."""
    body = json.dumps(
        {
            "type": "urn:lotse:api:problem:invalid-input",
            "title": "Bad Request",
            "status": 400,
            "detail": _(
                "Die Anfrage enthält Zeichen, die wir nicht speichern können, oder eine zu lange Angabe."
            ),
            "errors": [{"pointer": "#", "detail": _("Nullzeichen, Ersatzzeichen oder zu lange Angabe.")}],
        },
        ensure_ascii=False,
    )
    return HttpResponseBadRequest(body, content_type="application/problem+json")


class UnstorableInputMiddleware:
    """400 for requests that carry input no page can store or query with."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A cookie can be planted (from a sibling subdomain): refusing it would lock the person out
        # of every page, so an unusable cookie is dropped and the request goes on without it.
        for name, value in list(request.COOKIES.items()):
            if UNSTORABLE.search(name) or UNSTORABLE.search(value):
                del request.COOKIES[name]
        if unstorable_reason(request) is not None:
            return bad_input_problem() if request.path_info.startswith("/api/") else bad_input_page()
        return self.get_response(request)
