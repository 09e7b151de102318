"""Views of the network level (issue 23): thin — check the role, let the selector scope (or 404),
call the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from candidates import selectors as candidate_selectors
from inputs.forms import post_or_back_to
from organisations import access
from organisations.decorators import role_required

from . import agreement_selectors, barrier_services, minutes
from . import barrier_selectors as sel
from .barrier_forms import BarrierForm, RoundActionForm, RoundForm, RoundHeldForm
from .pages import form_page


@login_required
def barrier_create(request: HttpRequest, case_pk: int) -> HttpResponse:
    """ "Hürde melden" from a case: the case is only the way in, nothing of it is stored."""
    if not sel.may_flag(user=request.user):
        raise PermissionDenied
    case = candidate_selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    form = BarrierForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            barrier_services.barrier_flag(case=case, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Danke. Die Hürde ist ohne Bezug zur Person gemeldet und zählt für die Koordination."),
            )
            return redirect("candidates:case_detail", case_pk=case_pk)
    return form_page(
        request,
        form,
        title=_("Hürde melden"),
        back=("candidates:case_detail", case_pk),
        subtitle=_(
            "Systemische Hürden, die viele Fälle treffen, sammelt die Koordination für die "
            "Netzwerkrunden. Gespeichert werden nur Kommune, Organisation, Art und Tag."
        ),
        status=400 if request.method == "POST" else 200,
    )


@role_required([Role.COORDINATOR])
def barrier_overview(request: HttpRequest) -> HttpResponse:
    """The coordinator's count of barriers by category and month or quarter."""
    municipality = sel.coordinated_municipality(user=request.user)
    years = sel.barrier_years(municipality_id=municipality.pk)
    try:
        year = int(request.GET.get("jahr", ""))
    except ValueError:
        year = timezone.localdate().year
    if year not in years:
        year = years[0]
    period = sel.QUARTER if request.GET.get("zeitraum") == sel.QUARTER else sel.MONTH
    return render(
        request,
        "coaching/barrier_overview.html",
        {
            "municipality": municipality,
            "table": sel.barrier_counts(municipality_id=municipality.pk, year=year, period=period),
            "notes": sel.barrier_notes(municipality_id=municipality.pk, year=year),
            "network": agreement_selectors.network_figures(user=request.user),
            "review_days": agreement_selectors.REVIEW_DAYS,
            "years": years,
            "year": year,
            "period": period,
        },
    )


# --- coordination rounds ------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    if not sel.may_see_rounds(user=request.user):
        raise PermissionDenied
    return render(
        request,
        "coaching/round_list.html",
        {
            "rounds": sel.visible_rounds(user=request.user),
            "may_create": access.has_role(user=request.user, roles=[Role.COORDINATOR]),
        },
    )


@role_required([Role.COORDINATOR])
def round_create(request: HttpRequest) -> HttpResponse:
    municipality = sel.coordinated_municipality(user=request.user)
    form = RoundForm(request.POST or None, organisations=sel.member_choices(municipality_id=municipality.pk))
    if request.method == "POST" and form.is_valid():
        try:
            new = barrier_services.round_create(
                actor=request.user, municipality_id=municipality.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Runde ist angelegt."))
            return redirect("coaching:round_detail", pk=new.pk)
    return form_page(
        request,
        form,
        title=_("Koordinationsrunde anlegen"),
        back=("coaching:round_list", None),
        status=400 if request.method == "POST" else 200,
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not sel.may_see_rounds(user=request.user):
        raise PermissionDenied
    return _round_page(request, sel.round_get(user=request.user, pk=pk))


def _round_page(request: HttpRequest, current, *, held_form=None, status: int = 200) -> HttpResponse:
    """The round; ``held_form`` is its date sent with errors, drawn as typed with what is wrong."""
    may_edit = sel.may_edit_round(user=request.user, coordination_round=current)
    if may_edit and held_form is None:
        held_form = RoundHeldForm(initial={"held_on": timezone.localdate()})
    return render(
        request,
        "coaching/round_detail.html",
        {
            "round": current,
            "members": sel.round_members(coordination_round=current),
            "agenda": sel.round_agenda(coordination_round=current),
            "actions": sel.round_actions(coordination_round=current),
            "may_edit": may_edit,
            "today": timezone.localdate(),
            "held_form": held_form if may_edit else None,
        },
        status=status,
    )


@login_required
def round_minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's minutes as a PDF, for whoever may open the round's page (same checks)."""
    if not sel.may_see_rounds(user=request.user):
        raise PermissionDenied
    current = sel.round_get(user=request.user, pk=pk)
    today = timezone.localdate()
    pdf = minutes.minutes_pdf(
        coordination_round=current,
        members=sel.round_members(coordination_round=current).values_list("name", flat=True),
        agenda=sel.round_agenda(coordination_round=current, today=today),
        actions=sel.round_actions(coordination_round=current),
        today=today,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = minutes.minutes_filename(coordination_round=current, today=today)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required([Role.COORDINATOR])
def round_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    current = sel.round_get(user=request.user, pk=pk, for_edit=True)
    form = RoundActionForm(request.POST or None, owners=sel.owner_choices(coordination_round=current))
    if request.method == "POST" and form.is_valid():
        barrier_services.round_action_create(
            coordination_round=current, actor=request.user, **form.cleaned_data
        )
        messages.success(
            request, _("Die Maßnahme ist gespeichert; die verantwortliche Person ist informiert.")
        )
        return redirect("coaching:round_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Beschluss und Maßnahme festhalten"),
        back=("coaching:round_detail", pk),
        subtitle=current.name,
        status=400 if request.method == "POST" else 200,
    )


@role_required([Role.COORDINATOR])
@post_or_back_to("coaching:round_detail", "pk")
def round_held(request: HttpRequest, pk: int) -> HttpResponse:
    current = sel.round_get(user=request.user, pk=pk, for_edit=True)
    form = RoundHeldForm(request.POST)
    if not form.is_valid():  # the page again, with the date as typed and its error beside it
        return _round_page(request, current, held_form=form, status=400)
    barrier_services.round_held(coordination_round=current, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Gespeichert: die nächste Tagesordnung zählt die Hürden ab jetzt."))
    return redirect("coaching:round_detail", pk=pk)


@login_required
@require_POST
def round_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    if not sel.may_see_rounds(user=request.user):
        raise PermissionDenied
    action = sel.action_get(user=request.user, pk=pk)
    barrier_services.round_action_done(action=action, actor=request.user)
    messages.success(request, _("Die Maßnahme ist erledigt."))
    return redirect("coaching:round_detail", pk=action.round_id)
