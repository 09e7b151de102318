"""Wagtail admin hooks: chamber sections get their groups and workflow the moment they exist;
editors see the registrations for events."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from .models import ChamberSectionPage, EventRegistration


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def _chamber_section_setup(request, page) -> None:
    specific = page.specific
    if isinstance(specific, ChamberSectionPage) and page.alias_of_id is None and specific.organisation_id:
        from .services import chamber_section_setup

        chamber_section_setup(section=specific)


class EventRegistrationViewSet(ModelViewSet):
    model = EventRegistration
    icon = "list-ul"
    menu_label = _("Anmeldungen")
    add_to_admin_menu = True
    list_display = ["name", "email", "organisation", "people", "event", "created_at"]
    list_filter = ["event"]
    search_fields = ["name", "email", "organisation"]
    form_fields = ["name", "email", "organisation", "people"]
    inspect_view_enabled = True


@hooks.register("register_admin_viewset")
def _register_registrations():
    return EventRegistrationViewSet("event_registrations")
