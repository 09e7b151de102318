"""Self-service: the person's own profile, languages, occupations, skills, consents, audit trail and export."""

from __future__ import annotations

from collections.abc import Callable

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import forms, hooks, selectors, services
from ..models import Candidate
from ._common import json_download, require_candidate


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
    candidate = require_candidate(request)
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
    candidate = require_candidate(request)
    form = forms.LanguageForm(request.POST or None)
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            entry = selectors.profile_entry_get(
                candidate=candidate, kind="languages", pk=int(remove) if remove.isdecimal() else 0
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
        {
            "candidate": candidate,
            "languages": selectors.profile_entries(candidate=candidate, kind="languages"),
            "form": form,
        },
    )


@login_required
def my_consents(request: HttpRequest) -> HttpResponse:
    candidate = require_candidate(request)
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
    consents = list(selectors.candidate_consents(candidate=candidate))
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
    candidate = require_candidate(request)
    return render(
        request, "candidates/my_audit.html", {"entries": selectors.audit_trail(candidate=candidate)}
    )


@login_required
def my_export(request: HttpRequest) -> HttpResponse:
    candidate = require_candidate(request)
    return json_download(
        services.candidate_export_for(candidate=candidate, actor=request.user), "lotse-meine-daten.json"
    )


@login_required
def my_export_document(request: HttpRequest) -> HttpResponse:
    """The same data as the download, as a page to read and print in the person's language."""
    from privacy.document import export_document

    from ..export_labels import esco_labels_for_reader

    candidate = require_candidate(request)
    data = esco_labels_for_reader(services.candidate_export_for(candidate=candidate, actor=request.user))
    return render(request, "candidates/my_export_document.html", {"sections": export_document(data)})


# The candidate's own occupations and skills: added with source "candidate" (the services see that the
# actor is the person themself) and kept beside the entries staff made, which the candidate cannot remove.
_OWN_REMOVERS = {
    "occupations": services.occupation_remove,
    "skills": services.skill_remove,
}


def _own_entry_page(
    request: HttpRequest,
    *,
    kind: str,
    form_class: type[django_forms.Form],
    label_field: str,
    add: Callable[[Candidate, dict], object],
) -> HttpResponse:
    """The page of the person's own occupations or skills: their list, and a form that adds one
    (an entry already there is told at the search field)."""
    candidate = require_candidate(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(candidate, form.cleaned_data)
        except services.AlreadyInProfile as error:
            form.add_error(label_field, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect(f"candidates:my_{kind}")
    return render(
        request,
        f"candidates/my_{kind}.html",
        {
            "candidate": candidate,
            "entries": selectors.profile_entries(candidate=candidate, kind=kind),
            "form": form,
        },
    )


@login_required
def my_occupations(request: HttpRequest) -> HttpResponse:
    return _own_entry_page(
        request,
        kind="occupations",
        form_class=forms.OwnOccupationForm,
        label_field="occupation_label",
        add=lambda candidate, data: services.own_occupation_add(
            candidate=candidate,
            actor=request.user,
            occupation_uri=data["occupation"].uri,
            years_experience=data["years_experience"],
        ),
    )


@login_required
def my_skills(request: HttpRequest) -> HttpResponse:
    return _own_entry_page(
        request,
        kind="skills",
        form_class=forms.OwnSkillForm,
        label_field="skill_label",
        add=lambda candidate, data: services.own_skill_add(
            candidate=candidate, actor=request.user, skill_uri=data["skill"].uri
        ),
    )


@login_required
@require_POST
def my_entry_remove(request: HttpRequest, kind: str, entry_pk: int) -> HttpResponse:
    candidate = require_candidate(request)
    if kind not in _OWN_REMOVERS:
        raise Http404
    # Only the person's own entries of their own record: anything else is "not found".
    entry = selectors.profile_entry_get(candidate=candidate, kind=kind, pk=entry_pk, own=True)
    _OWN_REMOVERS[kind](entry=entry, actor=request.user)
    messages.success(request, _("Entfernt."))
    return redirect(f"candidates:my_{kind}")


@login_required
def my_qualification_edit(request: HttpRequest, entry_pk: int) -> HttpResponse:
    candidate = require_candidate(request)
    entry = selectors.profile_entry_get(candidate=candidate, kind="qualifications", pk=entry_pk)
    form = forms.OwnQualificationForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            # A fresh row: the form has already set the attributes on ``entry``.
            services.qualification_update(
                entry=selectors.profile_entry_get(candidate=candidate, kind="qualifications", pk=entry.pk),
                actor=request.user,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("candidates:my_profile")
    return render(request, "candidates/my_qualification_form.html", {"candidate": candidate, "form": form})
