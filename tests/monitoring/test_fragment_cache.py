"""The dashboard's figures and equity tables, rendered once per computation and reused: a warm page
builds no table, and a cached rendering is never shown for other figures, another language or
another person's links."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring import views
from tests.monitoring.world import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(monitoring_world, signed_in):
    return signed_in(monitoring_world["coordinator"])


@pytest.fixture
def tables_built(monkeypatch) -> list[str]:
    """The figures whose table rows were built (a cache hit builds none)."""
    built: list[str] = []
    original = views.table_rows

    def counting(figure, urls=None):
        built.append(figure.key)
        return original(figure, urls)

    monkeypatch.setattr(views, "table_rows", counting)
    return built


def _grid(html: str) -> str:
    return html[html.index('<div class="monitoring-grid">') : html.index('data-testid="dashboard-equity"')]


def _phase_total(html: str) -> int:
    section = html[html.index('data-figure="phases"') :]
    table = section[section.index("<tbody") : section.index("</tbody>")]
    return sum(int(n) for n in re.findall(r"<td[^>]*>\s*(\d+)\s*</td>", table))


def test_a_warm_dashboard_reuses_its_rendering_and_a_refresh_shows_new_figures(
    monitoring_world, coordinator, tables_built
):
    populate(monitoring_world, 4)
    first = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert len(tables_built) == 23  # one table per chart
    second = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert len(tables_built) == 23  # nothing rebuilt: the cached rendering was served
    assert _grid(second) == _grid(first)
    before = _phase_total(first)

    populate(monitoring_world, 3)
    coordinator.post(reverse("monitoring:refresh"))
    third = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert len(tables_built) == 46  # a new computation is rendered anew
    assert _phase_total(third) == before + 3


def test_the_cached_rendering_follows_the_language_the_filters_and_the_persons_links(
    monitoring_world, coordinator, signed_in
):
    populate(monitoring_world, 4)
    german = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert "Klient*innen nach Phase des Fallmanagements" in german

    with translation.override("en"):
        english_url = reverse("monitoring:dashboard")
    english = coordinator.get(english_url).content.decode()
    assert "Clients by case management phase" in english
    assert "Klient*innen nach Phase des Fallmanagements" not in english

    filtered = coordinator.get(reverse("monitoring:dashboard") + "?legal_circle=sgb2").content.decode()
    assert "legal_circle=sgb2" in _grid(filtered) and "legal_circle=sgb2" not in _grid(german)

    # The job coach's figures cover their own work, with the lists they may open: never the
    # coordinator's rendering.
    coach = signed_in(monitoring_world["job_coach"]).get(reverse("monitoring:dashboard")).content.decode()
    assert reverse("coaching:handover_list") in coach
    assert reverse("coaching:handover_list") not in german
