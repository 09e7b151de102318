"""Views of the cooperation agreements (issue 23): thin — the coordinator role (else 403), the
selector scopes to their municipalities (else 404), the service writes, the page renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role
from organisations.decorators import role_required

from . import agreement_selectors as sel
from . import agreement_services
from .agreement_forms import AgreementForm, initial_of
from .barrier_selectors import coordinated_municipality
from .pages import form_page


def _form_page(request: HttpRequest, form: AgreementForm, *, title: str, back) -> HttpResponse:
    return form_page(
        request,
        form,
        title=title,
        back=back,
        subtitle=_(
            "Eine Kooperationsvereinbarung zwischen der Kommune und ihren Partnerorganisationen: "
            "Zweck, Datenaustausch, Unterzeichnung und Überprüfung."
        ),
        status=400 if request.method == "POST" else 200,
    )


@role_required([Role.COORDINATOR])
def agreement_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coaching/agreement_list.html",
        {"rows": sel.agreement_rows(user=request.user), "flag_days": sel.FLAG_DAYS},
    )


@role_required([Role.COORDINATOR])
def agreement_create(request: HttpRequest) -> HttpResponse:
    municipality = coordinated_municipality(user=request.user)
    form = AgreementForm(request.POST or None, partners=sel.partner_choices(municipality_id=municipality.pk))
    if request.method == "POST" and form.is_valid():
        try:
            created = agreement_services.agreement_create(
                actor=request.user, municipality_id=municipality.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Kooperationsvereinbarung ist gespeichert."))
            return redirect("coaching:agreement_detail", pk=created.pk)
    return _form_page(
        request, form, title=_("Kooperationsvereinbarung anlegen"), back=("coaching:agreement_list", None)
    )


@role_required([Role.COORDINATOR])
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = sel.agreement_get(user=request.user, pk=pk)
    return render(
        request,
        "coaching/agreement_detail.html",
        {
            "agreement": agreement,
            "partners": sel.agreement_partners(agreement=agreement),
            "flag": sel.review_flag(agreement=agreement, today=timezone.localdate()),
        },
    )


@role_required([Role.COORDINATOR])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = sel.agreement_get(user=request.user, pk=pk)
    form = AgreementForm(
        request.POST or None,
        initial=initial_of(agreement),
        partners=sel.partner_choices(municipality_id=agreement.municipality_id),
    )

    if request.method == "POST" and form.is_valid():
        try:
            agreement_services.agreement_update(agreement=agreement, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Kooperationsvereinbarung ist gespeichert."))
            return redirect("coaching:agreement_detail", pk=pk)
    return _form_page(
        request, form, title=_("Kooperationsvereinbarung bearbeiten"), back=("coaching:agreement_detail", pk)
    )


@role_required([Role.COORDINATOR])
@require_POST
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = sel.agreement_get(user=request.user, pk=pk)
    agreement_services.agreement_end(agreement=agreement, actor=request.user)
    messages.success(request, _("Die Kooperationsvereinbarung ist beendet."))
    return redirect("coaching:agreement_detail", pk=pk)
