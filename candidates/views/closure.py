"""Closing a case with an evaluation, its follow-up and reopening (issue 14 §4)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_STAFF
from inputs.forms import save_form
from organisations.decorators import role_required

from .. import forms, selectors, services

# A case closes only through its evaluation (reason, goals reached, the six-month question for an
# employment). Closed, it leaves the caseload: its staff keep the closing page to answer the
# follow-up and to reopen it.


@role_required(CASE_STAFF)
def case_close(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    if not case.is_open:
        return redirect("candidates:case_closure", case_pk=case.pk)
    form = forms.CaseCloseForm(request.POST or None, case=case)
    if save_form(request, form, lambda data: services.case_close(case=case, actor=request.user, **data)):
        messages.success(request, _("Fall abgeschlossen."))
        return redirect("candidates:case_closure", case_pk=case.pk)
    if request.method == "GET":
        services.candidate_audit_view(candidate=case.candidate, actor=request.user, fields=["case"])
    return render(request, "candidates/case_close.html", {"case": case, "form": form})


def _closure_page(request: HttpRequest, case, *, follow_up_form=None, reopen_form=None, status=200):
    evaluations = selectors.case_evaluations(case=case)
    current = next((e for e in evaluations if e.reopened_at is None), None)
    services.candidate_audit_view(candidate=case.candidate, actor=request.user, fields=["case.evaluation"])
    return render(
        request,
        "candidates/case_closure.html",
        {
            "case": case,
            "evaluations": evaluations,
            "current": current,
            "earlier": [e for e in evaluations if e.reopened_at is not None],
            "history": selectors.phase_history(case=case),
            "follow_up_form": follow_up_form or forms.FollowUpAnswerForm(),
            "reopen_form": reopen_form or forms.CaseReopenForm(),
        },
        status=status,
    )


@role_required(CASE_STAFF)
def case_closure(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.closed_case_get(user=request.user, pk=case_pk, for_edit=True)
    return _closure_page(request, case)


@role_required(CASE_STAFF)
@require_POST
def closure_follow_up(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.closed_case_get(user=request.user, pk=case_pk, for_edit=True)
    current = selectors.current_evaluation(case=case)
    if current is None or current.follow_up_due is None:
        raise Http404
    form = forms.FollowUpAnswerForm(request.POST)
    if save_form(
        request,
        form,
        lambda data: services.closure_follow_up_answer(evaluation=current, actor=request.user, **data),
    ):
        messages.success(request, _("Antwort gespeichert."))
        return redirect("candidates:case_closure", case_pk=case.pk)
    return _closure_page(request, case, follow_up_form=form)


@role_required(CASE_STAFF)
@require_POST
def case_reopen(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.closed_case_get(user=request.user, pk=case_pk, for_edit=True)
    form = forms.CaseReopenForm(request.POST)
    if save_form(request, form, lambda data: services.case_reopen(case=case, actor=request.user, **data)):
        messages.success(request, _("Fall wieder eröffnet."))
        return redirect("candidates:case_detail", case_pk=case.pk)
    return _closure_page(request, case, reopen_form=form)
