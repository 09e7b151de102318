"""A coach logs a follow-up on a phone-sized screen (375×812): one column, nothing wider than
the screen, large touch targets, and the contact is saved."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from coaching.models import FollowUp
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 375, "height": 812},
        "is_mobile": True,
        "has_touch": True,
    }


def test_coach_logs_a_follow_up_on_a_phone(live_server, page, home_page, coaching_world, axe):
    client = login_with_mfa(Client(), coaching_world.coach)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/app/coaching/employments/{coaching_world.employment.pk}/follow-ups/new/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kontakt erfassen"
    # Nothing scrolls sideways on a 375px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    phone = page.get_by_label("Telefon")
    box = page.locator("label:has(input[value='phone'])").bounding_box()
    assert box["height"] >= 44, box
    save = page.get_by_role("button", name="Kontakt speichern")
    assert save.bounding_box()["height"] >= 44
    violations = axe()
    assert not violations, violations

    phone.check()
    page.get_by_label("beide").check()
    page.get_by_label("Sprache am Arbeitsplatz").check()
    page.get_by_label("Notizen").fill("Einarbeitung läuft, Schichtplan besprochen.")
    save.click()
    page.wait_for_url(f"{live_server.url}/app/coaching/employments/{coaching_world.employment.pk}/")
    assert page.get_by_text("Kontakt gespeichert.").is_visible()
    entry = FollowUp.objects.get()
    assert (entry.mode, entry.with_whom, entry.topics) == ("phone", "both", ["workplace_language"])
