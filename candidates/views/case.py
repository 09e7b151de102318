"""The case page and its integration plan (goals, steps, notes)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_STAFF, Role
from inputs.fields_html import COPY, form_html
from inputs.forms import errors_to_form, post_or_back_to
from organisations import access
from organisations.decorators import role_required
from organisations.kept_page import Keep, kept_page

from .. import forms, selectors, services
from ..models import Candidate


@role_required([*CASE_STAFF, Role.COORDINATOR])
def case_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    if request.method != "POST":
        # Drawn again only when something it shows changed (organisations.kept_page). The access
        # check is one of the drawing's reads: a case no longer readable is drawn, and refused, anew.
        return kept_page(
            request,
            name="candidates.case_detail",
            draw=lambda keep: _case_page(
                request, selectors.case_file(user=request.user, pk=case_pk), keep=keep
            ),
        )
    file = selectors.case_file(user=request.user, pk=case_pk)
    case = file.case
    if not file.editable:
        raise PermissionDenied
    form = forms.CaseForm(request.POST, case=case)
    if form.is_valid():
        services.case_update(case=case, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Fall gespeichert."))
        return redirect("candidates:case_detail", case_pk=case.pk)
    return _case_page(request, file, form=form)


# The plan's forms on the case page, each with ids of its own: the goal's and the step's title
# field would otherwise both be ``id_title``, and every goal's step form would repeat them, so a
# label (and a screen reader) found the first such field on the page, not its own.
PLAN_FORM_IDS = {"goal_form": "id_goal_%s", "step_form": f"id_step{COPY}_%s", "note_form": "id_note_%s"}


def _plan_form(slot: str, form_class, data=None, *, goal_pk: int | None = None):
    ids = PLAN_FORM_IDS[slot]
    return form_class(data, auto_id=ids if goal_pk is None else ids.replace(COPY, str(goal_pk)))


def _case_page(
    request: HttpRequest,
    file,
    *,
    form=None,
    posted: dict | None = None,
    status: int = 200,
    keep: Keep | None = None,
) -> HttpResponse:
    """The case page. ``posted`` holds a plan form sent with errors (``{"note_form": form}``, with
    ``step_goal`` for a step): it is drawn in its place with the person's input and what is wrong.
    ``keep``: the page may be kept (organisations.kept_page); its read is audited on every serve."""
    case = file.case
    can_edit = file.editable
    (keep or Keep(request)).every_time(
        services.candidate_audit_view,
        # Only what the entry names: a kept page holds these, not the person's data, in memory.
        candidate=Candidate(pk=case.candidate_id, municipality_id=case.candidate.municipality_id),
        fields=["case", "appointments"] if file.full else ["case_metadata"],
    )
    plan_forms = {}
    if can_edit:  # a reader who may not change the case is shown no form
        plan_forms = {
            "goal_form": _plan_form("goal_form", forms.GoalForm),
            "note_form": _plan_form("note_form", forms.NoteForm),
            # drawn once (when there is a goal) and given each goal's ids in the template (form_copy)
            "step_fields": form_html(_plan_form("step_form", forms.StepForm)) if file.goals else "",
            **(posted or {}),
        }
    return render(
        request,
        "candidates/case_detail.html",
        {
            "case": case,
            "file": file,
            "form": form or forms.CaseForm(case=case),
            "can_edit": can_edit,
            "goals": file.goals,
            "notes": file.notes,
            **plan_forms,
            "goal_statuses": forms.GoalStatus.choices,
            "step_statuses": forms.StepStatus.choices,
            **_assessment_summary(request, case, file.full),
            "appointments": selectors.case_appointments(user=request.user, case=case, readable=file.full),
            **_closure_summary(request, case),
            **_immigration_summary(request, case, file.full, editable=can_edit),
        },
        status=status,
    )


def can_edit_permit(request: HttpRequest, case, editable: bool | None = None) -> bool:
    return (
        case.is_open
        and access.has_role(user=request.user, roles=CASE_STAFF)
        and (
            editable
            if editable is not None
            else selectors.may_edit_candidate(user=request.user, pk=case.candidate_id)
        )
    )


def _immigration_summary(request: HttpRequest, case, full: bool, editable: bool) -> dict:
    """The case page's questions to the Ausländerbehörde (issue 14 §3), for readers of the full file."""
    if not full:
        return {}
    return {
        "immigration_questions": selectors.case_immigration_questions(case=case),
        "work_permit_procedures": selectors.case_work_permit_procedures(case=case),
        "permit_outstanding": selectors.permit_decision_outstanding(candidate=case.candidate),
        "can_edit_permit": can_edit_permit(request, case, editable),
        "case_qualifications": selectors.case_qualifications(case=case),
        "may_ask_immigration_office": selectors.may_ask_immigration_office(
            user=request.user, case=case, editable=editable
        ),
    }


