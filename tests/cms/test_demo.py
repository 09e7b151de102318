"""The demo website, and the issue's "done when" played through on it with the demo logins."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cms.models import (
    CandidateInfoPage,
    ChamberSectionPage,
    EmployerGuidePage,
    EventPage,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from demo import cms as demo_cms
from demo import organisations as demo_organisations
from tests.cms.helpers import HOST, add_url, assert_denied, story_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    platform = demo_organisations.seed()
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        site = demo_cms.seed(municipality=platform.municipality)
    return site


def _user(email: str):
    return get_user_model().objects.get(email=email)


def test_demo_has_sections_guides_stories_events_and_translations(demo, client):
    german = {"locale__language_code": "de"}
    assert ChamberSectionPage.objects.filter(**german).count() == 2
    for section in ChamberSectionPage.objects.filter(**german):
        assert EmployerGuidePage.objects.child_of(section).live().exists()
    assert SuccessStoryPage.objects.filter(**german).live().count() == 3
    upcoming = EventPage.objects.filter(**german).live().filter(start__gt=timezone.now())
    assert upcoming.count() == 2
    info = CandidateInfoPage.objects.get(**german)
    for code in ("ar", "uk", "fa", "en"):
        translation = CandidateInfoPage.objects.get(
            translation_key=info.translation_key, locale__language_code=code
        )
        assert translation.live and translation.alias_of_id is None
        assert translation.title == demo_cms.CANDIDATE_INFO_TRANSLATIONS[code]["title"]

    arabic = client.get(f"/ar/{info.slug}/", **HOST).content.decode()
    assert '<html lang="ar" dir="rtl"' in arabic
    assert demo_cms.CANDIDATE_INFO_TRANSLATIONS["ar"]["p2"] in arabic
    # Other language trees mirror the German one, so the chamber pages do not vanish under /ar/.
    assert client.get("/ar/ihk/", **HOST).status_code == 200
    for url in (
        "/",
        "/ihk/",
        "/hwk/",
        "/impressum/",
        "/datenschutz/",
        "/gefluechtete-einstellen/",
        demo.events[0].url,
    ):
        assert client.get(url, **HOST).status_code == 200, url


def test_demo_is_idempotent(demo, django_capture_on_commit_callbacks):
    pages_before = SuccessStoryPage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        again = demo_cms.seed(municipality=demo.sections["ihk"].organisation.municipality)
    assert again.created == 0
    assert SuccessStoryPage.objects.count() == pages_before


def test_done_when_ihk_editor_submits_lead_publishes_and_hwk_stays_closed(demo, signed_in, client):
    editor = signed_in(_user("ihk-redakteurin@demo.lotse.example"))
    lead = signed_in(_user("ihk-redaktion@demo.lotse.example"))  # the platform's demo chamber login
    stories = SuccessStoryIndexPage.objects.child_of(demo.sections["ihk"]).get()

    editor.post(add_url(stories), story_form(**{"action-submit": "Zur Freigabe"}), **HOST)
    # The demo mirrors new pages into the other language trees (as aliases): take the German one.
    story = SuccessStoryPage.objects.get(slug="praktikum-ausbildung", locale__language_code="de")
    assert not story.live
    task_state = story.current_workflow_task_state
    lead.post(
        reverse("wagtailadmin_pages:workflow_action", args=(story.pk, "approve", task_state.pk)),
        {"comment": ""},
        **HOST,
    )
    story.refresh_from_db()
    assert story.live
    assert client.get("/ihk/erfolgsgeschichten/praktikum-ausbildung/", **HOST).status_code == 200

    hwk = demo.sections["hwk"]
    assert_denied(editor.get(reverse("wagtailadmin_pages:edit", args=(hwk.pk,)), **HOST))
    assert_denied(lead.get(reverse("wagtailadmin_pages:edit", args=(hwk.pk,)), **HOST))


def test_the_home_page_speaks_every_language_of_the_site(demo, client):
    """Issue 13: /ar/ shows Arabic body text right to left, not the German page."""
    for code in ("ar", "uk", "fa", "en"):
        texts = demo_cms.HOME_TRANSLATIONS[code]
        html = client.get(f"/{code}/", **HOST).content.decode()
        assert f'<html lang="{code}" dir="{"rtl" if code in ("ar", "fa") else "ltr"}"' in html
        for key in ("title", "lead", "h1", "p1", "h2", "p2", "employer_cta_text", "candidate_cta_text"):
            assert texts[key] in html, (code, key)
        assert demo_cms.HOME_DE["p1"] not in html
    german = client.get("/", **HOST).content.decode()
    assert demo_cms.HOME_DE["p1"] in german and demo_cms.HOME_TRANSLATIONS["ar"]["p1"] not in german


def test_seeding_twice_keeps_the_home_translations(demo, client, django_capture_on_commit_callbacks):
    from organisations.models import Municipality

    with django_capture_on_commit_callbacks(execute=True):
        demo_cms.seed(municipality=Municipality.objects.first())
    assert demo_cms.HOME_TRANSLATIONS["uk"]["p2"] in client.get("/uk/", **HOST).content.decode()
