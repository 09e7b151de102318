"""Views of speed dating scheduled from matches (issue 15): thin — parse, check access (the
selectors and services of employers/speeddating.py do), call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from inputs.forms import errors_to_form

from . import speeddating as sd
from .forms import SpeedDatingBusinessForm, SpeedDatingForm, SpeedDatingOutcomeForm


def _detail(pk: int, anchor: str = "") -> HttpResponse:
    return redirect(reverse("employers:speed_dating_detail", args=[pk]) + (f"#{anchor}" if anchor else ""))


def _messages_from(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def speed_dating_list(request: HttpRequest) -> HttpResponse:
    sessions = sd.speed_dating_list(user=request.user)
    return render(request, "employers/speed_dating_list.html", {"sessions": sessions})


@login_required
def speed_dating_create(request: HttpRequest) -> HttpResponse:
    municipalities = sd.require_organiser(user=request.user)
    form = SpeedDatingForm(request.POST or None, municipalities=municipalities, events=sd.event_choices())
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        municipality = data.pop("municipality")
        try:
            session = sd.speed_dating_create(actor=request.user, municipality_id=municipality.pk, **data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request, _("Das Speed-Dating ist angelegt. Fügen Sie jetzt Betriebe und Stellen hinzu.")
            )
            return _detail(session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "employers/speed_dating_form.html", {"form": form}, status=status)


def _detail_page(request: HttpRequest, session, *, business_form=None, status: int = 200) -> HttpResponse:
    overview = sd.session_overview(user=request.user, session=session)
    form = business_form or SpeedDatingBusinessForm(placements=sd.placement_choices(session=session))
    return render(
        request,
        "employers/speed_dating_detail.html",
        {
            "overview": overview,
            "session": session,
            "business_form": form,
            "outcome_choices": SpeedDatingOutcomeForm.CHOICES,
        },
        status=status,
    )


@login_required
@require_GET
def speed_dating_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, sd.speed_dating_get(user=request.user, pk=pk))


@login_required
@require_POST
def speed_dating_business_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = sd.speed_dating_get(user=request.user, pk=pk)
    form = SpeedDatingBusinessForm(request.POST, placements=sd.placement_choices(session=session))
    if form.is_valid():
        try:
            sd.speed_dating_business_add(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Der Betrieb ist mit der Stelle dabei."))
            return _detail(session.pk, "betriebe")
    return _detail_page(request, session, business_form=form, status=400)


@login_required
@require_POST
def speed_dating_propose(request: HttpRequest, pk: int) -> HttpResponse:
    session = sd.speed_dating_get(user=request.user, pk=pk)
    new = sd.speed_dating_propose(session=session, actor=request.user)
    messages.success(
        request,
        _("Neu vorgeschlagen: %(count)s. Ihre Case Manager*innen bestätigen die Einladung.") % {"count": new},
    )
    return _detail(session.pk, "personen")


@login_required
@require_POST
def speed_dating_decide(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    session = sd.speed_dating_get(user=request.user, pk=pk)
    participant = sd.participant_get(session=session, pk=participant_pk)
    invite = request.POST.get("decision") == "invite"
    try:
        sd.speed_dating_decide(participant=participant, actor=request.user, invite=invite)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(request, _("Eingeladen.") if invite else _("Nicht eingeladen."))
    return _detail(session.pk, "personen")


@login_required
@require_POST
def speed_dating_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    session = sd.speed_dating_get(user=request.user, pk=pk)
    try:
        result = sd.speed_dating_schedule(session=session, actor=request.user)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(
            request,
            _(
                "Der Plan steht: %(meetings)s Gespräche, Passung gesamt %(total)s (ein einfacher Plan käme auf %(greedy)s)."
            )
            % {
                "meetings": result.meetings,
                "total": round(result.total_fit * 100),
                "greedy": round(result.greedy_fit * 100),
            },
        )
    return _detail(session.pk, "plan")


@login_required
@require_POST
def speed_dating_outcome(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    session = sd.speed_dating_get(user=request.user, pk=pk)
    meeting = sd.meeting_get(session=session, pk=meeting_pk)
    form = SpeedDatingOutcomeForm(request.POST)
    if form.is_valid():
        sd.speed_dating_outcome(
            meeting=meeting,
            actor=request.user,
            candidate_interest=form.as_bool(form.cleaned_data["candidate_interest"]),
            business_interest=form.as_bool(form.cleaned_data["business_interest"]),
        )
        messages.success(request, _("Das Ergebnis ist gespeichert."))
    else:
        messages.error(request, _("Bitte „ja“, „nein“ oder „noch offen“ wählen."))
    return _detail(session.pk, f"gespraech-{meeting.pk}")


@login_required
@require_POST
def speed_dating_introduce(request: HttpRequest, pk: int, meeting_pk: int) -> HttpResponse:
    session = sd.speed_dating_get(user=request.user, pk=pk)
    meeting = sd.meeting_get(session=session, pk=meeting_pk)
    try:
        sd.speed_dating_introduce(meeting=meeting, actor=request.user)
    except ValidationError as exc:
        _messages_from(request, exc)
    else:
        messages.success(
            request, _("Die Vorstellung ist angelegt; der Betrieb sieht sie bei seinen Vorschlägen.")
        )
    return _detail(session.pk, f"gespraech-{meeting.pk}")


@login_required
@require_GET
def my_speed_dating(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import PermissionDenied

    if not getattr(request.user, "is_candidate", False):
        raise PermissionDenied
    return render(
        request, "employers/my_speed_dating.html", {"invitations": sd.own_invitations(user=request.user)}
    )


@login_required
@require_GET
def my_speed_dating_ics(request: HttpRequest, participant_pk: int) -> HttpResponse:
    participant = sd.own_invitation_get(user=request.user, pk=participant_pk)
    response = HttpResponse(
        sd.invitation_ics(participant=participant), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="speed-dating.ics"'
    return response


@login_required
@require_GET
def employer_speed_dating(request: HttpRequest) -> HttpResponse:
    """The employer's tables at the speed datings their business takes part in (anonymised)."""
    return render(
        request, "employers/business_speed_dating.html", {"sessions": sd.business_schedule(user=request.user)}
    )