def _closure_summary(request: HttpRequest, case) -> dict:
    """The case page's phase history and, for a closed case, its closing reason (issue 14 §4)."""
    summary = {"history": selectors.phase_history(case=case)}
    if not case.is_open:
        summary["evaluation"] = selectors.current_evaluation(case=case)
        summary["may_see_closure"] = access.has_role(
            user=request.user, roles=CASE_STAFF, organisation_id=case.responsible_organisation_id
        )
    return summary


def _assessment_summary(request: HttpRequest, case, full: bool) -> dict:
    """The case page's assessment line: date and number of open needs (as this reader may see them)."""
    if not full:
        return {}
    assessment = selectors.assessment_latest(case=case)
    return {
        "assessment": assessment,
        "assessment_open": len(selectors.open_needs(user=request.user, case=case, latest=assessment))
        if assessment
        else 0,
        "may_assess": selectors.may_read_special_categories(user=request.user, case=case),
    }


def _case_post(
    request: HttpRequest,
    case_pk: int,
    form_class,
    act,
    *,
    slot: str | None = None,
    goal_pk: int | None = None,
) -> HttpResponse:
    """The case page's small forms (the views that call it are ``role_required(CASE_STAFF)``). A plan
    form (``slot``: a goal, a step, a note) sent with errors comes back on the case page with the
    person's input; the status forms (a choice, nothing typed) go back with a message."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    form = (
        form_class(request.POST)
        if slot is None
        else _plan_form(slot, form_class, request.POST, goal_pk=goal_pk)
    )
    if form.is_valid():
        try:
            act(case, form.cleaned_data)
        except ValidationError as error:
            if slot is None:
                messages.error(request, " ".join(error.messages))
                return redirect("candidates:case_detail", case_pk=case.pk)
            errors_to_form(form, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("candidates:case_detail", case_pk=case.pk)
    elif slot is None:
        messages.error(
            request,
            _("Bitte prüfen Sie Ihre Eingaben: ")
            + "; ".join(
                f"{form.fields[name].label or name}: {' '.join(errs)}"
                for name, errs in form.errors.items()
                if name in form.fields
            ),
        )
        return redirect("candidates:case_detail", case_pk=case.pk)
    # at the top of the page too: the form may sit several goals down
    messages.error(request, _("Bitte prüfen Sie Ihre Eingaben."))
    file = selectors.case_file(user=request.user, pk=case.pk)
    return _case_page(request, file, posted={slot: form, "step_goal": goal_pk}, status=400)


@role_required(CASE_STAFF)
@post_or_back_to("candidates:case_detail", "case_pk")
def goal_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _case_post(
        request,
        case_pk,
        forms.GoalForm,
        lambda case, d: services.goal_add(case=case, actor=request.user, title_lang=get_language(), **d),
        slot="goal_form",
    )


@role_required(CASE_STAFF)
@require_POST
def goal_status(request: HttpRequest, case_pk: int, goal_pk: int) -> HttpResponse:
    def act(case, d):
        goal = selectors.case_goal_get(case=case, pk=goal_pk)
        services.goal_set_status(goal=goal, actor=request.user, status=d["status"])

    return _case_post(request, case_pk, forms.GoalStatusForm, act)


@role_required(CASE_STAFF)
@post_or_back_to("candidates:case_detail", "case_pk")
def step_add(request: HttpRequest, case_pk: int, goal_pk: int) -> HttpResponse:
    # a goal of another case (or gone) is a 404 before the form is read: its errors would have no
    # goal on the page to be shown under
    goal = selectors.case_goal_get(
        case=selectors.case_get(user=request.user, pk=case_pk, for_edit=True), pk=goal_pk
    )

    def act(case, d):
        services.step_add(goal=goal, actor=request.user, title_lang=get_language(), **d)

    return _case_post(request, case_pk, forms.StepForm, act, slot="step_form", goal_pk=goal_pk)


@role_required(CASE_STAFF)
@require_POST
def step_status(request: HttpRequest, case_pk: int, step_pk: int) -> HttpResponse:
    def act(case, d):
        step = selectors.case_step_get(case=case, pk=step_pk)
        services.step_set_status(step=step, actor=request.user, status=d["status"])

    return _case_post(request, case_pk, forms.StepStatusForm, act)


@role_required(CASE_STAFF)
@post_or_back_to("candidates:case_detail", "case_pk")
def note_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _case_post(
        request,
        case_pk,
        forms.NoteForm,
        lambda case, d: services.note_add(case=case, actor=request.user, **d),
        slot="note_form",
    )
