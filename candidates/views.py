"""Views of the candidates app: thin — parse, check access, call a service, render.

Access answers (see candidates.selectors): anonymous → login; a role that may never use a view
→ 403; an object outside the user's scope → 404 (nobody learns whether a person exists).
"""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_READERS, CASE_STAFF, Role
from inputs.forms import errors_to_form, save_form
from organisations import access
from organisations.decorators import role_required
from organisations.models import Organisation

from . import forms, hooks, selectors, services
from .filters import CaseloadFilter
from .models import (
    CandidateOccupation,
    CandidateSkill,
    ClosingReason,
    Goal,
    LanguageSkill,
    ProfileSource,
    Qualification,
    Step,
)

PAGE_SIZE = 25


def _own(request: HttpRequest, read):
    """What ``read`` finds of the signed-in candidate's own (her record, her plan): 403 for other
    roles, 404 if she has none."""
    if not request.user.is_candidate:
        raise PermissionDenied
    found = read(user=request.user)
    if found is None:
        raise Http404
    return found


def _require_candidate(request: HttpRequest):
    """The signed-in candidate's own record; 403 for other roles, 404 if no record is linked."""
    return _own(request, selectors.own_candidate)


def _back(candidate_pk: int) -> HttpResponse:
    return redirect("candidates:detail", pk=candidate_pk)


# --- caseload and intake ---------------------------------------------------------------------


@role_required([*CASE_STAFF, Role.COORDINATOR])
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    scope = request.GET.get("scope")
    if scope not in selectors.CASELOAD_SCOPES:
        scope = selectors.caseload_default_scope(user=user)
    base = selectors.caseload(user=user, scope=scope)
    filterset = CaseloadFilter(request.GET, queryset=base, request=request)
    # Invalid filter values (tampered URLs) show the form errors and an empty list, never a 500.
    cases = filterset.qs if filterset.is_valid() else base.none()
    query = filterset.form.cleaned_data.get("q", "") if filterset.is_valid() else ""
    search = selectors.caseload_search(cases=cases, query=query) if query.strip() else None
    if search is not None:
        cases = search.cases
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    if search is not None:
        services.caseload_search_audit(
            actor=user,
            kinds=search.kinds,
            found=page.paginator.count,
            candidates=[case.candidate for case in page.object_list],
        )
    params = request.GET.copy()
    params.pop("page", None)
    params["scope"] = scope
    other = params.copy()
    other["scope"] = "team" if scope == "mine" else "mine"
    return render(
        request,
        "candidates/case_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": params.urlencode(),
            "scope": scope,
            "searched": search is not None,
            "other_scope_query": other.urlencode(),
            "today": timezone.localdate(),
            "can_intake": access.has_role(user=user, roles=[Role.CASE_MANAGER]),
            "permit_open": selectors.permit_open_count(cases=selectors.scoped_cases(user=user, scope=scope)),
        },
    )


