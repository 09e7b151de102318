"""Page types render with their blocks; the tree only takes what belongs; search, sitemap, robots, Open Graph."""

from __future__ import annotations

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images.models import Image

from cms.models import (
    AwardPage,
    CandidateInfoPage,
    ChamberSectionPage,
    EmployerGuidePage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    SuccessStoryPage,
)
from tests.cms.helpers import HOST
from tests.factories import WagtailImageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _image(title: str = "Backstube") -> Image:
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (200, 120, 40)).save(buffer, format="PNG")
    return WagtailImageFactory(
        title=title, description="Ein Bäcker formt Brötchen.", file=ImageFile(buffer, name="backstube.png")
    )


def test_standard_page_renders_rich_text_faq_contact_and_call_to_action(client, home):
    page = StandardPage(
        title="Geflüchtete einstellen",
        slug="einstellen",
        intro="Kurz erklärt.",
        body=[
            ("heading", "Vier Schritte"),
            ("paragraph", "<p>Erst die <b>Stelle</b>, dann das Gespräch.</p>"),
            (
                "faq",
                {
                    "title": "Häufige Fragen",
                    "items": [
                        {"question": "Was kostet Lotse?", "answer": "<p>Nichts.</p>"},
                    ],
                },
            ),
            (
                "contact",
                {
                    "title": "Ihr Kontakt",
                    "name": "Willkommenslotsen",
                    "organisation": "IHK",
                    "email": "lotsen@ihk.example",
                    "phone": "0561 1234",
                    "address": "",
                    "hours": "",
                },
            ),
            (
                "call_to_action",
                {
                    "title": "Los geht's",
                    "text": "",
                    "link_label": "Stelle anlegen",
                    "page": None,
                    "url": "/accounts/login/",
                },
            ),
            ("quote", {"quote": "Es hat sich gelohnt.", "attribution": "Ein Betrieb"}),
        ],
    )
    home.add_child(instance=page)

    html = client.get("/einstellen/", **HOST).content.decode()

    assert "<b>Stelle</b>" in html
    assert "<details" in html and "<summary" in html and "Was kostet Lotse?" in html
    assert 'href="mailto:lotsen@ihk.example"' in html and 'href="tel:05611234"' in html
    assert 'href="/accounts/login/"' in html and "Stelle anlegen" in html
    assert "Es hat sich gelohnt." in html


def test_success_story_shows_company_kind_quote_and_open_graph_image(client, ihk):
    story = SuccessStoryPage(
        title="Tischlerlehre mit Sprachpatin",
        slug="tischlerlehre",
        company_name="Tischlerei Brandt",
        sector="Handwerk",
        placement_kind="ausbildung",
        quote="Er hatte schon Möbel gebaut.",
        quote_author="Jürgen Brandt",
        intro="Gesellenprüfung als Jahrgangsbester.",
        image=_image(),
    )
    ihk.stories.add_child(instance=story)

    html = client.get("/ihk/erfolge/tischlerlehre/", **HOST).content.decode()

    assert "Tischlerei Brandt" in html and "Ausbildung" in html and "Er hatte schon Möbel gebaut." in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Tischlerlehre mit Sprachpatin">' in html
    assert '<meta property="og:description" content="Gesellenprüfung als Jahrgangsbester.">' in html
    assert '<meta property="og:url" content="http://127.0.0.1:8000/ihk/erfolge/tischlerlehre/">' in html
    assert '<meta property="og:image" content="http://127.0.0.1:8000/media/images/' in html
    assert 'alt="Ein Bäcker formt Brötchen."' in html  # the image's text alternative


def test_pages_without_an_image_have_no_og_image(client, ihk):
    html = client.get("/ihk/", **HOST).content.decode()
    assert '<meta property="og:type" content="website">' in html
    assert "og:image" not in html


def test_chamber_section_lists_guides_events_and_stories(client, ihk, make_event):
    ihk.section.add_child(
        instance=EmployerGuidePage(
            title="Arbeitserlaubnis", slug="arbeitserlaubnis", topic="work_permit", intro="Wer darf arbeiten?"
        )
    )
    make_event(title="Azubi-Speed-Dating", kind="speed_dating")
    ihk.stories.add_child(
        instance=SuccessStoryPage(title="Vom Praktikum", slug="praktikum", company_name="Lager AG")
    )

    html = client.get("/ihk/", **HOST).content.decode()

    assert "Arbeitserlaubnis" in html and 'href="/ihk/arbeitserlaubnis/"' in html
    assert "Azubi-Speed-Dating" in html
    assert "Vom Praktikum" in html
    guide = client.get("/ihk/arbeitserlaubnis/", **HOST).content.decode()
    assert "Arbeitserlaubnis" in guide and 'aria-label="Sie sind hier"' in guide


def test_news_and_award_pages_render(client, home):
    news = home.add_child(instance=NewsIndexPage(title="Neuigkeiten", slug="neuigkeiten"))
    news.add_child(instance=NewsPage(title="Neue Sprachkurse", slug="sprachkurse", intro="Ab März."))
    news.add_child(
        instance=AwardPage(
            title="Integrationspreis 2026",
            slug="preis",
            year=2026,
            winners=[("winner", {"company": "Gasthaus Linde", "reason": "Drei Auszubildende aus Eritrea."})],
        )
    )

    assert "Neue Sprachkurse" in client.get("/neuigkeiten/", **HOST).content.decode()
    award = client.get("/neuigkeiten/preis/", **HOST).content.decode()
    assert "Gasthaus Linde" in award and "Drei Auszubildende aus Eritrea." in award


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (SuccessStoryPage, ChamberSectionPage, False),
        (SuccessStoryPage, HomePage, False),
        (EventPage, HomePage, False),
        (ChamberSectionPage, ChamberSectionPage, False),
        (ChamberSectionPage, HomePage, True),
        (EmployerGuidePage, ChamberSectionPage, True),
        (CandidateInfoPage, ChamberSectionPage, False),
        (CandidateInfoPage, CandidateInfoPage, True),
        (HomePage, HomePage, False),
    ],
)
def test_the_tree_only_takes_what_belongs(child, parent, allowed):
    assert child.can_create_at(parent()) is allowed


def test_search_finds_published_pages_only(client, ihk):
    ihk.section.add_child(
        instance=EmployerGuidePage(
            title="Ausbildungsduldung",
            slug="duldung",
            topic="duldung",
            intro="Sicherheit für Betrieb und Azubi.",
        )
    )
    draft = EmployerGuidePage(title="Ausbildungsduldung Entwurf", slug="entwurf", topic="duldung", live=False)
    ihk.section.add_child(instance=draft)

    response = client.get("/suche/", {"q": "Ausbildungsduldung"}, **HOST)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/ihk/duldung/"' in html
    assert "Entwurf" not in html
    assert '<html lang="de" dir="ltr"' in html and 'name="robots" content="noindex"' in html


@pytest.mark.parametrize("query", ["", "zzzzqqq", "<script>x</script>", "a" * 500])
def test_search_survives_odd_queries(client, home, query):
    response = client.get("/suche/", {"q": query}, **HOST)
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()


def test_sitemap_lists_live_pages_and_robots_points_to_it(client, ihk):
    sitemap = client.get("/sitemap.xml", **HOST).content.decode()
    assert "<loc>http://localhost/ihk/</loc>" in sitemap or "/ihk/</loc>" in sitemap

    robots = client.get("/robots.txt", **HOST).content.decode()
    assert "Disallow: /cms-admin/" in robots
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots
