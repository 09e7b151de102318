"""Views of the coaching app: thin — parse, check access, call a service, render.

Anonymous → login; a role that may never use a page → 403; an object outside the user's scope → 404.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_READERS, CASE_STAFF, CASE_STAFF_AND_COORDINATOR, Role
from candidates import selectors as candidate_selectors
from candidates import services as candidate_services
from employers import services as employer_services
from inputs.forms import errors_to_form, post_or_back_to, save_form
from organisations import access
from organisations.decorators import role_required
from organisations.kept_page import kept_page
from organisations.models import Organisation

from . import (
    directory_selectors,
    directory_services,
    forms,
    hsds,
    pathway_selectors,
    selectors,
    services,
    throttle,
)
from .models import (
    LanguageArea,
    LanguageMeasure,
    Referral,
)
from .pages import form_page
from .referral_services import referral_answer_link

# --- home and caseload -------------------------------------------------------------------------------


# The caseload table (150 lines for a busy coach, most of the page's CPU) is cached as rendered HTML
# in the worker's own memory (the "process" cache: personal names never go to Redis)
# under a hash of everything it is drawn from: its rows, the language, the URLs and the template.
# Any change to a line gives a new key, so a stale table is never served.
_HOME_HASH = hashlib.sha256((Path(__file__).parent / "templates/coaching/home.html").read_bytes()).hexdigest()


def _fragment_key(rows: list, *drawn_with: Any) -> str:
    """The key of a home page fragment kept per worker: a hash of exactly what it is drawn from (the
    rows read live on this request, what else it shows, the language, the template)."""
    return hashlib.sha256(repr((rows, drawn_with, get_language(), _HOME_HASH)).encode()).hexdigest()


def _employment_line(employment) -> str:
    """The line under the title of an employment's forms."""
    return _("Beschäftigung bei {employer} seit {start}").format(
        employer=employment.employer, start=employment.start_date.strftime("%d.%m.%Y")
    )


@role_required(CASE_STAFF_AND_COORDINATOR)
def home(request: HttpRequest) -> HttpResponse:
    # Drawn again only when something it shows changed (organisations.kept_page): a coach comes
    # back to it between every employment, follow-up and request.
    return kept_page(request, name="coaching.home", draw=lambda keep: _home(request))


