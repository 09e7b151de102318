"""Views of the practice shared between municipalities (issue 23 §4): thin — the role (else 403),
the selector scopes (else 404), the service writes, the page renders.

Coordinators write their municipality's templates, share them and import those other
municipalities share; case managers and job coaches read their own municipality's templates."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_STAFF_AND_COORDINATOR, Role
from organisations.decorators import role_required

from . import practice_selectors as sel
from . import practice_services
from .barrier_selectors import coordinated_municipality
from .practice_forms import PracticeForm, initial_of


def _form_page(request: HttpRequest, form: PracticeForm, *, title: str, back) -> HttpResponse:
    return render(
        request,
        "coaching/practice_form.html",
        {"form": form, "title": title, "back": back},
        status=400 if request.method == "POST" else 200,
    )


@role_required(CASE_STAFF_AND_COORDINATOR)
def practice_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "coaching/practice_list.html",
        {
            "own": sel.own_templates(user=request.user),
            "others": sel.shared_by_others(user=request.user),
            "may_manage": sel.may_manage(user=request.user),
        },
    )


@role_required([Role.COORDINATOR])
def practice_create(request: HttpRequest) -> HttpResponse:
    municipality = coordinated_municipality(user=request.user)
    form = PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = practice_services.practice_create(
                actor=request.user, municipality_id=municipality.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Vorlage ist gespeichert."))
            return redirect("coaching:practice_detail", pk=created.pk)
    return _form_page(request, form, title=_("Vorlage anlegen"), back=("coaching:practice_list", None))


@role_required(CASE_STAFF_AND_COORDINATOR)
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get(user=request.user, pk=pk)
    return render(
        request,
        "coaching/practice_detail.html",
        {
            "template": template,
            "may_edit": sel.may_edit(user=request.user, template=template),
            "may_import": sel.may_import(user=request.user, template=template),
        },
    )


@role_required([Role.COORDINATOR])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get_for_edit(user=request.user, pk=pk)
    form = PracticeForm(request.POST or None, initial=initial_of(template))
    if request.method == "POST" and form.is_valid():
        try:
            practice_services.practice_update(template=template, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Vorlage ist gespeichert."))
            return redirect("coaching:practice_detail", pk=pk)
    return _form_page(request, form, title=_("Vorlage bearbeiten"), back=("coaching:practice_detail", pk))


@role_required([Role.COORDINATOR])
@require_POST
def practice_share(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get_for_edit(user=request.user, pk=pk)
    try:
        practice_services.practice_share(template=template, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Die Vorlage ist jetzt mit anderen Kommunen geteilt."))
    return redirect("coaching:practice_detail", pk=pk)


@role_required([Role.COORDINATOR])
@require_POST
def practice_unshare(request: HttpRequest, pk: int) -> HttpResponse:
    template = sel.template_get_for_edit(user=request.user, pk=pk)
    practice_services.practice_unshare(template=template, actor=request.user)
    messages.success(request, _("Die Vorlage wird nicht mehr geteilt."))
    return redirect("coaching:practice_detail", pk=pk)


@role_required([Role.COORDINATOR])
@require_POST
def practice_import(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the copy is made and opened for editing, so the coordinator adapts it."""
    source = sel.template_get_for_import(user=request.user, pk=pk)
    municipality = coordinated_municipality(user=request.user)
    try:
        copy = practice_services.practice_import(
            source=source, actor=request.user, municipality_id=municipality.pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("coaching:practice_detail", pk=pk)
    messages.success(
        request,
        _("Die Vorlage ist übernommen. Passen Sie sie jetzt an Ihre Kommune an."),
    )
    return redirect("coaching:practice_edit", pk=copy.pk)
