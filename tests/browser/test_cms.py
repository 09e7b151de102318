"""The website in a real browser: a visitor registers for an event, Arabic reads right to left,
and a success story passes axe-core without serious or critical violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cms.models import (
    CandidateInfoPage,
    ChamberSectionPage,
    EventIndexPage,
    EventPage,
    EventRegistration,
    SuccessStoryIndexPage,
    SuccessStoryPage,
)
from demo.cms import CANDIDATE_INFO_DE, CANDIDATE_INFO_TRANSLATIONS, translate_page
from organisations.models import OrganisationKind
from tests.browser.helpers import describe
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def section(home_page):
    chamber = OrganisationFactory(kind=OrganisationKind.CHAMBER, name="IHK Browserstadt")
    return home_page.add_child(
        instance=ChamberSectionPage(title="IHK Browserstadt", slug="ihk", organisation=chamber)
    )


def test_visitor_registers_for_an_event(live_server, page, section):
    events = section.add_child(instance=EventIndexPage(title="Veranstaltungen", slug="veranstaltungen"))
    events.add_child(
        instance=EventPage(
            title="Unternehmensfrühstück",
            slug="fruehstueck",
            start=timezone.now() + timedelta(days=10),
            place="IHK, Saal 1",
            capacity=30,
            organiser_email="veranstaltungen@ihk.example",
            intro="Betriebe berichten, wie sie Geflüchtete eingestellt haben.",
        )
    )

    page.goto(live_server.url + "/ihk/veranstaltungen/fruehstueck/")
    page.get_by_label("Name").fill("Sandra Weber")
    page.get_by_label("E-Mail-Adresse").fill("keine-adresse")
    page.get_by_label("Betrieb oder Organisation").fill("Nordhessen Logistik GmbH")
    page.get_by_label("Anzahl Personen").fill("2")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()

    # A clear message; what was typed stays.
    assert page.get_by_text("Bitte eine gültige E-Mail-Adresse angeben").is_visible()
    assert page.get_by_label("Name").input_value() == "Sandra Weber"
    page.get_by_label("E-Mail-Adresse").fill("s.weber@logistik.example")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Verbindlich anmelden").click()

    assert (
        page.get_by_role("status")
        .filter(has_text="Vielen Dank, Ihre Anmeldung ist eingegangen.")
        .is_visible()
    )
    assert page.get_by_text("28 von 30").is_visible()
    registration = EventRegistration.objects.get()
    assert (registration.email, registration.people) == ("s.weber@logistik.example", 2)


def test_arabic_candidate_information_reads_right_to_left(live_server, page, home_page):
    de = CANDIDATE_INFO_DE
    info = home_page.add_child(
        instance=CandidateInfoPage(
            title=de["title"],
            slug="informationen",
            intro=de["intro"],
            body=[("heading", de["h1"]), ("paragraph", f"<p>{de['p1']}</p>")],
        )
    )
    texts = CANDIDATE_INFO_TRANSLATIONS["ar"]
    translate_page(
        info, language_code="ar", strings={de[k]: v for k, v in texts.items()}
    )  # committed: published

    page.goto(live_server.url + "/ar/informationen/")

    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl" and html.get_attribute("lang") == "ar"
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == texts["title"]
    assert heading.evaluate("element => getComputedStyle(element).direction") == "rtl"
    # Mirrored: the heading's text starts at the right edge of the content column.
    box = heading.bounding_box()
    main = page.locator("main .kern-container").bounding_box()
    assert abs((box["x"] + box["width"]) - (main["x"] + main["width"])) < 40


def test_success_story_has_no_serious_accessibility_violations(live_server, page, section, axe):
    stories = section.add_child(instance=SuccessStoryIndexPage(title="Erfolgsgeschichten", slug="erfolge"))
    stories.add_child(
        instance=SuccessStoryPage(
            title="Tischlerlehre mit Sprachpatin",
            slug="tischlerlehre",
            company_name="Tischlerei Brandt",
            sector="Handwerk",
            placement_kind="ausbildung",
            intro="Gesellenprüfung als Jahrgangsbester.",
            quote="Er hatte schon Möbel gebaut.",
            quote_author="Jürgen Brandt",
            body=[
                ("paragraph", "<p>Eine Sprachpatin hat ihn drei Jahre begleitet.</p>"),
                (
                    "faq",
                    {
                        "title": "Fragen",
                        "items": [{"question": "Wie lange?", "answer": "<p>Drei Jahre.</p>"}],
                    },
                ),
            ],
        )
    )

    page.goto(live_server.url + "/ihk/erfolge/tischlerlehre/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tischlerlehre mit Sprachpatin"

    violations = axe()
    assert not violations, "success story:\n" + describe(violations)


def test_a_german_only_page_in_farsi_says_so_and_leads_to_the_languages_it_exists_in(
    live_server, page, home_page, axe
):
    de = CANDIDATE_INFO_DE
    info = home_page.add_child(
        instance=CandidateInfoPage(
            title=de["title"],
            slug="informationen",
            intro=de["intro"],
            body=[("heading", de["h1"]), ("paragraph", f"<p>{de['p1']}</p>")],
        )
    )
    texts = CANDIDATE_INFO_TRANSLATIONS["uk"]
    translate_page(info, language_code="uk", strings={de[k]: v for k, v in texts.items()})

    page.goto(live_server.url + "/fa/informationen/")

    notice = page.get_by_test_id("language-notice")
    assert notice.is_visible()
    assert notice.get_attribute("lang") == "fa" and notice.get_attribute("dir") == "rtl"
    assert "Diese Seite" not in notice.inner_text()  # said in Farsi
    # The German body is marked as German, left to right.
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == de["title"]
    assert heading.evaluate("h => [h.closest('[lang]').lang, getComputedStyle(h).direction]") == ["de", "ltr"]
    assert axe() == []

    notice.get_by_role("link", name="Українська").click()
    page.wait_for_url(live_server.url + "/uk/informationen/")
    assert page.locator("html").get_attribute("lang") == "uk"
    assert page.get_by_role("heading", level=1).inner_text() == texts["title"]
    assert page.get_by_test_id("language-notice").count() == 0