@role_required([Role.CASE_MANAGER])
def candidate_create(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.filter(
        pk__in=access.organisation_ids(user=request.user, roles=[Role.CASE_MANAGER])
    ).order_by("name")
    form = forms.IntakeForm(request.POST or None, organisations=organisations)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        organisation = data.pop("responsible_organisation")
        legal_circle = data.pop("legal_circle")
        confirmed = data.pop("confirm_duplicate")
        submission_key = data.pop("submission_key")
        duplicates = selectors.duplicate_candidates(
            user=request.user,
            municipality_id=organisation.municipality_id,
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data.get("birth_date"),
        )
        # The same form again (double click, resend): answer as the first post did. Asked after the
        # duplicate check on purpose: a twin post that committed in between is then found here by
        # its key, not shown as a "similar person" (the key is on the person's row).
        already = selectors.intake_made(user=request.user, submission_key=submission_key)
        if already is not None:
            messages.success(request, _("Person angelegt. Ergänzen Sie jetzt das Profil."))
            return _back(already.pk)
        if duplicates and not confirmed:
            form.add_error(
                None,
                _(
                    "Es gibt schon ähnliche Personen. Bitte prüfen Sie die Liste; wenn es eine "
                    "andere Person ist, bestätigen Sie „Trotzdem anlegen“."
                ),
            )
        else:
            try:
                candidate = services.candidate_create(
                    actor=request.user,
                    municipality=organisation.municipality,
                    responsible_organisation=organisation,
                    legal_circle=legal_circle,
                    submission_key=submission_key,
                    **data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Person angelegt. Ergänzen Sie jetzt das Profil."))
                return _back(candidate.pk)
    return render(request, "candidates/candidate_form.html", {"form": form, "duplicates": duplicates})


# --- the candidate's page -----------------------------------------------------------------------


@role_required(CASE_READERS)
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    if access.has_role(user=user, roles=[*CASE_STAFF, Role.COORDINATOR]):
        try:
            candidate = selectors.candidate_get(user=user, pk=pk)
        except access.NotFound:
            candidate = None
        except PermissionDenied:
            # A coordinator who is not responsible for the case: its metadata, nothing of the file.
            overview = selectors.candidate_overview(user=user, pk=pk)
            services.candidate_audit_view(
                candidate=selectors.overseen_candidates(user=user).get(pk=pk),
                actor=user,
                fields=["case_metadata"],
            )
            return render(request, "candidates/candidate_overview.html", {"candidate": overview})
        if candidate is not None:
            services.candidate_audit_view(candidate=candidate, actor=user, fields=["profile", "cases"])
            can_edit = selectors.editable_candidates(user=user).filter(pk=pk).exists()
            return render(
                request,
                "candidates/candidate_detail.html",
                {
                    "candidate": candidate,
                    "missing": selectors.missing_for_matching(candidate),
                    "can_edit": can_edit,
                    "occupation_form": forms.OccupationAddForm(),
                    "skill_form": forms.SkillAddForm(),
                },
            )
    if access.has_role(user=user, roles=[Role.VOLUNTEER]):
        view = selectors.volunteer_view(user=user, pk=pk)
        services.candidate_audit_view(
            candidate=selectors.volunteer_candidates(user=user).get(pk=pk),
            actor=user,
            fields=list(selectors.VOLUNTEER_FIELDS),
            note="volunteer",
        )
        return render(request, "candidates/volunteer_detail.html", {"candidate": view})
    raise Http404


@role_required(CASE_STAFF)
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    children_consent = selectors.family_consent_live(candidate=candidate)
    form = forms.ProfileForm(request.POST or None, instance=candidate, children_consent=children_consent)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.STAFF_PROFILE_FIELDS}
        # Fresh instance: the form has already set the attributes on ``candidate``.
        fresh = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
        try:
            services.candidate_update_profile(
                candidate=fresh,
                actor=request.user,
                data=data,
                children_under_6=form.cleaned_data.get("children_under_6"),
            )
        except ValidationError as error:  # the consent was revoked since the form was shown
            form.add_error(None, error)
        else:
            messages.success(request, _("Profil gespeichert."))
            return _back(pk)
    return render(
        request,
        "candidates/profile_form.html",
        {"form": form, "candidate": candidate, "children_consent": children_consent},
    )


def _entry_saved(request: HttpRequest, form, add) -> bool:
    """The small "add to profile" forms: a valid post is saved and says so; what the service
    refuses stays on the form with the input kept."""
    if save_form(request, form, add):
        messages.success(request, _("Gespeichert."))
        return True
    return False


@role_required(CASE_STAFF)
@require_POST
def occupation_add(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    form = forms.OccupationAddForm(request.POST or None)
    if _entry_saved(
        request,
        form,
        lambda d: services.occupation_add(
            candidate=candidate,
            actor=request.user,
            occupation_uri=d["occupation"].uri,
            years_experience=d["years_experience"],
        ),
    ):
        return _back(pk)
    return _detail_with(request, candidate, occupation_form=form)


@role_required(CASE_STAFF)
@require_POST
def skill_add(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    form = forms.SkillAddForm(request.POST or None)
    if _entry_saved(
        request,
        form,
        lambda d: services.skill_add(candidate=candidate, actor=request.user, skill_uri=d["skill"].uri),
    ):
        return _back(pk)
    return _detail_with(request, candidate, skill_form=form)


def _detail_with(request, candidate, **form_overrides) -> HttpResponse:
    context = {
        "candidate": candidate,
        "missing": selectors.missing_for_matching(candidate),
        "can_edit": True,
        "occupation_form": forms.OccupationAddForm(),
        "skill_form": forms.SkillAddForm(),
        **form_overrides,
    }
    return render(request, "candidates/candidate_detail.html", context, status=200)


@role_required(CASE_STAFF)
def language_add(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    form = forms.LanguageForm(request.POST or None)
    if _entry_saved(
        request, form, lambda d: services.language_set(candidate=candidate, actor=request.user, **d)
    ):
        return _back(pk)
    return render(
        request,
        "candidates/entry_form.html",
        {"candidate": candidate, "form": form, "title": _("Sprache hinzufügen")},
    )


@role_required(CASE_STAFF)
def qualification_add(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    form = forms.QualificationForm(request.POST or None)
    if _entry_saved(
        request, form, lambda d: services.qualification_add(candidate=candidate, actor=request.user, **d)
    ):
        return _back(pk)
    return render(
        request,
        "candidates/entry_form.html",
        {"candidate": candidate, "form": form, "title": _("Abschluss oder Qualifikation hinzufügen")},
    )


_ENTRY_MODELS = {
    "occupations": (CandidateOccupation, services.occupation_remove),
    "skills": (CandidateSkill, services.skill_remove),
    "languages": (LanguageSkill, services.language_remove),
    "qualifications": (Qualification, services.qualification_remove),
}


@role_required(CASE_STAFF)
@require_POST
def entry_remove(request: HttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    if kind not in _ENTRY_MODELS:
        raise Http404
    model, remove = _ENTRY_MODELS[kind]
    entry = get_object_or_404(model, pk=entry_pk, candidate=candidate)
    remove(entry=entry, actor=request.user)
    messages.success(request, _("Entfernt."))
    return _back(pk)


# --- case and integration plan --------------------------------------------------------------------


@role_required([*CASE_STAFF, Role.COORDINATOR])
def case_detail(request: HttpRequest, case_pk: int) -> HttpResponse:
    file = selectors.case_file(user=request.user, pk=case_pk)
    case = file.case
    can_edit = selectors.editable_candidates(user=request.user).filter(pk=case.candidate_id).exists()
    form = forms.CaseForm(request.POST or None, case=case)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            services.case_update(case=case, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Fall gespeichert."))
            return redirect("candidates:case_detail", case_pk=case.pk)
    services.candidate_audit_view(
        candidate=case.candidate,
        actor=request.user,
        fields=["case", "appointments"] if file.full else ["case_metadata"],
    )
    return render(
        request,
        "candidates/case_detail.html",
        {
            "case": case,
            "file": file,
            "form": form,
            "can_edit": can_edit,
            "goals": file.goals,
            "notes": file.notes,
            "goal_form": forms.GoalForm(),
            "step_form": forms.StepForm(),
            "note_form": forms.NoteForm(),
            "goal_statuses": forms.GoalStatus.choices,
            "step_statuses": forms.StepStatus.choices,
            **_assessment_summary(request, case, file.full),
            "appointments": selectors.case_appointments(user=request.user, case=case),
            **_closure_summary(request, case),
            **_immigration_summary(request, case, file.full),
        },
    )


def can_edit_permit(request: HttpRequest, case) -> bool:
    return (
        case.is_open
        and access.has_role(user=request.user, roles=CASE_STAFF)
        and (selectors.editable_candidates(user=request.user).filter(pk=case.candidate_id).exists())
    )


def _immigration_summary(request: HttpRequest, case, full: bool) -> dict:
    """The case page's questions to the Ausländerbehörde (issue 14 §3), for readers of the full file."""
    if not full:
        return {}
    return {
        "immigration_questions": selectors.case_immigration_questions(case=case),
        "work_permit_procedures": selectors.case_work_permit_procedures(case=case),
        "permit_outstanding": selectors.permit_decision_outstanding(candidate=case.candidate),
        "can_edit_permit": can_edit_permit(request, case),
        "case_qualifications": selectors.case_qualifications(case=case),
        "may_ask_immigration_office": selectors.may_ask_immigration_office(user=request.user, case=case),
    }


def _closure_summary(request: HttpRequest, case) -> dict:
    """The case page's phase history and, for a closed case, its closing reason (issue 14 §4)."""
    summary = {"history": selectors.phase_history(case=case)}
    if not case.is_open:
        current = next((e for e in selectors.case_evaluations(case=case) if e.reopened_at is None), None)
        summary["evaluation"] = current
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
        "assessment_open": len(selectors.open_needs(user=request.user, case=case)) if assessment else 0,
        "may_assess": selectors.may_read_special_categories(user=request.user, case=case),
    }


def _case_post(request: HttpRequest, case_pk: int, form_class, act) -> HttpResponse:
    """The case page's small forms (the views that call it are ``role_required(CASE_STAFF)``)."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(case, form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Gespeichert."))
    else:
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


@role_required(CASE_STAFF)
@require_POST
def goal_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _case_post(
        request,
        case_pk,
        forms.GoalForm,
        lambda case, d: services.goal_add(case=case, actor=request.user, title_lang=get_language(), **d),
    )


@role_required(CASE_STAFF)
@require_POST
def goal_status(request: HttpRequest, case_pk: int, goal_pk: int) -> HttpResponse:
    def act(case, d):
        goal = get_object_or_404(Goal, pk=goal_pk, case=case)
        services.goal_set_status(goal=goal, actor=request.user, status=d["status"])

    return _case_post(request, case_pk, forms.GoalStatusForm, act)


@role_required(CASE_STAFF)
@require_POST
def step_add(request: HttpRequest, case_pk: int, goal_pk: int) -> HttpResponse:
    def act(case, d):
        goal = get_object_or_404(Goal, pk=goal_pk, case=case)
        services.step_add(goal=goal, actor=request.user, title_lang=get_language(), **d)

    return _case_post(request, case_pk, forms.StepForm, act)


@role_required(CASE_STAFF)
@require_POST
def step_status(request: HttpRequest, case_pk: int, step_pk: int) -> HttpResponse:
    def act(case, d):
        step = get_object_or_404(Step, pk=step_pk, goal__case=case)
        services.step_set_status(step=step, actor=request.user, status=d["status"])

    return _case_post(request, case_pk, forms.StepStatusForm, act)


@role_required(CASE_STAFF)
@require_POST
def note_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    return _case_post(
        request,
        case_pk,
        forms.NoteForm,
        lambda case, d: services.note_add(case=case, actor=request.user, **d),
    )


# --- consent (staff side) ---------------------------------------------------------------------


@role_required(CASE_STAFF)
def consent_list(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    # Another page (e.g. a handover missing its consent) may send staff here with the grant it
    # needs prefilled and the way back; only a path on this site is followed.
    back = request.GET.get("next", "")
    # A path on this site, and short: Django refuses a redirect over 2,048 characters with a 400
    # after the consent below would already be stored.
    if not (
        back.startswith("/")
        and len(back) <= 1000
        and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
    ):
        back = ""
    form = forms.PaperConsentForm(
        request.POST or None,
        candidate=candidate,
        initial={
            "scope": request.GET.get("scope"),
            "recipient_organisation": request.GET.get("recipient_organisation"),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        granted_at = timezone.make_aware(datetime.datetime.combine(d["granted_on"], datetime.time(12)))
        try:
            services.consent_grant(
                candidate=candidate,
                scope=d["scope"],
                actor=request.user,
                recipient_organisation=d["recipient_organisation"],
                recipient_user=d["recipient_user"],
                reference=d["reference"],
                paper_form_reference=d["paper_form_reference"],
                granted_at=granted_at,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Einwilligung erfasst."))
            target = reverse("candidates:consents", args=[pk])
            return redirect(f"{target}?{urlencode({'next': back})}" if back else target)
    services.candidate_audit_view(candidate=candidate, actor=request.user, fields=["consents"])
    consents = candidate.consents.select_related("recipient_organisation", "recipient_user", "recorded_by")
    rows = selectors.consent_rows(user=request.user, consents=consents)
    return render(
        request,
        "candidates/consent_list.html",
        {"candidate": candidate, "rows": rows, "form": form, "back": back},
    )


@role_required(CASE_STAFF, candidates=True)
def consent_revoke(request: HttpRequest, consent_pk: int) -> HttpResponse:
    """GET: what revoking ends, in the reader's words; POST: revoke. For the person and for staff."""
    consent = selectors.consent_get(user=request.user, pk=consent_pk)
    for_self = consent.candidate.user_id == request.user.pk
    back = (
        redirect("candidates:my_consents")
        if for_self
        else redirect("candidates:consents", pk=consent.candidate_id)
    )
    if request.method == "POST":
        services.consent_revoke(consent=consent, actor=request.user)
        messages.success(request, _("Die Einwilligung ist widerrufen. Sie gilt ab sofort nicht mehr."))
        return back
    if not consent.is_live:
        messages.info(request, _("Diese Einwilligung ist schon widerrufen."))
        return back
    [row] = selectors.consent_rows(user=request.user, consents=[consent])
    return render(
        request,
        "candidates/consent_revoke.html",
        {
            "row": row,
            "for_self": for_self,
            "consequences": selectors.revocation_consequences(user=request.user, consent=consent),
        },
    )


# --- invitation, export, erasure (staff side) ------------------------------------------------------


@role_required(CASE_STAFF)
def invitation_send(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    if candidate.user_id:
        messages.info(request, _("Die Person hat schon ein Konto."))
        return _back(pk)
    form = forms.InvitationForm(
        request.POST or None,
        initial={"email": candidate.email, "language": selectors.invitation_language(candidate=candidate)},
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_send(
                candidate=candidate,
                actor=request.user,
                email=form.cleaned_data["email"],
                language=form.cleaned_data["language"],
            )
        except services.InvitationThrottled:
            form.add_error(
                None,
                _(
                    "Zu viele Einladungen in kurzer Zeit: höchstens %(per_person)s pro Person und %(per_sender)s "
                    "insgesamt pro Stunde. Bitte versuchen Sie es später noch einmal."
                )
                % {
                    "per_person": services.INVITATIONS_PER_CANDIDATE_PER_HOUR,
                    "per_sender": services.INVITATIONS_PER_SENDER_PER_HOUR,
                },
            )
            status = 429
        else:
            messages.success(request, _("Einladung verschickt. Frühere Einladungslinks gelten nicht mehr."))
            return _back(pk)
    return render(
        request,
        "candidates/entry_form.html",
        {"candidate": candidate, "form": form, "title": _("Zum eigenen Profil einladen")},
        status=status,
    )


def _json_download(data, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(CASE_STAFF)
def export(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    return _json_download(
        services.candidate_export_for(candidate=candidate, actor=request.user),
        f"lotse-daten-{candidate.pk}.json",
    )


@role_required([Role.CASE_MANAGER, Role.COORDINATOR])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = selectors.erasable_candidate_get(user=request.user, pk=pk)
    form = forms.EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.candidate_erase_with_account(candidate=candidate, actor=request.user)
        messages.success(request, _("Die personenbezogenen Daten sind gelöscht."))
        return redirect("candidates:case_list")
    return render(request, "candidates/erase_form.html", {"candidate": candidate, "form": form})


# --- self-service --------------------------------------------------------------------------------


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_from_token(token=token)
    if invitation is None:
        return render(request, "candidates/invitation_invalid.html", status=404)
    form = forms.InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(invitation=invitation, password=form.cleaned_data["password1"])
        except services.InvitationUsed:
            # A double submit: the first one made the account; this one sends the person to sign in.
            messages.info(request, _("Ihr Konto ist angelegt. Bitte melden Sie sich mit Ihrem Passwort an."))
            return redirect("account_login")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # allauth's own sign-in, so the session carries its authentication record like any login.
            from allauth.account.internal.flows.login import perform_password_login
            from allauth.account.models import Login

            return perform_password_login(
                request,
                {"email": user.email},
                Login(user=user, redirect_url=reverse("candidates:my_profile")),
            )
    return render(request, "candidates/invitation_accept.html", {"form": form, "invitation": invitation})


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    if not request.user.is_candidate:
        raise PermissionDenied
    candidate = selectors.own_candidate(user=request.user)
    if candidate is None:
        return render(request, "candidates/my_not_linked.html")
    services.candidate_audit_view(candidate=candidate, actor=request.user, note="self-service")
    return render(
        request,
        "candidates/my_profile.html",
        {
            "candidate": candidate,
            "missing": selectors.missing_for_matching(candidate),
            "statuses": hooks.status_items(candidate),
            "tasks": selectors.own_plan(user=request.user).tasks,  # issue 22
        },
    )


@login_required
def my_profile_edit(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    form = forms.OwnProfileForm(
        request.POST or None,
        instance=candidate,
        children_consent=selectors.family_consent_live(candidate=candidate),
    )
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.SELF_SERVICE_FIELDS}
        services.candidate_update_own(
            candidate=selectors.own_candidate(user=request.user),
            actor=request.user,
            data=data,
            children_under_6=form.cleaned_data["children_under_6"],
            children_consent=form.cleaned_data.get("children_consent", False),
        )
        messages.success(request, _("Gespeichert."))
        return redirect("candidates:my_profile")
    return render(request, "candidates/my_profile_form.html", {"form": form, "candidate": candidate})


@login_required
def my_languages(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    form = forms.LanguageForm(request.POST or None)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            entry = get_object_or_404(
                LanguageSkill, pk=remove if remove.isdigit() else 0, candidate=candidate
            )
            services.language_remove(entry=entry, actor=request.user)
            return redirect("candidates:my_languages")
        if form.is_valid():
            services.language_set(candidate=candidate, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Gespeichert."))
            return redirect("candidates:my_languages")
    return render(
        request,
        "candidates/my_languages.html",
        {"candidate": candidate, "languages": candidate.languages.all(), "form": form},
    )


@login_required
def my_consents(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    if request.method == "POST" and request.POST.get("grant") == "listing":
        services.consent_grant(candidate=candidate, scope="listing", actor=request.user)
        messages.success(
            request, _("Danke. Geprüfte Betriebe aus Ihrer Region sehen jetzt Ihr Profil ohne Namen.")
        )
        return redirect("candidates:my_consents")
    if request.method == "POST" and request.POST.get("grant_again", "").isdigit():
        consent = selectors.consent_to_grant_again(user=request.user, pk=int(request.POST["grant_again"]))
        services.consent_grant_again(consent=consent, actor=request.user)
        messages.success(request, _("Sie haben es wieder erlaubt. Das gilt ab sofort."))
        return redirect("candidates:my_consents")
    if request.method == "POST" and "grant_again" in request.POST:
        raise Http404
    consents = list(candidate.consents.select_related("recipient_organisation", "recipient_user"))
    rows = selectors.consent_rows(user=request.user, consents=consents)
    return render(
        request,
        "candidates/my_consents.html",
        {
            "candidate": candidate,
            "live": [r for r in rows if r.consent.is_live],
            "revoked": [r for r in rows if not r.consent.is_live],
            "has_listing": any(r.consent.is_live and r.consent.scope == "listing" for r in rows),
            "grant_again": selectors.grant_again_ids(candidate=candidate, consents=consents),
        },
    )


@login_required
def my_audit(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    return render(
        request, "candidates/my_audit.html", {"entries": selectors.audit_trail(candidate=candidate)}
    )


@login_required
def my_export(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    return _json_download(
        services.candidate_export_for(candidate=candidate, actor=request.user), "lotse-meine-daten.json"
    )


@login_required
def my_export_document(request: HttpRequest) -> HttpResponse:
    """The same data as the download, as a page to read and print in the person's language."""
    from privacy.document import export_document

    from .export_labels import esco_labels_for_reader

    candidate = _require_candidate(request)
    data = esco_labels_for_reader(services.candidate_export_for(candidate=candidate, actor=request.user))
    return render(request, "candidates/my_export_document.html", {"sections": export_document(data)})


# The candidate's own occupations and skills: added with source "candidate" (the services see that the
# actor is the person themself) and kept beside the entries staff made, which the candidate cannot remove.
_OWN_ENTRIES = {
    "occupations": (CandidateOccupation, services.occupation_remove),
    "skills": (CandidateSkill, services.skill_remove),
}


@login_required
def my_occupations(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    form = forms.OwnOccupationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.own_occupation_add(
                candidate=candidate,
                actor=request.user,
                occupation_uri=form.cleaned_data["occupation"].uri,
                years_experience=form.cleaned_data["years_experience"],
            )
        except services.AlreadyInProfile as error:
            form.add_error("occupation_label", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("candidates:my_occupations")
    return render(
        request,
        "candidates/my_occupations.html",
        {"candidate": candidate, "entries": candidate.occupations.select_related("occupation"), "form": form},
    )


@login_required
def my_skills(request: HttpRequest) -> HttpResponse:
    candidate = _require_candidate(request)
    form = forms.OwnSkillForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.own_skill_add(
                candidate=candidate, actor=request.user, skill_uri=form.cleaned_data["skill"].uri
            )
        except services.AlreadyInProfile as error:
            form.add_error("skill_label", error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("candidates:my_skills")
    return render(
        request,
        "candidates/my_skills.html",
        {
            "candidate": candidate,
            "entries": candidate.skills.select_related("skill").order_by("skill__label_de"),
            "form": form,
        },
    )


@login_required
@require_POST
def my_entry_remove(request: HttpRequest, kind: str, entry_pk: int) -> HttpResponse:
    candidate = _require_candidate(request)
    if kind not in _OWN_ENTRIES:
        raise Http404
    model, remove = _OWN_ENTRIES[kind]
    # Only the person's own entries of their own record: anything else is "not found".
    entry = get_object_or_404(model, pk=entry_pk, candidate=candidate, source=ProfileSource.CANDIDATE)
    remove(entry=entry, actor=request.user)
    messages.success(request, _("Entfernt."))
    return redirect(f"candidates:my_{kind}")


@login_required
def my_qualification_edit(request: HttpRequest, entry_pk: int) -> HttpResponse:
    candidate = _require_candidate(request)
    entry = get_object_or_404(Qualification, pk=entry_pk, candidate=candidate)
    form = forms.OwnQualificationForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            # A fresh row: the form has already set the attributes on ``entry``.
            services.qualification_update(
                entry=Qualification.objects.get(pk=entry.pk), actor=request.user, **data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("candidates:my_profile")
    return render(request, "candidates/my_qualification_form.html", {"candidate": candidate, "form": form})


# --- the plan in self-service (issue 22) ------------------------------------------------------------
# The person's goals and steps in her language: staff's free text as written (marked with its
# language), the catalogue words translated. She ticks her own steps, adds her own, comments, and
# answers her tasks; every change lands in the step's history and in the case manager's inbox.


def _own_plan(request: HttpRequest) -> selectors.OwnPlan:
    return _own(request, selectors.own_plan)


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


# --- end issue 22 ---


# --- life-domain assessment (issue 14) ---------------------------------------------------------


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
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_create(
                case=case,
                actor=request.user,
                entries=form.entries(),
                assessed_on=form.cleaned_data["assessed_on"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errs in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errs)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Einschätzung gespeichert."))
            return redirect("coaching:assessment_proposals", case_pk=case.pk)
    if latest is not None and request.method == "GET":
        services.assessment_audit_view(case=case, actor=request.user, special=True)
    return render(request, "candidates/assessment_form.html", {"case": case, "form": form, "latest": latest})


# --- appointments (issue 22) -------------------------------------------------------------------
# Case managers and job coaches of the responsible organisation plan, change and cancel the
# appointments of a case; everyone attending gets the invitation (.ics) in their language.


def _appointment_form_page(request: HttpRequest, *, case, form, appointment=None) -> HttpResponse:
    return render(
        request,
        "candidates/appointment_form.html",
        {"case": case, "form": form, "appointment": appointment},
    )


@role_required(CASE_STAFF)
def appointment_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    choices = selectors.appointment_staff_choices(case=case)
    initial = {"staff_attendees": [u for u in choices if u.pk == request.user.pk]}
    form = forms.AppointmentForm(
        request.POST if request.method == "POST" else None, staff_choices=choices, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_create(
                case=case,
                actor=request.user,
                submission_key=form.cleaned_data.get("submission_key"),
                **form.service_data(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Termin geplant. Alle Teilnehmenden erhalten eine Einladung."))
            return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#termine")
    return _appointment_form_page(request, case=case, form=form)


@role_required(CASE_STAFF)
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    case = appointment.case
    choices = selectors.appointment_staff_choices(case=case)
    choices += [u for u in appointment.staff_attendees.all() if u not in choices]
    form = forms.AppointmentForm(
        request.POST if request.method == "POST" else None,
        staff_choices=choices,
        initial=forms.AppointmentForm.initial_for(appointment),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(appointment=appointment, actor=request.user, **form.service_data())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Termin geändert. Alle Teilnehmenden werden benachrichtigt."))
            return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#termine")
    # The form shows the appointment (place, notes): a read of case data like the case page.
    services.candidate_audit_view(candidate=case.candidate, actor=request.user, fields=["appointments"])
    return _appointment_form_page(request, case=case, form=form, appointment=appointment)


@role_required(CASE_STAFF)
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    services.appointment_cancel(appointment=appointment, actor=request.user)
    messages.success(request, _("Termin abgesagt. Alle Teilnehmenden werden benachrichtigt."))
    return redirect(reverse("candidates:case_detail", kwargs={"case_pk": appointment.case_id}) + "#termine")


# --- closing a case with an evaluation; phase history; reassigning (issue 14 §4) ---------------
# A case closes only through its evaluation (reason, goals reached, the six-month question for an
# employment). Closed, it leaves the caseload: its staff keep the closing page to answer the
# follow-up and to reopen it. Team leads hand the cases of departed colleagues on in bulk.


@role_required(CASE_STAFF)
def case_close(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    if not case.is_open:
        return redirect("candidates:case_closure", case_pk=case.pk)
    form = forms.CaseCloseForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
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
    current = next((e for e in selectors.case_evaluations(case=case) if e.reopened_at is None), None)
    if current is None or current.follow_up_due is None:
        raise Http404
    form = forms.FollowUpAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.closure_follow_up_answer(evaluation=current, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Antwort gespeichert."))
            return redirect("candidates:case_closure", case_pk=case.pk)
    return _closure_page(request, case, follow_up_form=form)


@role_required(CASE_STAFF)
@require_POST
def case_reopen(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.closed_case_get(user=request.user, pk=case_pk, for_edit=True)
    form = forms.CaseReopenForm(request.POST)
    if form.is_valid():
        try:
            services.case_reopen(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Fall wieder eröffnet."))
            return redirect("candidates:case_detail", case_pk=case.pk)
    return _closure_page(request, case, reopen_form=form)


@role_required(CASE_STAFF)
def closed_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.closed_cases(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    for case in page.object_list:
        case.reason_label = ClosingReason(case.reason).label if case.reason in ClosingReason.values else ""
    return render(request, "candidates/closed_list.html", {"page": page, "today": timezone.localdate()})


@role_required(CASE_STAFF)
def reassign(request: HttpRequest) -> HttpResponse:
    """The team lead's page: open cases of colleagues who left (or of nobody), handed on in bulk."""
    organisations = selectors.lead_organisations(user=request.user)
    if not organisations:
        raise PermissionDenied
    wanted = request.POST.get("organisation") or request.GET.get("organisation")
    organisation = organisations[0]
    if wanted:
        organisation = next((o for o in organisations if str(o.pk) == wanted), None)
        if organisation is None:
            raise Http404
    cases = list(selectors.orphaned_cases(user=request.user).filter(responsible_organisation=organisation))
    targets = selectors.reassign_targets(organisation=organisation)
    form = forms.ReassignForm(request.POST or None, cases=cases, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.cases_reassign(
                actor=request.user,
                organisation=organisation,
                cases=form.selected_cases(),
                to_user=form.selected_user(),
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)s Fall neu zugewiesen. Die Klient*in wurde benachrichtigt.",
                    "%(n)s Fälle neu zugewiesen. Die Klient*innen wurden benachrichtigt.",
                    moved,
                )
                % {"n": moved},
            )
            return redirect(
                reverse("candidates:reassign") + "?" + urlencode({"organisation": organisation.pk})
            )
    return render(
        request,
        "candidates/reassign.html",
        {"organisations": organisations, "organisation": organisation, "form": form, "cases": cases},
    )


# --- the Clearingstelle: questions to the Ausländerbehörde (issue 14 §3) ---------------------------


@role_required(CASE_STAFF)
def immigration_question_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    """Case staff ask their municipality's Ausländerbehörde a question about the person."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    if not selectors.may_ask_immigration_office(user=request.user, case=case):
        raise PermissionDenied
    offices = selectors.immigration_offices(municipality_id=case.municipality_id)
    form = forms.ImmigrationQuestionForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        try:
            services.immigration_question_ask(case=case, actor=request.user, **form.service_data())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.immigration_question_answer(
                question=question, actor=request.user, answer=form.cleaned_data["answer"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Die Antwort ist gesendet."))
            return redirect("candidates:office_question_list")
    services.immigration_questions_audit_view(actor=request.user, questions=[question], detail=True)
    return render(
        request,
        "candidates/office_question_detail.html",
        {"question": question, "form": form, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


# --- the work permission procedure (issue 14 §3) ----------------------------------------------------


@role_required(CASE_STAFF)
def work_permit_procedure(request: HttpRequest, case_pk: int, pk: int | None = None) -> HttpResponse:
    """Record (or, with ``pk``, update) the work permission procedure of a case."""
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    procedure = selectors.work_permit_procedure_get(case=case, pk=pk) if pk else None
    form = forms.WorkPermitProcedureForm(request.POST or None, instance=procedure)
    if request.method == "POST" and form.is_valid():
        try:
            services.work_permit_procedure_save(
                case=case, actor=request.user, procedure=procedure, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Das Verfahren zur Beschäftigungserlaubnis ist gespeichert."))
            return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#erlaubnis")
    return render(
        request,
        "candidates/work_permit_form.html",
        {"case": case, "form": form, "procedure": procedure},
        status=400 if request.method == "POST" else 200,
    )


# --- the recognition procedure (issue 14 §3) --------------------------------------------------------


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