def _home(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    context = {"notifications": selectors.notifications(user=user), "today": today}
    if selectors.is_staff(user):
        page = selectors.caseload_page(user=user, page=request.GET.get("seite"), today=today)
        due = selectors.home_due_follow_ups(user=user)
        context.update(
            caseload=page.object_list,
            caseload_page=page,
            caseload_key=_fragment_key(page.object_list, reverse("coaching:employment_detail", args=[0])),
            due=due,
            due_key=_fragment_key(due, today, reverse("coaching:follow_up_create", args=[0])),
            unassigned=selectors.home_unassigned_employments(user=user),
            requests=selectors.open_requests(user=user),
            handovers=selectors.proposed_handovers(user=user),
        )
    if selectors.is_coordinator(user):
        context["figures"] = selectors.coordinator_figures(user=user)
        if "requests" not in context:
            context["requests"] = selectors.open_requests(user=user)
    return render(request, "coaching/home.html", context)


# --- employment page, follow-ups --------------------------------------------------------------------


EMPLOYMENTS_PER_PAGE = 25


@login_required
def employment_list(request: HttpRequest) -> HttpResponse:
    """The running employments whose job coach the user may change (coordinator: the municipality's;
    a team lead: their team's cases), each with its responsible coach and the way to change it."""
    employments = selectors.coach_overview(user=request.user)
    page = Paginator(employments, EMPLOYMENTS_PER_PAGE).get_page(request.GET.get("seite"))
    return render(request, "coaching/employment_list.html", {"page": page})


@role_required(CASE_STAFF_AND_COORDINATOR)
def employment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment_get(user=request.user, pk=pk)
    services.audit_view(
        actor=request.user, candidate=employment.candidate, fields=["employment", "follow_ups"]
    )
    can_edit = selectors.may_edit_employment(user=request.user, pk=pk)
    page = selectors.employment_page(user=request.user, employment=employment)
    return render(
        request,
        "coaching/employment_detail.html",
        {
            # Issue 20: in a helper job, the pathways that fit, linked to the pathway page.
            "next_step": pathway_selectors.next_step(
                user=request.user, employment=employment, quality=page["quality"]
            ),
            "next_step_sequences": pathway_selectors.NEXT_STEP_SEQUENCES
            if pathway_selectors.is_helper_job(quality=page["quality"])
            else (),
            "employment": employment,
            "can_edit": can_edit,
            "today": timezone.localdate(),
            "plan": getattr(employment, "follow_along", None),
            "may_change_coach": selectors.may_change_coach(user=request.user, employment=employment),
            "may_edit_quality": can_edit and access.has_role(user=request.user, roles=[Role.JOB_COACH]),
            "may_take_over": can_edit
            and employment.job_coach_id != request.user.pk
            and access.has_role(user=request.user, roles=[Role.JOB_COACH]),
            **page,
            **selectors.employment_case_links(user=request.user, employment=employment),
            "status_form": forms.NeedStatusForm(),
            "resolve_form": forms.RiskResolveForm(),
        },
    )


@role_required(CASE_STAFF)
@require_POST
def follow_along_take(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment_get(user=request.user, pk=pk, for_edit=True)
    try:
        services.follow_along_take_over(employment=employment, actor=request.user)
    except ValidationError:
        messages.error(request, _("Nur Jobcoaches können eine Begleitung übernehmen."))
    else:
        messages.success(request, _("Sie begleiten diese Beschäftigung jetzt."))
    return redirect("coaching:employment_detail", pk=pk)


@login_required
def employment_coach(request: HttpRequest, pk: int) -> HttpResponse:
    """A case manager or coordinator chooses the employment's responsible job coach."""
    employment = selectors.coach_assignable_employment_get(user=request.user, pk=pk)
    form = forms.CoachForm(
        request.POST or None,
        coaches=candidate_selectors.job_coach_choices(candidate=employment.candidate),
        current=employment.job_coach,
    )
    if save_form(
        request,
        form,
        lambda data: services.employment_coach_set(
            employment=employment, actor=request.user, coach=data["coach"]
        ),
    ):
        messages.success(request, _("Zuständiger Jobcoach: {who}.").format(who=employment.job_coach))
        return redirect("coaching:employment_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Jobcoach ändern"),
        back=("coaching:employment_detail", pk),
        subtitle=_employment_line(employment),
        status=400 if request.method == "POST" else 200,
    )


@role_required([Role.JOB_COACH])
def employment_quality(request: HttpRequest, pk: int) -> HttpResponse:
    """The job coach completes the job-quality fields after the employer recorded the hire."""
    employment = selectors.employment_get(user=request.user, pk=pk, for_edit=True)
    form = forms.JobQualityForm(
        request.POST or None, initial=selectors.job_quality_initial(employment=employment)
    )
    if save_form(
        request,
        form,
        lambda data: employer_services.employment_quality_set(
            employment=employment, actor=request.user, **data
        ),
    ):
        messages.success(request, _("Beschäftigungsqualität gespeichert."))
        return redirect("coaching:employment_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Beschäftigungsqualität"),
        back=("coaching:employment_detail", pk),
        subtitle=_employment_line(employment),
        status=400 if request.method == "POST" else 200,
    )


@role_required(CASE_STAFF)
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment_get(user=request.user, pk=pk, for_edit=True)
    ask = pathway_selectors.asks_next_step(employment=employment, on=timezone.localdate())
    form = forms.FollowUpForm(request.POST or None, ask_next_step=ask)
    if save_form(
        request, form, lambda data: services.follow_up_log(employment=employment, actor=request.user, **data)
    ):
        messages.success(request, _("Kontakt gespeichert."))
        return redirect("coaching:employment_detail", pk=pk)
    return render(request, "coaching/follow_up_form.html", {"form": form, "employment": employment})


# --- language needs ---------------------------------------------------------------------------------


@role_required(CASE_STAFF)
def language_need_create(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment_get(user=request.user, pk=pk, for_edit=True)
    form = forms.LanguageNeedForm(
        request.POST or None, providers=selectors.language_providers(employment=employment)
    )
    if save_form(
        request,
        form,
        lambda data: services.language_need_create(employment=employment, actor=request.user, **data),
    ):
        messages.success(request, _("Sprachförderbedarf gespeichert."))
        return redirect("coaching:employment_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Sprachförderbedarf erfassen"),
        back=("coaching:employment_detail", pk),
        subtitle=employment.candidate.full_name,
    )


