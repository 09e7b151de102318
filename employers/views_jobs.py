"""Views for the "jobs for me" direction (kept apart from the employer-facing views): the
candidate's "Stellen für mich" with "interessiert mich", the case manager's "Passende Stellen"
with "vorschlagen" (issue 12, journeys 3 and 4)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from candidates.models import Candidate, WorkPermission
from candidates.selectors import in_caseload
from inputs.forms import errors_to_form
from privacy.models import AuditEntry
from privacy.services import audit_record

from . import services
from .forms import JobsFilterForm, ProposeForm
from .jobs import candidate_for_jobs, jobs_for_candidate, open_placement_get


@require_GET
@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_jobs(user=request.user, pk=None)
    form, pager_query = _jobs_filter(request, candidate)
    rows = jobs_for_candidate(candidate=candidate, page=request.GET.get("seite", 1), max_km=form.max_km())
    return render(
        request,
        "employers/jobs_for_candidate.html",
        {
            "rows": rows,
            "own": True,
            "permit_open": candidate.work_permission == WorkPermission.UNKNOWN,
            "form": form,
            "pager_query": pager_query,
        },
    )


def _jobs_filter(request: HttpRequest, candidate: Candidate) -> tuple[JobsFilterForm, str]:
    """The distance filter (bound only when sent) and the query the pager's links keep."""
    sent = request.GET.get("radius", "")
    form = JobsFilterForm({"radius": sent} if sent else None, postcode=candidate.postcode)
    return form, urlencode({"radius": sent}) if sent else ""


@require_POST
@login_required
def job_interest(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Interessiert mich" (or, with ``withdraw``, taking it back) on one of the person's own jobs."""
    candidate = candidate_for_jobs(user=request.user, pk=None)
    placement = open_placement_get(candidate=candidate, pk=pk)
    if request.POST.get("withdraw"):
        services.job_interest_withdraw(candidate=candidate, placement=placement, actor=request.user)
        messages.success(request, _("Sie haben Ihr Interesse zurückgezogen."))
    else:
        services.job_interest_register(candidate=candidate, placement=placement, actor=request.user)
        messages.success(request, _("Ihr Interesse ist gemeldet. Ihr Case Management meldet sich bei Ihnen."))
    page, radius = request.POST.get("seite", ""), request.POST.get("radius", "")
    # A page number and a distance, never long ones: Django refuses redirects over 2,048 characters
    # with a 400, and the interest above is already written.
    kept = {
        name: value
        for name, value in (("radius", radius), ("seite", page))
        if value.isdigit() and len(value) <= 6
    }
    query = f"?{urlencode(kept)}" if kept else ""
    return redirect(f"{reverse('employers:my_jobs')}{query}#job-{placement.pk}")


def _candidate_jobs_page(
    request: HttpRequest,
    candidate: Candidate,
    *,
    failed: tuple[int, ProposeForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    form, pager_query = _jobs_filter(request, candidate)
    rows = jobs_for_candidate(candidate=candidate, page=request.GET.get("seite", 1), max_km=form.max_km())
    return render(
        request,
        "employers/jobs_for_candidate.html",
        {
            "rows": rows,
            "own": False,
            "form": form,
            "pager_query": pager_query,
            "candidate": candidate,
            "permit_open": candidate.work_permission == WorkPermission.UNKNOWN,
            "can_propose": in_caseload(user=request.user, candidate=candidate),
            "failed_pk": failed[0] if failed else None,
            "failed_form": failed[1] if failed else None,
        },
        status=status,
    )


@require_GET
@login_required
def candidate_jobs(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_for_jobs(user=request.user, pk=pk)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.VIEW,
        record=candidate,
        municipality_id=candidate.municipality_id,
        fields=["skills", "languages", "postcode"],
        note="jobs",
    )
    return _candidate_jobs_page(request, candidate)


@require_POST
@login_required
def propose(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    """The case manager proposes the person to a placement after recording their agreement."""
    candidate = candidate_for_jobs(user=request.user, pk=pk)
    if not in_caseload(user=request.user, candidate=candidate):
        raise PermissionDenied
    placement = open_placement_get(candidate=candidate, pk=placement_pk)
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            services.introduction_propose(
                placement=placement,
                candidate=candidate,
                actor=request.user,
                agreed=form.cleaned_data["agreed"],
                paper_form_reference=form.cleaned_data["paper_form_reference"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Vorgeschlagen. Der Betrieb sieht den Vorschlag mit seiner Erklärung.")
            )
            return redirect(f"{reverse('employers:candidate_jobs', args=[candidate.pk])}#job-{placement.pk}")
    return _candidate_jobs_page(request, candidate, failed=(placement.pk, form), status=400)
