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

from accounts.roles import Role
from candidates import selectors as candidate_selectors
from organisations import access

from . import barrier_selectors as sel
from . import barrier_services
from .barrier_forms import BarrierForm


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
    return render(
        request,
        "coaching/form.html",
        {
            "form": form,
            "title": _("Hürde melden"),
            "subtitle": _(
                "Systemische Hürden, die viele Fälle treffen, sammelt die Koordination für die "
                "Netzwerkrunden. Gespeichert werden nur Kommune, Organisation, Art und Tag."
            ),
            "back": ("candidates:case_detail", case_pk),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def barrier_overview(request: HttpRequest) -> HttpResponse:
    """The coordinator's count of barriers by category and month or quarter."""
    if not access.has_role(user=request.user, roles=[Role.COORDINATOR]):
        raise PermissionDenied
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
            "years": years,
            "year": year,
            "period": period,
        },
    )
