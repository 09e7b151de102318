"""In a real browser: the charts draw from the locally served Chart.js, and axe finds nothing serious."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.helpers import CHROMIUM, axe_results
from tests.fixtures.users import login_with_mfa
from tests.monitoring.world import build_world, populate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium package is missing"),
]


def test_dashboard_draws_every_chart_and_is_accessible(live_server, page, municipality, other_municipality):
    world = build_world(municipality, other_municipality)
    populate(world, 12)
    client = login_with_mfa(Client(), world["coordinator"])
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url + "/app/monitoring/")
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 23")
    assert all(url.startswith(live_server.url) for url in requested)  # nothing from a CDN
    # The table behind a chart opens for those who prefer numbers.
    page.get_by_text("Tabelle anzeigen").first.click()
    assert page.locator("#table-phases").is_visible()
    results = axe_results(page)
    serious = [(v["id"], v["help"]) for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, serious
