"""The monitoring dashboard served from its last drawing (organisations.kept_page) while the rows it
read and the cached computation it shows are unchanged: a new computation (the quarter-hourly task,
a saved target) or a computation gone from the cache shows at once, each coordinator and filter has
its own page, and the drawing reads nothing from a cache but the computation it watches and that
computation's rendering."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.urls import reverse

from monitoring import cache as monitoring_cache
from monitoring import services, views
from tests.monitoring.test_fragment_cache import _phase_total
from tests.monitoring.world import populate
from tests.organisations.helpers import drawings, kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL"),
]

URL = "/app/monitoring/"


@pytest.fixture
def draws(monkeypatch) -> list[int]:
    """How often the dashboard was drawn (not served kept)."""
    return drawings(monkeypatch, views, "_dashboard")


def test_the_url_is_the_dashboards():
    assert reverse("monitoring:dashboard") == URL


def test_a_new_computation_shows_at_once_on_a_kept_dashboard(monitoring_world, signed_in, draws):
    populate(monitoring_world, 4)
    coordinator = signed_in(monitoring_world["coordinator"])
    first = kept(coordinator, URL)
    assert _phase_total(coordinator.get(URL).content.decode()) == _phase_total(first)
    assert len(draws) == 2  # a first visit, the drawing kept; then served kept

    populate(monitoring_world, 3)
    # The figures are the cached computation's until it is redone (as before pages were kept).
    assert _phase_total(coordinator.get(URL).content.decode()) == _phase_total(first)
    assert len(draws) == 2
    services.dashboards_refresh()  # the quarter-hourly task: no request, no message
    assert _phase_total(coordinator.get(URL).content.decode()) == _phase_total(first) + 3
    assert len(draws) == 3

    populate(monitoring_world, 2)
    scope = views.selectors.scope_for(user=monitoring_world["coordinator"])
    # The computation is gone from the cache (evicted, Redis emptied).
    caches["default"].delete(monitoring_cache.key_for(scope, views.selectors.default_filters()))
    assert _phase_total(coordinator.get(URL).content.decode()) == _phase_total(first) + 5
    assert len(draws) == 4


def test_a_saved_target_shows_at_once(monitoring_world, signed_in, draws):
    populate(monitoring_world, 4)
    world = monitoring_world
    coordinator = signed_in(world["coordinator"])
    assert '"target": 33' not in kept(coordinator, URL)
    services.monitoring_settings_save(
        actor=world["coordinator"],
        municipality_id=world["coordinator"].memberships.get().organisation.municipality_id,
        comparison_opt_in=False,
        target_cases_per_case_manager=33,
        target_cases_per_coach=20,
    )
    body = coordinator.get(URL).content.decode()
    assert len(draws) == 3 and '"target": 33' in body


def test_each_coordinator_and_filter_has_a_dashboard_of_its_own(monitoring_world, signed_in, draws):
    populate(monitoring_world, 4)
    here = signed_in(monitoring_world["coordinator"])
    elsewhere = signed_in(monitoring_world["coordinator_elsewhere"])
    total = _phase_total(kept(here, URL))
    assert total >= 4
    assert _phase_total(kept(elsewhere, URL)) == 0  # Bochum's own figures, not the kept Dortmund page
    filtered = f"{URL}?legal_circle=sgb2"
    assert "legal_circle=sgb2" in kept(here, filtered)
    assert "legal_circle=sgb2" not in here.get(URL).content.decode()
    assert len(draws) == 6


def test_the_dashboards_drawing_reads_no_cache_but_its_computation_and_its_rendering(
    monitoring_world, signed_in, monkeypatch
):
    """A value read from a cache could change while every row stays the same: the dashboard reads
    only the token of its computation (watched), the figures under that token and their rendering
    (whose key holds the token)."""
    populate(monitoring_world, 4)
    coordinator = signed_in(monitoring_world["coordinator"])
    coordinator.get(URL)  # computed and rendered: the drawing below reads what is cached
    draw = views._dashboard
    read: list[str] = []

    def drawing(request, keep):
        backends = [caches[alias] for alias in caches.settings]
        with pytest.MonkeyPatch.context() as patch:
            for backend in backends:
                for method in ("get_many", "has_key", "get_or_set", "incr"):
                    patch.setattr(backend, method, lambda *a, _m=method, **k: read.append(_m))
                get = backend.get
                patch.setattr(
                    backend, "get", lambda key, *a, _get=get, **k: (read.append(key), _get(key, *a, **k))[1]
                )
            return draw(request, keep)

    monkeypatch.setattr(views, "_dashboard", drawing)
    body = coordinator.get(URL).content.decode()
    assert _phase_total(body) >= 4
    scope = views.selectors.scope_for(user=monitoring_world["coordinator"])
    token_key = monitoring_cache.key_for(scope, views.selectors.default_filters())
    token = caches["default"].get(token_key)
    assert read[:2] == [token_key, f"{token_key}:{token}"]
    assert [key for key in read[2:] if not key.startswith("template.cache.monitoring_figures.")] == []
