"""Thin views: parse, check access (selectors raise 403/404), call a service, render.

403 when the role may never use a page; 404 when an object exists outside the user's scope.
"""

from __future__ import annotations

import csv
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role
from candidates import selectors as candidate_selectors
from inputs.fields_html import fields_html
from inputs.forms import errors_to_form, post_or_back_to, save_form
from organisations import access
from organisations.kept_page import Keep, kept_page
from taxonomy import selectors as taxonomy_selectors

from . import selectors, services
from .browse_results import browse_results, kept_in_time
from .card_text import card_html, explanation_html
from .filters import CandidateBrowseFilter
from .forms import (
    AnswerForm,
    CloseForm,
    EmploymentEndForm,
    HireForm,
    InterviewForm,
    MatchFilterForm,
    OfferForm,
    PlacementForm,
    ProposalDeclineForm,
    RegistrationForm,
    SavedSearchForm,
    SelectForm,
    ShortlistForm,
    VerificationForm,
)
from .models import Introduction, PlacementStatus

EXPORT_LIMIT = 500


# --- dashboard and registration -----------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    pending = selectors.pending_organisations(user=request.user)
    if not access.is_verified_employer(user=request.user):
        if pending:
            return render(request, "employers/pending.html", {"pending": pending})
        raise PermissionDenied
    placements = list(selectors.dashboard_placements(user=request.user))
    return render(
        request,
        "employers/home.html",
        {
            "profile": selectors.require_employer(user=request.user),
            "placements": placements,
            "totals": selectors.pipeline_counts(placements),
            "coach_url": selectors.coach_contact_url(),
            "introductions": selectors.employer_open_introductions(user=request.user),
        },
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    user = request.user
    if getattr(user, "is_candidate", False):
        raise PermissionDenied
    roles = {m.role for m in access.memberships(user=user)}
    if Role.EMPLOYER in roles:
        return redirect("employers:home")
    if roles:
        raise PermissionDenied  # staff register businesses with their own, separate login
    form = RegistrationForm(request.POST or None)
    if save_form(request, form, lambda data: services.employer_register(user=user, **data)):
        messages.success(request, _("Danke! Ihr Betrieb ist registriert und wird jetzt geprüft."))
        return redirect("employers:home")
    return render(request, "employers/register.html", {"form": form})


@login_required
def verification_list(request: HttpRequest) -> HttpResponse:
    queue = selectors.verification_queue(user=request.user)
    return render(request, "employers/verification_list.html", {"queue": queue, "form": VerificationForm()})


@login_required
@require_POST
def verification_decide(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.verification_get(user=request.user, pk=pk)
    form = VerificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte bestätigen oder ablehnen."))
        return redirect("employers:verification_list")
    verify = form.cleaned_data["decision"] == "verify"
    services.employer_decide(
        organisation=organisation, actor=request.user, verify=verify, note=form.cleaned_data["note"]
    )
    messages.success(
        request,
        (_("%(name)s ist jetzt geprüft.") if verify else _("%(name)s wurde abgelehnt."))
        % {"name": organisation.name},
    )
    return redirect("employers:verification_list")


# --- placements -----------------------------------------------------------------------------


def _placement_form_page(request: HttpRequest, form: PlacementForm, placement=None) -> HttpResponse:
    return render(request, "employers/placement_form.html", {"form": form, "placement": placement})


@login_required
def placement_create(request: HttpRequest) -> HttpResponse:
    profile = selectors.require_employer(user=request.user)
    form = PlacementForm(
        request.POST or None,
        initial={
            "status": PlacementStatus.OPEN,
            "openings": 1,
            "postcode": profile.organisation.postcode,
            "city": profile.organisation.city,
        },
    )
    placement = save_form(
        request,
        form,
        lambda data: services.placement_create(
            employer=profile,
            actor=request.user,
            data=form.placement_data(),
            skills=form.chosen_skills(),
            submission_key=data["submission_key"],
        ),
    )
    if placement:
        messages.success(request, _("Die Stelle ist gespeichert."))
        return redirect("employers:placement_detail", pk=placement.pk)
    return _placement_form_page(request, form)


@login_required
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    form = PlacementForm(request.POST or None, instance=placement)
    if save_form(
        request,
        form,
        lambda _data: services.placement_update(
            placement=placement,
            actor=request.user,
            data=form.placement_data(),
            skills=form.chosen_skills(),
        ),
    ):
        messages.success(request, _("Die Stelle ist gespeichert."))
        return redirect("employers:placement_detail", pk=placement.pk)
    return _placement_form_page(request, form, placement)


@login_required
@require_GET
def placement_skill_suggestions(request: HttpRequest) -> HttpResponse:
    """HTMX: the chosen occupation's ESCO skills as checkboxes, essential ones pre-checked (for
    employers and for case staff who record a placement they found)."""
    if services.acquiring_office(user=request.user) is None:
        selectors.require_employer(user=request.user)
    occupation = taxonomy_selectors.occupation_by_uri(uri=request.GET.get("occupation_uri", "")[:255])
    form = PlacementForm(initial={"occupation_uri": occupation.uri} if occupation else {})
    return render(request, "employers/_skill_suggestions.html", {"form": form, "occupation": occupation})


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    return render(
        request,
        "employers/placement_detail.html",
        {
            "placement": placement,
            "skills": selectors.placement_skills(placement=placement),
            "shortlist": selectors.shortlist(user=request.user, placement=placement),
            "introductions": selectors.introductions_of(placement=placement),
        },
    )


def _match_html(m, placement) -> tuple:
    """A match with its card's and explanation's markup, composed once per kept row (the rows of a
    page the worker keeps share it; selectors.placement_matches keeps them per language)."""
    composed = m.html.get("composed")
    if composed is None:  # both at once: a thread never finds one without the other
        composed = m.html.setdefault(
            "composed", (card_html(m.card, select=True, placement=placement), explanation_html(m))
        )
    return m, *composed


@login_required
def placement_matches(request: HttpRequest, pk: int) -> HttpResponse:
    # Drawn again only when a row it read (a listing, the shortlist, the candidate index's change
    # log) or the taxonomy it was ranked with changed (organisations.kept_page): an employer goes
    # from the matches to a card, a proposal or the shortlist and back.
    return kept_page(
        request, name="employers.placement_matches", draw=lambda keep: _placement_matches(request, pk, keep)
    )


def _placement_matches(request: HttpRequest, pk: int, keep: Keep) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    # Bound only when a filter was sent: the page number alone is no filter (and shows no errors).
    sent = any(request.GET.get(name) for name in MatchFilterForm.base_fields)
    form = MatchFilterForm(request.GET if sent else None, placement=placement)
    matches = selectors.placement_matches(
        user=request.user, placement=placement, page=request.GET.get("seite", 1), **form.narrowing()
    )
    keep.watch(selectors.matches_taxonomy_version, selectors.matches_taxonomy_version())
    if matches.kept_since is not None:  # cards from the worker's kept matches: no later than their time
        keep.watch(partial(selectors.matches_kept_in_time, since=matches.kept_since), True)
    keep.every_time(
        services.anonymous_cards_shown,
        candidates=[(pk, placement.municipality_id) for pk in matches.candidate_ids],
    )
    # The pager's links keep the filter as sent (a wrong value too: the page shows it with its error).
    query = QueryDict(mutable=True)
    for name in MatchFilterForm.base_fields:
        if request.GET.get(name):
            query[name] = request.GET[name]
    return render(
        request,
        "employers/placement_matches.html",
        {
            "placement": placement,
            "matches": matches,
            # _card.html's markup composed in Python, as on the browse page (issue 21)
            # and _explanation.html's likewise (card_text.explanation_html, byte-tested against it)
            "match_cards": [_match_html(m, placement) for m in matches],
            "form": form,
            # The three fields' markup composed in Python and remembered (as on the browse page); the
            # start date (help text) and postcode (radius error) are the placement's part in it.
            "filter_fields": fields_html(
                form,
                ("radius", "german", "available_by"),
                scope=f"employers:placement_matches:{placement.start_date}:{placement.postcode}",
                between="\n  ",
            ),
            "pager_query": query.urlencode(),
        },
    )


@login_required
@require_POST
def shortlist_add(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    form = ShortlistForm(request.POST)
    if not form.is_valid():
        raise Http404
    candidate = selectors.listed_candidate_get(user=request.user, ref=form.cleaned_data["candidate"])
    try:
        services.shortlist_add(
            placement=placement, candidate=candidate, actor=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Auf der Merkliste gespeichert."))
    return redirect(
        request.POST.get("next")
        if _safe_next(request)
        else reverse("employers:placement_detail", args=[placement.pk])
    )


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/") and not target.startswith("//")


@login_required
@require_POST
def shortlist_remove(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    placement = selectors.placement_get(user=request.user, pk=pk)
    entry = selectors.shortlist_entry_get(placement=placement, pk=entry_pk)
    services.shortlist_remove(entry=entry, actor=request.user)
    messages.success(request, _("Von der Merkliste entfernt."))
    return redirect("employers:placement_detail", pk=placement.pk)


# --- browse -----------------------------------------------------------------------------------

# The filter form's fields below the two ESCO comboboxes, in the page's order.
BROWSE_FILTER_FIELDS = (
    "skills_mode",
    "german",
    "postcode",
    "radius",
    "available_by",
    "hours",
    "kind",
    "sort",
    "size",
)


# Where a browse filter error links to: the field's input (the two ESCO comboboxes have ids of
# their own).
_BROWSE_ERROR_TARGETS = {"occupation": "occupation-search", "skills": "skill-search"}


def _filter_errors(form) -> list[tuple[str, str, str]]:
    """(label, id of the input, message) for each error of a sent browse filter, the form's own
    errors first (no input to go to): what the page says at the top of the form."""
    if not form.is_bound or form.is_valid():
        return []
    errors = [("", "", message) for message in form.non_field_errors()]
    for field in form:
        target = _BROWSE_ERROR_TARGETS.get(field.name, field.auto_id)
        errors += [(str(field.label), target, message) for message in field.errors]
    return errors


def _errors_shown(request: HttpRequest) -> list[tuple[str, str, str]] | None:
    """The browse filter's errors on the page an htmx request comes from, as its address says
    (HX-Current-URL: hx-push-url keeps it at the last filter); None when it does not say."""
    url = request.htmx.current_url
    if not url:
        return None
    data = QueryDict(urlsplit(url).query)
    if not data:
        return []
    # (checking the filter reads no rows: ``listed`` is built only when rows are read)
    return _filter_errors(
        CandidateBrowseFilter(data, listed=partial(selectors.browse_base, user=request.user)).form
    )


def _browse(request: HttpRequest):
    selectors.browse_allowed(user=request.user)  # 403 for all but verified employers, rows or not
    filterset = CandidateBrowseFilter(
        request.GET or None, listed=partial(selectors.browse_base, user=request.user)
    )
    valid = filterset.is_bound and filterset.form.is_valid()
    origin = (filterset.form.cleaned_data.get("postcode") if valid else None) or selectors.default_origin(
        user=request.user
    )
    return filterset, origin


@login_required
@require_GET
def browse(request: HttpRequest) -> HttpResponse:
    # Drawn again only when a row it read (who is listed, the index's change log, the saved
    # searches) changed or its cards' time is up (organisations.kept_page).
    return kept_page(request, name="employers.browse", draw=lambda keep: _browse_page(request, keep))


def _browse_page(request: HttpRequest, keep: Keep) -> HttpResponse:
    filterset, origin = _browse(request)
    results = browse_results(
        user=request.user, filterset=filterset, origin=origin, page=request.GET.get("page")
    )
    # Audited on every request, a kept page included.
    keep.every_time(services.anonymous_cards_shown, candidates=results.shown)
    if results.kept_since is not None:  # cards from the worker's memory: no later than their time
        keep.watch(partial(kept_in_time, since=results.kept_since), True)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": results.page,
        "cards": results.cards,
        "cards_html": results.cards_html,
        "origin": origin,
        "query": query.urlencode(),
        "saved_form": SavedSearchForm(initial={"query": query.urlencode()}),
    }
    context["filter_errors"] = _filter_errors(filterset.form)
    # (htmx asks for the whole page again when its history has none: going back after a while)
    if request.htmx and not request.htmx.history_restore_request:
        # The list of what is wrong comes along only when it changed: inserted again unchanged, its
        # alert would be read out again on every change of any field.
        context["errors_changed"] = context["filter_errors"] != _errors_shown(request)
        return render(request, "employers/_browse_answer.html", context)
    context["saved_searches"] = selectors.saved_search_rows(user=request.user)
    context["filter_fields"] = fields_html(
        filterset.form, BROWSE_FILTER_FIELDS, scope="employers:browse", between="\n  "
    )
    context.update(_chosen_concepts(filterset.form))
    return render(request, "employers/browse.html", context)


def _chosen_concepts(form) -> dict:
    """The chosen occupation and skills as (URI, label) pairs: labels for people, URIs for the URL."""
    occupation = (form["occupation"].value() or "").strip()[:255]
    skills = form.fields["skills"].to_python(form["skills"].value())
    labels = selectors.concept_labels([occupation, *skills])
    return {
        "chosen_occupation": (occupation, labels.get(occupation, occupation)) if occupation else None,
        "chosen_skills": [(uri, labels.get(uri, uri)) for uri in skills],
    }


@login_required
@require_GET
def browse_export(request: HttpRequest) -> HttpResponse:
    """CSV of the filtered result: the same anonymous cards, nothing more."""
    filterset, origin = _browse(request)
    rows = selectors.anonymous_rows(filterset.qs)[:EXPORT_LIMIT]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lotse-profile.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Referenz"),
            _("Berufe (Jahre)"),
            _("Kompetenzen"),
            _("Sprachen"),
            _("Entfernung (km)"),
            _("verfügbar ab"),
            _("Stunden pro Woche"),
            _("Arbeitserlaubnis"),
        ]
    )
    for card in selectors.anonymous_cards(rows, origin_postcode=origin):
        writer.writerow(
            [
                card.ref,
                ", ".join(f"{label} ({years:g})" for label, years in card.occupations),
                ", ".join(card.skills),
                ", ".join(f"{lang} {spoken}/{written}" for lang, spoken, written in card.languages),
                "" if card.distance_km is None else card.distance_km,
                card.available_from.isoformat() if card.available_from else "",
                f"{card.hours_min or ''}–{card.hours_max or ''}",
                card.permit_label,
            ]
        )
    return response


@login_required
@require_POST
def saved_search_create(request: HttpRequest) -> HttpResponse:
    selectors.require_employer(user=request.user)
    form = SavedSearchForm(request.POST)
    if form.is_valid():
        services.saved_search_save(
            user=request.user, name=form.cleaned_data["name"], query=form.cleaned_data["query"]
        )
        messages.success(request, _("Suche gespeichert."))
    else:
        messages.error(request, _("Bitte der Suche einen Namen geben."))
    return redirect(f"{reverse('employers:browse')}?{form.data.get('query', '')}")


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_employer(user=request.user)
    search = selectors.saved_search_get(user=request.user, pk=pk)
    services.saved_search_delete(search=search, actor=request.user)
    messages.success(request, _("Gespeicherte Suche gelöscht."))
    return redirect("employers:browse")


@login_required
def select_candidate(request: HttpRequest, ref: str) -> HttpResponse:
    """Choose a listed candidate (by public reference) for one of the employer's open placements."""
    candidate_row = selectors.listed_candidate_get(user=request.user, ref=ref)
    placements = selectors.open_placements_for(user=request.user)
    form = SelectForm(
        request.POST or None, placements=placements, initial={"placement": request.GET.get("placement")}
    )
    if request.method == "POST" and form.is_valid():
        placement = selectors.placement_get(user=request.user, pk=form.cleaned_data["placement"])
        try:
            intro = services.introduction_select(
                placement=placement,
                candidate=candidate_row,
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Angefragt. Die Person und ihre Ansprechperson werden benachrichtigt.")
            )
            return redirect("employers:introduction_detail", ref=intro.reference)
    card = selectors.anonymous_cards(
        [candidate_row], origin_postcode=selectors.default_origin(user=request.user)
    )[0]
    return render(request, "employers/select.html", {"card": card, "form": form, "placements": placements})


# --- introductions: employer side ------------------------------------------------------------


def _hire_form(intro: Introduction, data=None) -> HireForm:
    """The hire form with the team's job coaches to choose from, the team's coach preselected."""
    candidate = intro.candidate
    return HireForm(
        data,
        coaches=candidate_selectors.job_coach_choices(candidate=candidate),
        default_coach=candidate_selectors.default_job_coach(candidate=candidate),
        placement=intro.placement,
    )


@login_required
def introduction_detail(request: HttpRequest, ref: str) -> HttpResponse:
    intro = selectors.employer_introduction_get(user=request.user, ref=ref)
    return _introduction_page(request, intro)


def _introduction_page(
    request: HttpRequest,
    intro: Introduction,
    *,
    hire_form: HireForm | None = None,
    interview_form: InterviewForm | None = None,
    offer_form: OfferForm | None = None,
    close_form: CloseForm | None = None,
    decline_form: ProposalDeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    contact = selectors.introduction_contact(user=request.user, introduction=intro)
    # Right after the person's yes, the employer reveals the contact with a POST (recorded as a
    # stage); opening the page only shows, and audits what it shows.
    reveal = contact is not None and intro.stage == Introduction.Stage.ACCEPTED
    if reveal:
        contact = None
    if contact is not None:
        services.introduction_contact_viewed(introduction=intro, actor=request.user)
    # Without the contact, the card only while the person still shares it (checked in the selector).
    card = None
    if contact is None and not reveal:
        card = selectors.introduction_card(user=request.user, introduction=intro)
        if card is not None:
            # The card on this page is a read of the person's data like the list's: into their trail.
            services.anonymous_cards_shown(
                actor=request.user, candidates=[(intro.candidate_id, intro.candidate.municipality_id)]
            )
    proposal = None
    if card is not None and intro.stage == Introduction.Stage.SUGGESTED:
        proposal = selectors.proposal_match(user=request.user, introduction=intro, card=card)
    return render(
        request,
        "employers/introduction_detail.html",
        {
            "intro": intro,
            "contact": contact,
            "card": card,
            "reveal": reveal,
            "history": selectors.introduction_history(user=request.user, introduction=intro),
            "interview_form": interview_form or InterviewForm(),
            "offer_form": offer_form or OfferForm(),
            "hire_form": hire_form
            if hire_form is not None
            else (_hire_form(intro) if intro.contact_visible and intro.is_open else None),
            "close_form": close_form or CloseForm(),
            "proposal": proposal,
            "decline_form": decline_form or ProposalDeclineForm(),
            "coach_url": selectors.coach_contact_url(),
            "permit_pending": selectors.introduction_permit_pending(
                user=request.user, introduction=intro, contact=contact
            ),
        },
        status=status,
    )


_ACTIONS = {"interview": InterviewForm, "offer": OfferForm, "close": CloseForm}


@login_required
@post_or_back_to("employers:introduction_detail", "ref")
def introduction_action(request: HttpRequest, ref: str, action: str) -> HttpResponse:
    intro = selectors.employer_introduction_get(user=request.user, ref=ref)
    if action == "reveal":
        if selectors.introduction_contact(user=request.user, introduction=intro) is None:
            raise PermissionDenied
        services.introduction_contact_reveal(introduction=intro, actor=request.user)
        return redirect("employers:introduction_detail", ref=intro.reference)
    if action == "hire":
        return _hire(request, intro)
    if action in ("accept_proposal", "decline_proposal"):
        return _proposal_answer(request, intro, accept=action == "accept_proposal")
    form_class = _ACTIONS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte prüfen Sie Ihre Eingaben."))
    else:
        data = form.cleaned_data
        try:
            if action == "interview":
                services.introduction_schedule_interview(
                    introduction=intro,
                    actor=request.user,
                    at=data["interview_at"],
                    place=data["interview_place"],
                )
            elif action == "offer":
                services.introduction_offer(introduction=intro, actor=request.user, note=data["note"])
            else:
                services.introduction_close(
                    introduction=intro, actor=request.user, reason=data["reason"], note=data["note"]
                )
        except ValidationError as exc:
            # Said at the top (the form may be gone from the page: the stage moved on meanwhile),
            # and the page drawn from the introduction as it is now, not as it was read.
            messages.error(request, " ".join(exc.messages))
            errors_to_form(form, exc)
            intro.refresh_from_db()
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("employers:introduction_detail", ref=intro.reference)
    # The page again with what was typed (a note of up to 500 characters), each error at its field.
    return _introduction_page(request, intro, status=400, **{f"{action}_form": form})


def _proposal_answer(request: HttpRequest, intro: Introduction, *, accept: bool) -> HttpResponse:
    """The employer takes up or declines a proposal; a decline without a reason shows the page again."""
    form = None
    try:
        if accept:
            services.introduction_proposal_accept(introduction=intro, actor=request.user)
        else:
            form = ProposalDeclineForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Bitte prüfen Sie Ihre Eingaben."))
                return _introduction_page(request, intro, decline_form=form, status=400)
            services.introduction_proposal_decline(
                introduction=intro,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Vorschlag angenommen.") if accept else _("Vorschlag abgelehnt."))
    return redirect("employers:introduction_detail", ref=intro.reference)


def _hire(request: HttpRequest, intro: Introduction) -> HttpResponse:
    """The hire: on bad input the page again with the form's errors and the input kept."""
    form = _hire_form(intro, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.introduction_hire(
                introduction=intro,
                actor=request.user,
                start_date=data["start_date"],
                contract_type=data["contract_type"],
                hours_per_week=data["hours_per_week"],
                job_coach=data["job_coach"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors_to_form(form, exc)
            else:
                # The introduction moved on meanwhile (closed, already hired): the page may no longer
                # show the form, so the reason goes where every page shows it.
                messages.error(request, " ".join(exc.messages))
                intro = selectors.employer_introduction_get(user=request.user, ref=intro.reference)
        else:
            messages.success(request, _("Gespeichert."))
            return redirect("employers:introduction_detail", ref=intro.reference)
    if form.errors:  # (said at the top as the page's other forms do; each error beside its field)
        messages.error(request, _("Bitte prüfen Sie Ihre Eingaben."))
    return _introduction_page(request, intro, hire_form=form, status=400)


# --- introductions: candidate and case staff ---------------------------------------------------


def _introduction_heading(intro: Introduction) -> str:
    """ "<title> bei <employer>" in the reader's language; the employer wrote both names in German,
    so each sits in its own <bdi> and reads right inside Arabic or Farsi text."""
    names = {
        "title": format_html('<bdi lang="de">{}</bdi>', intro.placement.title),
        "employer": format_html('<bdi lang="de">{}</bdi>', intro.placement.employer.organisation.name),
    }
    # The pattern comes from our own catalogue; the names are escaped by format_html.
    return mark_safe(_("%(title)s bei %(employer)s") % names)  # noqa: S308


@login_required
def my_introductions(request: HttpRequest) -> HttpResponse:
    intros = list(selectors.own_introductions(user=request.user))
    rows = [(i, _introduction_heading(i), selectors.candidate_status_text(i)) for i in intros]
    return render(request, "employers/my_introductions.html", {"rows": rows, "form": AnswerForm()})


@login_required
def staff_introductions(request: HttpRequest) -> HttpResponse:
    intros = selectors.staff_introductions(user=request.user)[:200]
    return render(
        request,
        "employers/staff_introductions.html",
        {"intros": intros, "form": AnswerForm(), "answer_days": settings.LOTSE_INTRODUCTION_ANSWER_DAYS},
    )


@login_required
@require_POST
def introduction_answer(request: HttpRequest, ref: str) -> HttpResponse:
    intro = selectors.answerable_introduction_get(user=request.user, ref=ref)
    form = AnswerForm(request.POST)
    target = "employers:my_introductions" if request.user.is_candidate else "employers:staff_introductions"
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie Ja oder Nein."))
        return redirect(target)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        services.introduction_answer(
            introduction=intro, actor=request.user, accept=accept, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Danke, Ihre Antwort ist gespeichert.") if accept else _("Danke, die Absage ist gespeichert."),
        )
    return redirect(target)


# --- employments -----------------------------------------------------------------------------


@login_required
def employment_end(request: HttpRequest, ref: str) -> HttpResponse:
    """End a running employment: the employer's staff or the case staff of the candidate."""
    employment = selectors.endable_employment_get(user=request.user, ref=ref)
    form = EmploymentEndForm(request.POST or None)
    if save_form(
        request, form, lambda data: services.employment_end(employment=employment, actor=request.user, **data)
    ):
        messages.success(request, _("Das Ende der Beschäftigung ist gespeichert."))
        return redirect("employers:employment_end", ref=employment.reference)
    return render(request, "employers/employment_end.html", {"employment": employment, "form": form})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The old address of the employer's notices: the one inbox is in notifications now."""
    return redirect("notifications:inbox", permanent=True)
