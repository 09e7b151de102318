"""Journey 8 in Chromium: a candidate reading Ukrainian takes back the contact grant of an
introduction — found from the profile by clicking, a confirmation page says in Ukrainian what
ends, and after confirming the introduction is closed. axe-core on every page passed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from candidates.models import ConsentScope
from employers.models import Introduction
from tests.factories import (
    CandidateFactory,
    ConsentFactory,
    IntroductionFactory,
    OccupationFactory,
    make_placement,
    make_profile,
)
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story(live_server, page, home_page):

    employer = new_member("employer")
    organisation = employer.memberships.get().organisation
    organisation.name = "Bäckerei Morgenrot"
    organisation.save(update_fields=["name"])
    occupation = OccupationFactory(
        uri="http://esco.test/occupation/baker", label_de="Bäcker/Bäckerin", isco_code=""
    )
    placement = make_placement(make_profile(organisation), occupation, title="Bäcker*in (m/w/d)")
    user = new_member("candidate")
    candidate = CandidateFactory(user=user, municipality=organisation.municipality)
    intro = IntroductionFactory(placement=placement, candidate=candidate, stage=Introduction.Stage.ACCEPTED)
    consent = ConsentFactory(
        candidate=candidate,
        scope=ConsentScope.CONTACT,
        recipient_organisation=organisation,
        reference=f"introduction:{intro.pk}",
    )
    client = login_with_mfa(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return type("Story", (), {"intro": intro, "consent": consent, "page": page})


def test_a_ukrainian_reader_revokes_a_contact_grant_after_reading_what_ends(live_server, story, axe):
    page = story.page
    page.goto(f"{live_server.url}/uk/app/candidates/me/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert axe() == []

    page.locator('a[href="/uk/app/candidates/me/consents/"]').first.click()
    page.wait_for_url("**/uk/app/candidates/me/consents/")
    listed = page.locator("main").inner_text()
    assert "introduction:" not in listed and "Bäcker*in (m/w/d)" in listed
    assert axe() == []

    page.locator(f'a[href$="/consents/{story.consent.pk}/revoke/"]').click()
    page.wait_for_url(f"**/uk/app/candidates/consents/{story.consent.pk}/revoke/")
    consequences = page.locator(".lotse-consequences").inner_text()
    assert "Bäckerei Morgenrot більше не бачить ваших контактних даних." in consequences
    assert "Bäcker*in (m/w/d)" in consequences
    assert "Kontaktdaten" not in consequences  # not German
    assert axe() == []
    # Nothing has changed yet.
    story.consent.refresh_from_db()
    assert story.consent.is_live

    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/uk/app/candidates/me/consents/")
    assert axe() == []
    story.consent.refresh_from_db()
    story.intro.refresh_from_db()
    assert not story.consent.is_live
    assert story.intro.close_reason == Introduction.CloseReason.CONSENT_REVOKED