@role_required(CASE_STAFF)
@require_POST
def language_need_status(request: HttpRequest, pk: int) -> HttpResponse:
    need = selectors.language_need_get(user=request.user, pk=pk)
    form = forms.NeedStatusForm(request.POST)
    if form.is_valid():
        services.language_need_set_status(need=need, actor=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("Status geändert."))
    else:
        messages.error(request, _("Unbekannter Status."))
    return redirect("coaching:employment_detail", pk=need.employment_id)


@role_required([Role.COORDINATOR])
def language_needs_overview(request: HttpRequest) -> HttpResponse:
    groups = selectors.open_needs_grouped(user=request.user)
    labels = dict(LanguageMeasure.choices)
    areas = dict(LanguageArea.choices)
    by_measure: dict[str, list] = {}
    for row in groups:
        row["area_label"] = areas.get(row["area"], row["area"])
        by_measure.setdefault(str(labels.get(row["measure"], row["measure"])), []).append(row)
    return render(
        request,
        "coaching/language_needs_overview.html",
        {"by_measure": by_measure, "total": sum(r["n"] for r in groups)},
    )


# --- risks ------------------------------------------------------------------------------------------


@role_required(CASE_STAFF)
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    employment = selectors.employment_get(user=request.user, pk=pk, for_edit=True)
    form = forms.RiskForm(request.POST or None)
    if save_form(
        request, form, lambda data: services.risk_raise(employment=employment, actor=request.user, **data)
    ):
        messages.success(request, _("Risiko gespeichert."))
        return redirect("coaching:employment_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Risiko melden"),
        back=("coaching:employment_detail", pk),
        subtitle=employment.candidate.full_name,
    )


