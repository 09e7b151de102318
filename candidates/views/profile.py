"""The person's page and the staff's edits of the skill profile."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_READERS, CASE_STAFF, Role
from inputs.forms import save_form
from organisations import access
from organisations.decorators import role_required

from .. import forms, selectors, services
from ._common import back_to_detail


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
                candidate=selectors.overseen_candidate_get(user=user, pk=pk),
                actor=user,
                fields=["case_metadata"],
            )
            return render(request, "candidates/candidate_overview.html", {"candidate": overview})
        if candidate is not None:
            services.candidate_audit_view(candidate=candidate, actor=user, fields=["profile", "cases"])
            can_edit = selectors.may_edit_candidate(user=user, pk=pk)
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
            candidate=selectors.volunteer_candidate_get(user=user, pk=pk),
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
            return back_to_detail(pk)
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
        return back_to_detail(pk)
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
        return back_to_detail(pk)
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


def _entry_add(request: HttpRequest, pk: int, form_class, add, title: str) -> HttpResponse:
    """Staff add one entry (a language, a qualification) to a person's profile: ``add(candidate,
    actor, data)`` is the service call."""
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    form = form_class(request.POST or None)
    if _entry_saved(request, form, lambda d: add(candidate=candidate, actor=request.user, **d)):
        return back_to_detail(pk)
    return render(
        request, "candidates/entry_form.html", {"candidate": candidate, "form": form, "title": title}
    )


@role_required(CASE_STAFF)
def language_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_add(request, pk, forms.LanguageForm, services.language_set, _("Sprache hinzufügen"))


@role_required(CASE_STAFF)
def qualification_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_add(
        request,
        pk,
        forms.QualificationForm,
        services.qualification_add,
        _("Abschluss oder Qualifikation hinzufügen"),
    )


_ENTRY_REMOVERS = {
    "occupations": services.occupation_remove,
    "skills": services.skill_remove,
    "languages": services.language_remove,
    "qualifications": services.qualification_remove,
}


@role_required(CASE_STAFF)
@require_POST
def entry_remove(request: HttpRequest, pk: int, kind: str, entry_pk: int) -> HttpResponse:
    candidate = selectors.candidate_get(user=request.user, pk=pk, for_edit=True)
    if kind not in _ENTRY_REMOVERS:
        raise Http404
    entry = selectors.profile_entry_get(candidate=candidate, kind=kind, pk=entry_pk)
    _ENTRY_REMOVERS[kind](entry=entry, actor=request.user)
    messages.success(request, _("Entfernt."))
    return back_to_detail(pk)
