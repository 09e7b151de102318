"""The Clearingstelle (questions to the Ausländerbehörde), the work permission and the recognition procedures (issue 14 §3)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF
from inputs.forms import errors_to_form, save_form
from organisations.decorators import role_required

from .. import forms, selectors, services


@role_required(CASE_STAFF)
def immigration_question_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Case staff ask their municipality's Ausländerbehörde a question about the person."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    if not selectors.may_ask_immigration_office(user=request.user, case=case):
        raise PermissionDenied
    offices = selectors.immigration_offices(municipality_id=case.municipality_id)
    form = forms.ImmigrationQuestionForm(request.POST or None, offices=offices)
    if save_form(
        request,
        form,
        lambda _data: services.immigration_question_ask(case=case, actor=request.user, **form.service_data()),
    ):
        messages.success(request, _("Die Frage ist an die Ausländerbehörde gegangen."))
        return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#abh")
    return render(
        request,
        "candidates/immigration_question_form.html",
        {"case": case, "form": form, "offices": offices},
        status=400 if request.method == "POST" else 200,
    )


def _require_office(request: HttpRequest) -> None:
    if not selectors.office_member_ids(user=request.user):
        raise PermissionDenied


@login_required
def office_question_list(request: HttpRequest) -> HttpResponse:
    """The Ausländerbehörde's list: only the questions addressed to its office."""
    _require_office(request)
    questions = list(selectors.office_questions(user=request.user))
    services.immigration_questions_audit_view(actor=request.user, questions=questions)
    return render(
        request,
        "candidates/office_question_list.html",
        {"questions": questions, "today": timezone.localdate()},
    )


@login_required
def office_question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One question and the answer form; the answer goes back to the member of staff who asked."""
    _require_office(request)
    question = selectors.office_question_get(user=request.user, pk=pk)
    form = forms.ImmigrationAnswerForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.immigration_question_answer(
            question=question, actor=request.user, answer=data["answer"]
        ),
    ):
        messages.success(request, _("Die Antwort ist gesendet."))
        return redirect("candidates:office_question_list")
    services.immigration_questions_audit_view(actor=request.user, questions=[question], detail=True)
    return render(
        request,
        "candidates/office_question_detail.html",
        {"question": question, "form": form, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


@role_required(CASE_STAFF)
def work_permit_procedure(request: HttpRequest, case_pk: int, pk: int | None = None) -> HttpResponse:
    """Record (or, with ``pk``, update) the work permission procedure of a case."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    procedure = selectors.work_permit_procedure_get(case=case, pk=pk) if pk else None
    form = forms.WorkPermitProcedureForm(request.POST or None, instance=procedure)
    if save_form(
        request,
        form,
        lambda data: services.work_permit_procedure_save(
            case=case, actor=request.user, procedure=procedure, **data
        ),
    ):
        messages.success(request, _("Das Verfahren zur Beschäftigungserlaubnis ist gespeichert."))
        return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#erlaubnis")
    return render(
        request,
        "candidates/work_permit_form.html",
        {"case": case, "form": form, "procedure": procedure},
        status=400 if request.method == "POST" else 200,
    )


@role_required(CASE_STAFF)
def recognition_procedure(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    """Record the recognition procedure (Anerkennung) of one of the case's qualifications."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    if not case.is_open:
        raise PermissionDenied
    qualification = selectors.case_qualification_get(case=case, pk=pk)
    form = forms.RecognitionProcedureForm(request.POST or None, instance=qualification)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in services.RECOGNITION_FIELDS}
        data["recognition_authority"] = data["recognition_authority"] or ""
        data["adaptation_training"] = data["adaptation_training"] or ""
        data["adaptation_provider"] = data["adaptation_provider"] or ""
        data["adaptation_funding"] = data["adaptation_funding"] or ""
        try:
            services.recognition_procedure_save(
                qualification=selectors.case_qualification_get(case=case, pk=pk), actor=request.user, **data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Das Anerkennungsverfahren ist gespeichert."))
            return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#anerkennung")
    return render(
        request,
        "candidates/recognition_form.html",
        {"case": case, "form": form, "qualification": qualification},
        status=400 if request.method == "POST" else 200,
    )
