"""An event registration for the business record tests (test_business_access, test_business_record)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.factories import EventRegistrationFactory


def make_registration(*, organisation_name: str, email: str):
    from cms.models import EventIndexPage, EventPage
    from cms.services import home_page_ensure

    home = home_page_ensure()
    index = EventIndexPage.objects.first() or home.add_child(
        instance=EventIndexPage(title="Veranstaltungen", slug="termine-crm")
    )
    event = index.add_child(
        instance=EventPage(
            title="Unternehmerfrühstück",
            slug=f"fruehstueck-{EventPage.objects.count()}",
            start=timezone.now() + timedelta(days=10),
            place="Rathaus",
            organiser_email="team@kommune.example",
        )
    )
    return EventRegistrationFactory(
        event=event, name="Jana Jung", email=email, organisation=organisation_name, consent_at=timezone.now()
    )
