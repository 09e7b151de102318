"""Views for the "jobs for me" direction (kept apart from the employer-facing views)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacy.models import AuditEntry
from privacy.services import audit_record

from .jobs import candidate_for_jobs, jobs_for_candidate


@require_GET
@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    candidate = candidate_for_jobs(user=request.user, pk=None)
    rows = jobs_for_candidate(candidate=candidate, page=request.GET.get("seite", 1))
    return render(request, "employers/jobs_for_candidate.html", {"rows": rows, "own": True})


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
    rows = jobs_for_candidate(candidate=candidate, page=request.GET.get("seite", 1))
    return render(
        request, "employers/jobs_for_candidate.html", {"rows": rows, "own": False, "candidate": candidate}
    )
