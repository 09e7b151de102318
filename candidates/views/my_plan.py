"""The plan in self-service (issue 22)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import forms, selectors, services
from ..models import (
    Step,
)
from ._common import own

# The person's goals and steps in her language: staff's free text as written (marked with its
# language), the catalogue words translated. She ticks her own steps, adds her own, comments, and
# answers her tasks; every change lands in the step's history and in the case manager's inbox.


def _own_plan(request: HttpRequest) -> selectors.OwnPlan:
    return own(request, selectors.own_plan)


def _own_step(request: HttpRequest, step_pk: int) -> Step:
    _own_plan(request)
    return selectors.own_step_get(user=request.user, pk=step_pk)


@login_required
def my_plan(request: HttpRequest) -> HttpResponse:
    plan = _own_plan(request)
    services.candidate_audit_view(
        candidate=plan.candidate,
        actor=request.user,
        fields=["case.goals", "case.steps", "appointments"],
        note="self-service",
    )
    return render(
        request,
        "candidates/my_plan.html",
        {
            "plan": plan,
            "today": timezone.localdate(),
            "appointments": selectors.own_appointments(user=request.user),
        },
    )


@login_required
@require_POST
def my_step_tick(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = _own_step(request, step_pk)
    if not step.candidate_may_tick:
        raise PermissionDenied  # she sees it, but a staff member does it
    done = request.POST.get("done", "1") != "0"
    services.own_step_tick(step=step, actor=request.user, done=done)
    messages.success(request, _("Erledigt. Danke!") if done else _("Der Schritt ist wieder offen."))
    if request.POST.get("back") == "step":
        return redirect("candidates:my_step", step_pk=step.pk)
    return redirect("candidates:my_plan")


@login_required
def my_step(request: HttpRequest, step_pk: int) -> HttpResponse:
    step = _own_step(request, step_pk)
    which = request.POST.get("form") if request.method == "POST" else None
    comment_form = forms.StepCommentForm(request.POST if which == "comment" else None)
    answer_form = forms.TaskAnswerForm(request.POST if which == "answer" else None)
    may_answer = step.candidate_may_tick and step.status == "open"
    if which == "comment":
        if comment_form.is_valid():
            services.step_comment(
                step=step,
                actor=request.user,
                text=comment_form.cleaned_data["text"],
                text_lang=get_language(),
                submission_key=comment_form.cleaned_data["submission_key"],
            )
            messages.success(request, _("Ihr Kommentar ist gespeichert."))
            return redirect("candidates:my_step", step_pk=step.pk)
    elif which == "answer":
        if not may_answer:
            raise PermissionDenied
        if answer_form.is_valid():
            services.task_answer(
                step=step,
                actor=request.user,
                answer=answer_form.cleaned_data["answer"],
                text=answer_form.cleaned_data["text"],
                text_lang=get_language(),
            )
            messages.success(request, _("Danke für Ihre Antwort. Ihre Fachkraft sieht sie jetzt."))
            # Back to her task list (a fragment of its own: the browser would keep "#answer").
            return redirect(reverse("candidates:my_plan") + "#tasks")
    elif which is not None:
        raise Http404
    if request.method == "GET":
        services.candidate_audit_view(
            candidate=step.goal.case.candidate, actor=request.user, fields=["case.steps"], note="self-service"
        )
    return render(
        request,
        "candidates/my_step.html",
        {"step": step, "comment_form": comment_form, "answer_form": answer_form, "may_answer": may_answer},
    )


@login_required
def my_step_add(request: HttpRequest, goal_pk: int) -> HttpResponse:
    _own_plan(request)
    goal = selectors.own_goal_get(user=request.user, pk=goal_pk)
    form = forms.OwnStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_add(
                goal=goal,
                actor=request.user,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                submission_key=form.cleaned_data["submission_key"],
                title_lang=get_language(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ihr Schritt steht jetzt in Ihrem Plan."))
            return redirect("candidates:my_plan")
    return render(request, "candidates/my_step_add.html", {"goal": goal, "form": form})
