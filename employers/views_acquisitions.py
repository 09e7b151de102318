"""Placements found by case staff (issue 14, "Vermittlung by staff"): staff record a placement for
a business, the business confirms it through a signed link without logging in, then it opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inputs.forms import errors_to_forms

from . import selectors, services
from .forms import AcquisitionBusinessForm, AcquisitionPlacementForm
from .models import PlacementStatus


@login_required
def acquisition_list(request: HttpRequest) -> HttpResponse:
    acquisitions = selectors.acquisitions_for(user=request.user)[:200]
    return render(request, "employers/acquisition_list.html", {"acquisitions": acquisitions})


@login_required
def acquisition_create(request: HttpRequest) -> HttpResponse:
    office = services.acquiring_office(user=request.user)
    if office is None:
        raise PermissionDenied
    data = request.POST or None
    business = AcquisitionBusinessForm(data, prefix="b")
    form = AcquisitionPlacementForm(data, initial={"openings": 1})
    status = 200
    hits: list = []
    if request.method == "POST":
        status = 400
        if business.is_valid() and form.is_valid():
            try:
                acquisition = services.placement_acquire(
                    actor=request.user,
                    business=business.cleaned_data,
                    data=form.placement_data(),
                    skills=form.chosen_skills(),
                    submission_key=form.cleaned_data["submission_key"],
                )
            except services.SimilarBusinesses as similar:
                hits = similar.hits
                business.add_error(
                    "confirmed_distinct",
                    _(
                        "Es gibt ähnliche Einträge. Ist es derselbe Betrieb, übernehmen Sie seinen Namen genau "
                        "so; sonst bestätigen Sie, dass es ein anderer ist."
                    ),
                )
            except ValidationError as exc:
                errors_to_forms(exc, business, form)
            else:
                messages.success(
                    request,
                    _(
                        "Die Stelle ist angelegt. %(email)s hat einen Link bekommen, mit dem der Betrieb sie "
                        "bestätigt; erst dann wird sie veröffentlicht."
                    )
                    % {"email": acquisition.sent_to},
                )
                return redirect("employers:acquisition_list")
    return render(
        request,
        "employers/acquisition_form.html",
        {"business": business, "form": form, "office": office, "hits": hits},
        status=status,
    )


@login_required
@require_POST
def acquisition_resend(request: HttpRequest, pk: int) -> HttpResponse:
    acquisition = selectors.acquisition_get(user=request.user, pk=pk)
    try:
        services.acquisition_link_resend(acquisition=acquisition, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Der Link ist noch einmal an %(email)s gesendet.") % {"email": acquisition.sent_to}
        )
    return redirect("employers:acquisition_list")


def acquisition_confirm(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """No login: the signed link is the authority. GET shows the placement, POST confirms it."""
    try:
        acquisition = selectors.acquisition_from_link(pk=pk, token=token)
    except selectors.AcquisitionLinkError as exc:
        return render(
            request,
            "employers/acquisition_confirm.html",
            {"link_error": True, "expired": exc.expired},
            status=410 if exc.expired else 400,
        )
    placement = acquisition.placement
    error = ""
    status = 200
    if request.method == "POST" and not acquisition.is_confirmed:
        try:
            acquisition = services.placement_acquisition_confirm(acquisition=acquisition)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 409
        else:
            return redirect(request.path)
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    return render(
        request,
        "employers/acquisition_confirm.html",
        {
            "acquisition": acquisition,
            "placement": placement,
            "skills": selectors.placement_skills(placement=placement),
            "error": error,
            "confirmable": not acquisition.is_confirmed and placement.status == PlacementStatus.DRAFT,
        },
        status=status,
    )
