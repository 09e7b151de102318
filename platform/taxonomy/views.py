"""HTMX autocomplete for ESCO occupations and skills.

ESCO is public reference data without personal data, so a login is all these views ask for.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from taxonomy.selectors import MIN_QUERY_LENGTH, search_occupations, search_skills

MAX_QUERY_LENGTH = 100
SUGGESTION_LIMIT = 10


def _suggestions(request: HttpRequest, search, kind: str) -> HttpResponse:
    # The browse filter names its skill field "skill_q" ("q" is the occupation's); htmx sends the
    # field under its own name, since a "js:" hx-vals would need eval (forbidden by the CSP).
    query = (request.GET.get("q") or request.GET.get("skill_q", "")).strip()[:MAX_QUERY_LENGTH]
    searched = len(query) >= MIN_QUERY_LENGTH
    results = search(query=query, limit=SUGGESTION_LIMIT, language=get_language() or "de") if searched else []
    return render(
        request,
        "taxonomy/_suggestions.html",
        {"results": results, "query": query, "searched": searched, "kind": kind},
    )


@require_GET
@login_required
def occupation_search(request: HttpRequest) -> HttpResponse:
    return _suggestions(request, search_occupations, "occupation")


@require_GET
@login_required
def skill_search(request: HttpRequest) -> HttpResponse:
    return _suggestions(request, search_skills, "skill")
