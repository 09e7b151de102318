"""Plain helpers shared by the CMS tests: the Wagtail admin forms and answers of the chamber workflow."""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

# The host the website answers to in the tests.
HOST = {"HTTP_HOST": "127.0.0.1:8000"}


def story_form(**overrides) -> dict:
    """The Wagtail add form of a success story, with ``overrides`` of single fields."""
    data = {
        "title": "Vom Praktikum in die Ausbildung",
        "slug": "praktikum-ausbildung",
        "company_name": "Bäckerei Sommer",
        "sector": "Lebensmittelhandwerk",
        "placement_kind": "ausbildung",
        "image": "",
        "intro": "Eine Bäckerei bildet einen jungen Mann aus Syrien aus.",
        "quote": "Er war vom ersten Tag an pünktlich um vier in der Backstube.",
        "quote_author": "Maria Sommer, Inhaberin",
        "body": streamfield([("paragraph", rich_text("<p>Der Jobcoach hat den Kontakt hergestellt.</p>"))]),
        "comments": inline_formset([]),
        "seo_title": "",
        "search_description": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def assert_denied(response) -> None:
    """Wagtail answers a page it will not let you edit by sending you back to the dashboard with
    "Sorry, you do not have permission to access this area" (a 302, not a 403)."""
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def add_url(parent: Page) -> str:
    """The Wagtail admin URL that adds a success story under ``parent``."""
    return reverse("wagtailadmin_pages:add", args=("cms", "successstorypage", parent.pk))
