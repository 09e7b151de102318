"""The shared company record (issue 15 §1): one page per business for everyone who works with it —
the employer service, the municipality's coordination, case managers and job coaches, and chamber
editors for their member businesses. Employers never reach any of it (selectors.businesses_for)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from inputs.forms import errors_to_form

from . import selectors, services
from .filters import BusinessFilter
from .forms import (
    BusinessContactForm,
    BusinessContactLogForm,
    BusinessCreateForm,
    BusinessMergeForm,
    BusinessRelationForm,
)
from .models import PartnerLevel

PAGE_SIZE = 50


@login_required
def business_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.businesses_for(user=request.user)
    filterset = BusinessFilter(
        request.GET or None, queryset=queryset, user=request.user, today=timezone.localdate()
    )
    status = 200 if filterset.is_bound is False or filterset.is_valid() else 400
    rows = filterset.qs[:PAGE_SIZE] if status == 200 else queryset.none()
    return render(
        request,
        "employers/business_list.html",
        {
            "filter": filterset,
            "businesses": rows,
            "today": timezone.localdate(),
            "can_create": selectors.business_record_municipality(user=request.user) is not None,
        },
        status=status,
    )


@login_required
def business_create(request: HttpRequest) -> HttpResponse:
    municipality = selectors.business_record_municipality(user=request.user)
    if municipality is None:
        raise PermissionDenied
    form = BusinessCreateForm(request.POST or None)
    hits: list = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisation = services.business_create(
                    actor=request.user,
                    municipality=municipality,
                    name=data["name"],
                    street=data["street"],
                    postcode=data["postcode"],
                    city=data["city"],
                    sector=data["sector"],
                    register_number=data["register_number"],
                    confirmed_distinct=data["confirmed_distinct"],
                )
            except services.SimilarBusinesses as similar:
                hits = similar.hits
                form.add_error(
                    "confirmed_distinct",
                    _("Es gibt ähnliche Einträge. Bitte prüfen Sie sie, bevor Sie einen neuen anlegen."),
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Der Betrieb ist angelegt."))
                return redirect("employers:business_detail", pk=organisation.pk)
    return render(
        request,
        "employers/business_form.html",
        {"form": form, "hits": hits, "municipality": municipality},
        status=status,
    )


def _record_page(request, organisation, *, log_form=None, contact_form=None, relation_form=None, status=200):
    record = selectors.business_record(user=request.user, organisation=organisation)
    steer = selectors.can_steer_business(user=request.user, organisation=organisation)
    relation = record.relation
    if relation_form is None and steer:
        relation_form = BusinessRelationForm(
            initial={
                "partner_level": relation.partner_level if relation else PartnerLevel.FIRST_CONTACT,
                "training_company": relation.training_company if relation else False,
                "eq_ready": relation.eq_ready if relation else False,
                "chamber": relation.chamber_id if relation else None,
                "owner": relation.owner_id if relation else None,
                "next_contact_on": relation.next_contact_on if relation else None,
                "next_contact_note": relation.next_contact_note if relation else "",
            },
            owners=selectors.business_owner_choices(organisation=organisation),
            chambers=selectors.chamber_choices(organisation=organisation),
        )
    return render(
        request,
        "employers/business_detail.html",
        {
            "business": organisation,
            "record": record,
            "relation": relation,
            "steer": steer,
            "can_merge": selectors.can_merge_businesses(user=request.user, organisation=organisation),
            "log_form": log_form
            or BusinessContactLogForm(contacts=selectors.business_contacts(organisation=organisation)),
            "contact_form": contact_form or BusinessContactForm(),
            "relation_form": relation_form,
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.business_get(user=request.user, pk=pk)
    return _record_page(request, organisation)


@login_required
@require_POST
def business_log(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.business_get(user=request.user, pk=pk)
    form = BusinessContactLogForm(
        request.POST, contacts=selectors.business_contacts(organisation=organisation)
    )
    if form.is_valid():
        try:
            services.business_contact_log(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Der Kontakt ist eingetragen."))
            return redirect("employers:business_detail", pk=organisation.pk)
    return _record_page(request, organisation, log_form=form, status=400)


@login_required
@require_POST
def business_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.business_get(user=request.user, pk=pk)
    form = BusinessContactForm(request.POST)
    if form.is_valid():
        services.business_contact_add(organisation=organisation, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Die Ansprechperson ist eingetragen."))
        return redirect("employers:business_detail", pk=organisation.pk)
    return _record_page(request, organisation, contact_form=form, status=400)


@login_required
@require_POST
def business_relation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.business_get(user=request.user, pk=pk)
    if not selectors.can_steer_business(user=request.user, organisation=organisation):
        raise PermissionDenied
    form = BusinessRelationForm(
        request.POST,
        owners=selectors.business_owner_choices(organisation=organisation),
        chambers=selectors.chamber_choices(organisation=organisation),
    )
    if form.is_valid():
        services.business_relation_update(
            organisation=organisation, actor=request.user, data=form.cleaned_data
        )
        messages.success(request, _("Die Angaben zur Partnerschaft sind gespeichert."))
        return redirect("employers:business_detail", pk=organisation.pk)
    return _record_page(request, organisation, relation_form=form, status=400)


@login_required
def business_merge(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.business_get(user=request.user, pk=pk)
    if not selectors.can_merge_businesses(user=request.user, organisation=organisation):
        raise PermissionDenied
    others = selectors.mergeable_businesses(user=request.user, organisation=organisation)
    form = BusinessMergeForm(request.POST or None, others=others)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.business_merge(actor=request.user, keep=organisation, drop=form.cleaned_data["drop"])
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, _("Die beiden Einträge sind zusammengeführt."))
                return redirect("employers:business_detail", pk=organisation.pk)
    return render(
        request,
        "employers/business_merge.html",
        {
            "business": organisation,
            "form": form,
            "hits": selectors.merge_candidates(user=request.user, organisation=organisation),
        },
        status=status,
    )


@login_required
@require_POST
def business_registration_link(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    organisation = selectors.business_get(user=request.user, pk=pk)
    if not selectors.can_steer_business(user=request.user, organisation=organisation):
        raise PermissionDenied
    try:
        services.business_registration_link(
            organisation=organisation, actor=request.user, registration_id=registration_pk
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Die Anmeldung ist mit dem Betrieb verknüpft."))
    return redirect("employers:business_detail", pk=organisation.pk)
