"""Appointments of a case (issue 22)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import CASE_STAFF
from inputs.forms import save_form
from organisations.decorators import role_required

from .. import forms, selectors, services

# Case managers and job coaches of the responsible organisation plan, change and cancel the
# appointments of a case; everyone attending gets the invitation (.ics) in their language.


def _appointment_form_page(request: HttpRequest, *, case, form, appointment=None) -> HttpResponse:
    return render(
        request,
        "candidates/appointment_form.html",
        {"case": case, "form": form, "appointment": appointment},
    )


@role_required(CASE_STAFF)
def appointment_add(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=case_pk, for_edit=True)
    choices = selectors.appointment_staff_choices(case=case)
    initial = {"staff_attendees": [u for u in choices if u.pk == request.user.pk]}
    form = forms.AppointmentForm(
        request.POST if request.method == "POST" else None, staff_choices=choices, initial=initial
    )
    if save_form(
        request,
        form,
        lambda data: services.appointment_create(
            case=case,
            actor=request.user,
            submission_key=data.get("submission_key"),
            **form.service_data(),
        ),
    ):
        messages.success(request, _("Termin geplant. Alle Teilnehmenden erhalten eine Einladung."))
        return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#termine")
    return _appointment_form_page(request, case=case, form=form)


@role_required(CASE_STAFF)
def appointment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    case = appointment.case
    choices = selectors.appointment_edit_choices(appointment=appointment)
    form = forms.AppointmentForm(
        request.POST if request.method == "POST" else None,
        staff_choices=choices,
        initial=forms.AppointmentForm.initial_for(appointment),
    )
    if save_form(
        request,
        form,
        lambda _data: services.appointment_update(
            appointment=appointment, actor=request.user, **form.service_data()
        ),
    ):
        messages.success(request, _("Termin geändert. Alle Teilnehmenden werden benachrichtigt."))
        return redirect(reverse("candidates:case_detail", kwargs={"case_pk": case.pk}) + "#termine")
    # The form shows the appointment (place, notes): a read of case data like the case page.
    services.candidate_audit_view(candidate=case.candidate, actor=request.user, fields=["appointments"])
    return _appointment_form_page(request, case=case, form=form, appointment=appointment)


@role_required(CASE_STAFF)
@require_POST
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    services.appointment_cancel(appointment=appointment, actor=request.user)
    messages.success(request, _("Termin abgesagt. Alle Teilnehmenden werden benachrichtigt."))
    return redirect(reverse("candidates:case_detail", kwargs={"case_pk": appointment.case_id}) + "#termine")
