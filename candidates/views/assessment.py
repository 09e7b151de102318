"""The life-domain assessment (issue 14)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from inputs.forms import save_form
from organisations.decorators import role_required

from .. import forms, selectors, services


@role_required([*CASE_STAFF, Role.COORDINATOR])
def assessment_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The latest assessment and every earlier version; the Art. 9 domains only for the
    responsible organisation's case staff (filtered in the selector). Each read is audited."""
    case = selectors.assessment_case_get(user=request.user, pk=case_pk)
    special = selectors.may_read_special_categories(user=request.user, case=case)
    versions = selectors.assessment_history(user=request.user, case=case)
    if versions:
        services.assessment_audit_view(case=case, actor=request.user, special=special)
    return render(
        request,
        "candidates/assessment_detail.html",
        {"case": case, "versions": versions, "may_assess": special},
    )


@role_required(CASE_STAFF)
def assessment_edit(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The one-page assessment form; saving adds a new dated version."""
    case = selectors.assessment_case_get(user=request.user, pk=case_pk, for_edit=True)
    latest = selectors.assessment_latest(case=case)
    form = forms.AssessmentForm(request.POST or None, latest=latest)
    if save_form(
        request,
        form,
        lambda data: services.assessment_create(
            case=case,
            actor=request.user,
            entries=form.entries(),
            assessed_on=data["assessed_on"],
            submission_key=data["submission_key"],
        ),
    ):
        messages.success(request, _("Einschätzung gespeichert."))
        return redirect("coaching:assessment_proposals", case_pk=case.pk)
    if latest is not None and request.method == "GET":
        services.assessment_audit_view(case=case, actor=request.user, special=True)
    return render(request, "candidates/assessment_form.html", {"case": case, "form": form, "latest": latest})
