"""Views of "Weg zum Zielberuf" (issue 20): thin — check the role, let the case selector scope (or
404), call the selector or service, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_STAFF
from candidates import selectors as candidate_selectors
from organisations.decorators import role_required
from taxonomy.selectors import MIN_QUERY_LENGTH, search_occupations

from . import pathway_selectors as sel
from . import pathway_services
from . import services as coaching_services

SEARCH_LIMIT = 10


@role_required(CASE_STAFF)
def pathway(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Pick a target occupation (proposed ones, or search by label) and see what is missing, which
    local offers teach it, and what the person already has (named or inferred)."""
    case = candidate_selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    chosen = (request.GET.get("target") or "").strip()[:255]
    query = (request.GET.get("q") or "").strip()[:200]
    context: dict = {"case": case, "query": query, "target_value": chosen, "error": ""}
    status = 200
    view = None
    if chosen:
        try:
            view = sel.pathway_view(case=case, target=sel.target_from(value=chosen))
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
            status = 400
    elif query:
        if len(query) >= MIN_QUERY_LENGTH:
            context["hits"] = search_occupations(
                query=query, limit=SEARCH_LIMIT, language=get_language() or "de"
            )
        else:
            context["error"] = _("Bitte mindestens zwei Zeichen eingeben.")
            status = 400
    context["view"] = view
    context["error_list"] = [context["error"]] if context["error"] else []
    context["proposals"] = sel.proposals(case=case)
    coaching_services.audit_view(
        actor=request.user, candidate=case.candidate, fields=["skills", "occupations"]
    )
    return render(request, "coaching/pathway.html", context, status=status)


@role_required(CASE_STAFF)
@require_POST
def pathway_goal(request: HttpRequest, case_pk: int) -> HttpResponse:
    """One part of the pathway (a group of missing skills or an offer) becomes a goal of the plan."""
    case = candidate_selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    target_value = (request.POST.get("target") or "").strip()[:255]
    part = (request.POST.get("part") or "").strip()[:64]
    try:
        target = sel.target_from(value=target_value)
        _goal, created = pathway_services.pathway_goal_add(
            case=case, actor=request.user, target=target, part=part
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(request, _("Ziel in den Integrationsplan übernommen."))
        else:
            messages.info(request, _("Dieses Ziel steht schon im Integrationsplan."))
    url = reverse("coaching:pathway", kwargs={"case_pk": case.pk})
    return redirect(f"{url}?{urlencode({'target': target_value})}" if target_value else url)


@login_required
def my_pathway(request: HttpRequest) -> HttpResponse:
    """The candidate's own pathway (issue 20), in their language: what I can do, what is missing for
    an occupation one step up, and where I can learn it nearby. Read-only: goals are agreed with the
    case staff."""
    if not getattr(request.user, "is_candidate", False):
        raise PermissionDenied
    case = candidate_selectors.own_open_case(user=request.user)
    context: dict = {"case": case, "view": None, "proposals": [], "error": ""}
    status = 200
    if case is not None:
        context["proposals"] = sel.proposals(case=case)
        chosen = (request.GET.get("target") or "").strip()[:255]
        if not chosen and context["proposals"]:
            chosen = context["proposals"][0].occupation.uri
        if chosen:
            try:
                context["view"] = sel.pathway_view(case=case, target=sel.target_from(value=chosen))
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
                status = 400
    return render(request, "coaching/my_pathway.html", context, status=status)