@role_required(CASE_STAFF)
@require_POST
def risk_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_get(user=request.user, pk=pk)
    try:
        services.risk_escalate(risk=risk, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Risiko gemeldet an {who}.").format(who=risk.escalated_to))
    return redirect("coaching:employment_detail", pk=risk.employment_id)


@role_required(CASE_STAFF)
def risk_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    risk = selectors.risk_get(user=request.user, pk=pk)
    form = forms.RiskResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_resolve(risk=risk, actor=request.user, note=form.cleaned_data["resolution_note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Risiko als gelöst vermerkt."))
            return redirect("coaching:employment_detail", pk=risk.employment_id)
    return form_page(
        request,
        form,
        title=_("Risiko lösen"),
        back=("coaching:employment_detail", risk.employment_id),
        subtitle=str(risk),
    )


# --- employer support requests ---------------------------------------------------------------------


# Employer here means a verified employer: has_role never counts an unverified organisation's role.
@role_required([*CASE_STAFF_AND_COORDINATOR, Role.EMPLOYER])
def support_request_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.is_verified_employer(user=user):
        return render(
            request,
            "coaching/support_request_list.html",
            {"requests": selectors.employer_request_list(user=user), "employer": True},
        )
    return render(
        request,
        "coaching/support_request_list.html",
        {
            "requests": selectors.staff_request_list(user=user),
            "employer": False,
            "today": timezone.localdate(),
        },
    )


@login_required
def support_request_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not access.is_verified_employer(user=user):
        raise PermissionDenied
    organisations = selectors.support_request_organisations(user=user)
    if not organisations:
        raise PermissionDenied
    employments = selectors.employer_employments(user=user)
    form = forms.SupportRequestForm(
        request.POST or None, organisations=organisations, employments=employments
    )
    if request.method == "GET" and request.GET.get("employment"):
        # Linked from a hire ("Unterstützung anfragen"): the employment by its public reference.
        chosen = selectors.employer_employment_by_reference(user=user, reference=request.GET["employment"])
        if chosen is not None:
            form.initial["employment"] = chosen.pk
    throttled = False

    def save(data: dict) -> Any:
        nonlocal throttled
        if not throttle.support_request_admit(request=request, organisation_id=data["organisation"].pk):
            throttled = True
            raise ValidationError(
                _(
                    "Sie haben in kurzer Zeit schon viele Anfragen gestellt. Ihre Nachricht ist unten noch "
                    "da: Bitte senden Sie sie später noch einmal (spätestens in einer Stunde)."
                ),
                code="throttled",
            )
        return services.support_request_create(
            actor=user,
            organisation=data["organisation"],
            employment=data.get("employment"),
            topic=data["topic"],
            message=data["message"],
            token=data["token"],
        )

    created = save_form(request, form, save)
    if created:
        messages.success(
            request,
            _("Ihre Anfrage ist angekommen. Sie bekommen bis {day} eine Antwort.").format(
                day=created.due_date.strftime("%d.%m.%Y")
            ),
        )
        return redirect("coaching:support_request_detail", pk=created.pk)
    return form_page(
        request,
        form,
        title=_("Frage an das Jobcoaching"),
        back=("coaching:support_request_list", None),
        subtitle=_("Wir antworten innerhalb von zwei Werktagen."),
        status=429 if throttled else 200,
    )


@role_required([*CASE_STAFF_AND_COORDINATOR, Role.EMPLOYER])
def support_request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    support, answers = selectors.support_request_get(user=request.user, pk=pk)
    form = forms.AnswerForm(request.POST or None) if answers else None
    if request.method == "POST":
        if not answers:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.support_request_answer(
                    request=support, actor=request.user, answer=form.cleaned_data["answer"]
                )
            except ValidationError as error:
                form.add_error("answer" if getattr(error, "error_dict", None) else None, error)
            else:
                messages.success(request, _("Antwort gesendet."))
                return redirect("coaching:support_request_detail", pk=pk)
    return render(
        request,
        "coaching/support_request_detail.html",
        {"support": support, "form": form, "answers": answers, "today": timezone.localdate()},
    )


# --- volunteers --------------------------------------------------------------------------------------


@role_required([Role.VOLUNTEER])
def volunteer_home(request: HttpRequest) -> HttpResponse:
    rows = []
    for assignment in selectors.volunteer_assignments(user=request.user):
        view = candidate_selectors.volunteer_view(user=request.user, pk=assignment.candidate_id)
        rows.append((assignment, view))
    return render(request, "coaching/volunteer_home.html", {"rows": rows})


@role_required([Role.VOLUNTEER])
def volunteer_assignment(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.volunteer_assignment_get(user=request.user, pk=pk)
    # Only the consented fields, through the candidates app's reduced view.
    person = candidate_selectors.volunteer_view(user=request.user, pk=assignment.candidate_id)
    services.audit_view(actor=request.user, candidate=assignment.candidate, fields=["volunteer_view"])
    form = forms.TutoringForm(request.POST or None)
    if save_form(
        request,
        form,
        lambda data: services.tutoring_session_log(assignment=assignment, actor=request.user, **data),
    ):
        messages.success(request, _("Lerntreffen gespeichert."))
        return redirect("coaching:volunteer_assignment", pk=pk)
    return render(
        request,
        "coaching/volunteer_assignment.html",
        {
            "assignment": assignment,
            "person": person,
            "form": form,
            "sessions": selectors.tutoring_sessions(assignment=assignment),
        },
    )


@role_required(CASE_STAFF)
def volunteer_assign(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Assign a volunteer, or invite the address: one answer whatever the address is (issue 21)."""
    from organisations.services import InvitationThrottled

    case = candidate_selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    initiatives = selectors.volunteer_initiatives(case=case)
    form = forms.VolunteerAssignForm(request.POST or None, initiatives=initiatives)
    if not form.fields["organisation"].queryset:
        form.add_error(
            None,
            _(
                "In Ihrer Kommune gibt es noch keine geprüfte ehrenamtliche Initiative auf Lotse. Bitte "
                "wenden Sie sich an die Koordination."
            ),
        )
    elif request.method == "POST" and form.is_valid():
        try:
            services.volunteer_assign_or_invite(
                case=case,
                email=form.cleaned_data["volunteer_email"],
                focus=form.cleaned_data["focus"],
                organisation=form.cleaned_data["organisation"],
                actor=request.user,
            )
        except InvitationThrottled:
            form.add_error(
                None, _("Zu viele Einladungen in der letzten Stunde. Bitte versuchen Sie es später.")
            )
        except ValidationError as error:
            form.add_error("volunteer_email", error.messages)
        else:
            messages.success(
                request,
                _(
                    "Erledigt. Ist die Person schon Ehrenamtliche*r Ihrer Kommune und hat die Klient*in ihr die "
                    "Einwilligung gegeben, ist sie jetzt zugeordnet. Sonst bekommt sie eine Einladung per "
                    "E-Mail; zuordnen können Sie sie, sobald sie angenommen hat und die Einwilligung erfasst ist."
                ),
            )
            return redirect("coaching:case_detail", case_pk=case_pk)
    return form_page(
        request,
        form,
        title=_("Ehrenamtliche*n zuordnen oder einladen"),
        back=("coaching:case_detail", case_pk),
        subtitle=case.candidate.full_name,
    )


# --- cases: referrals and handovers ------------------------------------------------------------------


@role_required(CASE_STAFF_AND_COORDINATOR)
def case_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = candidate_selectors.case_get(user=request.user, pk=case_pk)
    services.audit_view(actor=request.user, candidate=case.candidate, fields=["referrals", "handovers"])
    can_edit = candidate_selectors.may_edit_candidate(user=request.user, pk=case.candidate_id)
    page = selectors.case_page(case=case)
    if can_edit:
        # The provider's signed link, for staff to pass on where the service has no e-mail (issue 17).
        for referral in page["referrals"]:
            if referral.status in (Referral.Status.SENT, Referral.Status.ACCEPTED):
                referral.answer_link = referral_answer_link(referral=referral)
    return render(
        request,
        "coaching/case_detail.html",
        {
            "case": case,
            "can_edit": can_edit,
            "status_form": forms.ReferralStatusForm(),
            "employments": selectors.candidate_employments(candidate=case.candidate),
            **page,
        },
    )


@role_required(CASE_STAFF)
def referral_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = candidate_selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    form = forms.ReferralForm(
        request.POST or None,
        services=selectors.referral_offer(case=case),
        initial={"service": request.GET.get("service")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                case=case,
                service=form.cleaned_data["service"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(
                "service", error.message_dict.get("service") if hasattr(error, "error_dict") else error
            )
        else:
            messages.success(request, _("Verweisung gespeichert."))
            return redirect("coaching:case_detail", case_pk=case_pk)
    return form_page(
        request,
        form,
        title=_("An ein Angebot verweisen"),
        back=("coaching:case_detail", case_pk),
        subtitle=case.candidate.full_name,
    )


@role_required(CASE_STAFF)
@require_POST
def referral_update(request: HttpRequest, pk: int) -> HttpResponse:
    referral = selectors.referral_get(user=request.user, pk=pk)
    form = forms.ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_update(
                referral=referral,
                actor=request.user,
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Verweisung aktualisiert."))
    else:
        messages.error(request, _("Bitte einen gültigen Status wählen."))
    return redirect("coaching:case_detail", case_pk=referral.case_id)


@role_required(CASE_STAFF)
def handover_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coaching/handover_list.html",
        {
            "handovers": selectors.handovers_for(user=request.user),
            "may_start": selectors.may_start_handover(user=request.user),
        },
    )


@role_required(CASE_STAFF)
def handover_start(request: HttpRequest) -> HttpResponse:
    """The handover list's "new" action: choose one of your open cases, then the handover form."""
    return render(
        request, "coaching/handover_start.html", {"cases": selectors.handover_cases(user=request.user)}
    )


def _consent_link(*, case, organisation: Organisation, kind) -> str:
    """The consent page of the person, the missing grant prefilled, with the way back here."""
    back = reverse("coaching:handover_create", args=[case.pk])
    back += "?" + urlencode({"to_organisation": organisation.pk, "kind": getattr(kind, "pk", "")})
    query = urlencode({"scope": "case_data", "recipient_organisation": organisation.pk, "next": back})
    return reverse("candidates:consents", args=[case.candidate_id]) + "?" + query


@role_required(CASE_STAFF)
def handover_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = candidate_selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    form = forms.HandoverForm(
        request.POST or None,
        organisations=selectors.handover_recipients(user=request.user, case=case),
        # Coming back from the consent page: the choice made before is kept.
        initial={"to_organisation": request.GET.get("to_organisation"), "kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            handover = services.handover_propose(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errs in error.error_dict.items():
                    for err in errs:
                        if err.code == "consent_missing":
                            # Say where the consent is recorded, as a link in the error itself.
                            url = _consent_link(
                                case=case,
                                organisation=form.cleaned_data["to_organisation"],
                                kind=form.cleaned_data["kind"],
                            )
                            err = ValidationError(
                                format_html(
                                    '{} <a class="kern-link" href="{}">{}</a>',
                                    err.message,
                                    url,
                                    _("Einwilligung jetzt erfassen"),
                                )
                            )
                        form.add_error(name, err)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request, _("Übergabe angefragt. Die aufnehmende Organisation ist benachrichtigt.")
            )
            return redirect("coaching:handover_detail", pk=handover.pk)
    return form_page(
        request,
        form,
        title=_("Warme Übergabe anfragen"),
        back=("coaching:case_detail", case_pk),
        subtitle=case.candidate.full_name,
    )


@role_required(CASE_STAFF)
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _handover_page(request, selectors.handover_get(user=request.user, pk=pk))


def _handover_page(
    request: HttpRequest, handover, *, appointment_form=None, status: int = 200
) -> HttpResponse:
    """The handover; ``appointment_form`` is the joint appointment sent with errors, drawn with
    what was typed and what is wrong with it."""
    services.audit_view(actor=request.user, candidate=handover.case.candidate, fields=["handover"])
    can_decide = selectors.can_decide_handover(user=request.user, handover=handover)
    return render(
        request,
        "coaching/handover_detail.html",
        {
            "handover": handover,
            "items": list(handover.items.all()),
            "can_decide": can_decide,
            "decision_form": forms.HandoverDecisionForm(),
            "appointment_form": appointment_form or forms.AppointmentForm(),
        },
        status=status,
    )


@role_required(CASE_STAFF)
@require_POST
def handover_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    handover = selectors.handover_get(user=request.user, pk=pk)
    item = selectors.handover_item_get(handover=handover, pk=item_pk)
    try:
        services.handover_item_set(item=item, actor=request.user, done=request.POST.get("done") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("coaching:handover_detail", pk=pk)


@role_required(CASE_STAFF)
@post_or_back_to("coaching:handover_detail", "pk")
def handover_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    handover = selectors.handover_get(user=request.user, pk=pk)
    form = forms.AppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.handover_record_appointment(
                handover=handover, actor=request.user, at=form.cleaned_data["joint_appointment_at"]
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "decided":
                # Decided in the meantime: the page no longer offers the form, so the notice says why.
                messages.error(request, " ".join(error.messages))
                return redirect("coaching:handover_detail", pk=pk)
            errors_to_form(form, error)
        else:
            messages.success(request, _("Gemeinsamer Termin eingetragen: die Übergabe ist warm."))
            return redirect("coaching:handover_detail", pk=pk)
    # the page again, with the date as typed and what is wrong with it beside the field
    return _handover_page(request, handover, appointment_form=form, status=400)


@role_required(CASE_STAFF)
def handover_decide(request: HttpRequest, pk: int) -> HttpResponse:
    handover = selectors.handover_get(user=request.user, pk=pk)
    if not selectors.can_decide_handover(user=request.user, handover=handover):
        raise PermissionDenied
    form = forms.HandoverDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_decide(
                handover=handover,
                actor=request.user,
                accept=form.cleaned_data["accept"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Entscheidung gespeichert. Beide Seiten sind benachrichtigt."))
            return redirect("coaching:handover_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Übergabe entscheiden"),
        back=("coaching:handover_detail", pk),
        subtitle=str(handover),
    )


# --- services directory -------------------------------------------------------------------------------


@role_required(CASE_READERS)
def service_list(request: HttpRequest) -> HttpResponse:
    form = forms.ServiceFilterForm(request.GET or None)
    # An invalid filter (a tampered URL) shows the whole directory with the form's errors.
    wanted = form.cleaned_data if form.is_valid() else {}
    chosen = selectors.directory_services(
        user=request.user,
        category=wanted.get("category") or "",
        language=wanted.get("language") or "",
        residence_status=wanted.get("residence_status") or "",
    )
    return render(
        request,
        "coaching/service_list.html",
        {
            "form": form,
            "services": chosen,
            # The coordinator's own deactivated offers, to bring back (issue 17).
            "inactive": list(directory_selectors.inactive_services(user=request.user)),
            # Offers from across a district line are marked with their municipality.
            "home_ids": access.municipality_ids(user=request.user, roles=CASE_READERS),
            "can_create": access.has_role(user=request.user, roles=[Role.CASE_MANAGER, Role.COORDINATOR]),
            "can_exchange_hsds": access.has_role(user=request.user, roles=[Role.COORDINATOR]),
        },
    )


@role_required(CASE_READERS)
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get(user=request.user, pk=pk)
    return render(
        request,
        "coaching/service_detail.html",
        {
            "service": service,
            "skills": selectors.service_skills(service=service),
            "can_edit_skills": selectors.may_edit_service(user=request.user, service=service),
            "can_coordinate": directory_selectors.may_coordinate_service(user=request.user, service=service),
            "schedules": list(service.schedules.all()),
            "served": selectors.served_municipalities(service=service),
            "area_postcodes": service.area_postcode_list(),
            "documents": list(service.required_documents.all()),
        },
    )


@role_required([Role.COORDINATOR])
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator changes an offer of their municipality (issue 17); another municipality's,
    even one it serves, is 404."""
    service = directory_selectors.coordinated_service(user=request.user, pk=pk)
    form = forms.ServiceEditForm(
        request.POST if request.method == "POST" else None,
        service=service,
        initial=forms.ServiceEditForm.initial_for(service),
    )
    if save_form(
        request,
        form,
        lambda data: directory_services.service_update(service=service, actor=request.user, **data),
    ):
        messages.success(request, _("Angebot gespeichert."))
        return redirect("coaching:service_detail", pk=service.pk)
    return form_page(
        request,
        form,
        title=_("Angebot bearbeiten"),
        back=("coaching:service_detail", service.pk),
        subtitle=service.name,
        status=400 if form.is_bound else 200,
    )


@role_required([Role.COORDINATOR])
def service_hours(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer's weekly opening hours (issue 17): rows of weekday, opens, closes."""
    service = directory_selectors.coordinated_service(user=request.user, pk=pk)
    initial = [{"weekday": s.weekday, "opens": s.opens, "closes": s.closes} for s in service.schedules.all()]
    formset = forms.ServiceHoursFormSet(
        request.POST if request.method == "POST" else None, initial=initial, prefix="hours"
    )
    if save_form(
        request,
        formset,
        lambda _rows: directory_services.service_set_hours(
            service=service, actor=request.user, hours=formset.hours()
        ),
    ):
        messages.success(request, _("Öffnungszeiten gespeichert."))
        return redirect("coaching:service_detail", pk=service.pk)
    return render(
        request,
        "coaching/service_hours.html",
        {"formset": formset, "service": service},
        status=400 if formset.is_bound else 200,
    )


@role_required([Role.COORDINATOR])
@require_POST
def service_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an offer or bring it back (never delete: referrals point at it)."""
    service = directory_selectors.coordinated_service(user=request.user, pk=pk)
    active = request.POST.get("active") == "1"
    directory_services.service_set_active(service=service, actor=request.user, active=active)
    if active:
        messages.success(request, _("Das Angebot ist wieder aktiv."))
    else:
        messages.success(
            request,
            _(
                "Das Angebot ist deaktiviert: Es erscheint nicht mehr in der Suche; bestehende Verweisungen bleiben."
            ),
        )
    return redirect("coaching:service_detail", pk=service.pk)


@role_required([Role.CASE_MANAGER, Role.COORDINATOR])
def service_create(request: HttpRequest) -> HttpResponse:
    form = forms.ServiceCreateForm(
        request.POST or None, municipalities=selectors.service_municipalities(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        service = services.service_create(
            municipality_id=data.pop("municipality").pk, actor=request.user, **data
        )
        messages.success(request, _("Angebot gespeichert."))
        return redirect("coaching:service_detail", pk=service.pk)
    return render(
        request,
        "coaching/service_form.html",
        {"form": form, "title": _("Angebot eintragen"), "back": ("coaching:service_list", None)},
        status=400 if form.is_bound else 200,
    )


@role_required([Role.CASE_MANAGER, Role.COORDINATOR])
def service_skills(request: HttpRequest, pk: int) -> HttpResponse:
    """The ESCO skills an offer teaches (issue 20): case managers and coordinators of its municipality."""
    service = selectors.editable_service(user=request.user, pk=pk)
    form = forms.ServiceSkillsForm(
        request.POST if request.method == "POST" else None, initial={"skills": list(service.skills.all())}
    )
    if request.method == "POST" and form.is_valid():
        services.service_set_skills(service=service, actor=request.user, skills=form.cleaned_data["skills"])
        messages.success(request, _("Kompetenzen des Angebots gespeichert."))
        return redirect("coaching:service_detail", pk=service.pk)
    return render(
        request,
        "coaching/service_form.html",
        {
            "form": form,
            "title": _("Was das Angebot vermittelt"),
            "subtitle": service.name,
            "back": ("coaching:service_detail", service.pk),
        },
        status=400 if form.is_bound else 200,
    )


# --- assessment proposals (issue 14) -----------------------------------------------------------


@role_required(CASE_STAFF)
def assessment_proposals(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Per open need of the latest assessment: the directory's services the person may use (refer
    with one click) and a draft goal for the plan (accept as is or edit). Only the responsible
    organisation's case staff: the needs include the special categories."""
    case = candidate_selectors.assessment_case_get(user=request.user, pk=case_pk, for_edit=True)
    if request.method == "POST":
        _proposal_post(request, case)
        return redirect("coaching:assessment_proposals", case_pk=case.pk)
    proposals = selectors.assessment_proposals(user=request.user, case=case)
    candidate_services.assessment_audit_view(case=case, actor=request.user, special=True)
    return render(request, "coaching/assessment_proposals.html", {"case": case, "proposals": proposals})


def _proposal_post(request: HttpRequest, case) -> None:
    if request.POST.get("action") == "goal":
        form = forms.ProposalGoalForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Bitte geben Sie ein Ziel an (höchstens 200 Zeichen)."))
            return
        try:
            candidate_services.goal_add(
                case=case,
                actor=request.user,
                title=form.cleaned_data["title"].strip(),
                submission_key=form.cleaned_data["submission_key"],
                title_lang=get_language(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Ziel in den Integrationsplan übernommen."))
        return
    form = forms.ProposalReferralForm(request.POST)
    offer = {s.pk: s for s in selectors.eligible_services(case=case)} if form.is_valid() else {}
    service = offer.get(form.cleaned_data["service"]) if offer else None
    if service is None:
        messages.error(request, _("Dieses Angebot steht der Person nicht offen."))
        return
    try:
        services.referral_create(
            case=case, service=service, actor=request.user, note=_("Vorschlag aus der Einschätzung")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Verweisung gespeichert."))


# --- HSDS exchange of the directory (issue 17) -------------------------------------------------------


@login_required
def hsds_export(request: HttpRequest) -> HttpResponse:
    """Download the directory as HSDS 3.0 JSON (coordinators; ``?municipality=<id>`` to choose)."""
    chosen = request.GET.get("municipality")
    municipality, document = hsds.directory_export(
        user=request.user, municipality_id=int(chosen) if chosen and chosen.isdigit() else None
    )
    response = HttpResponse(hsds.dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hsds-{municipality.slug}.json"'
    return response


@role_required([Role.COORDINATOR])
def hsds_import(request: HttpRequest) -> HttpResponse:
    """Upload an HSDS 3.0 document into the coordinator's directory: all or nothing, errors by path."""
    form = forms.HsdsImportForm(
        request.POST or None,
        request.FILES or None,
        municipalities=hsds.coordinator_municipalities(user=request.user),
    )
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = hsds.directory_import(
                user=request.user,
                municipality_id=form.cleaned_data["municipality"],
                document=hsds.parse(form.cleaned_data["document"].read()),
            )
        except hsds.HsdsImportError as exc:
            errors = exc.errors
            form.add_error(
                "document",
                _("„{name}“ wurde nicht importiert, nichts wurde geändert.").format(
                    name=form.cleaned_data["document"].name
                ),
            )
        else:
            messages.success(
                request,
                _(
                    "HSDS importiert: {organisations} Träger, {locations} Standorte, {services} Angebote."
                ).format(**counts),
            )
            return redirect("coaching:service_list")
    return render(request, "coaching/hsds_import.html", {"form": form, "errors": errors})
