"""The API's documentation in Chromium: Swagger UI (/api/docs/) renders the schema from our own
static files, with no request to another host and no CSP violation. (No ReDoc: it always loads a
logo from its maker's CDN.)"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def recorded(page, live_server):
    here = urlsplit(live_server.url).netloc
    found = {"outside": [], "violations": [], "requests": [], "blocked": []}

    def request(req) -> None:
        parts = urlsplit(req.url)
        found["requests"].append(req.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != here:
            found["outside"].append(req.url)

    page.on("request", request)
    page.on(
        "console",
        lambda m: found["violations"].append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: found["violations"].append(f"script error {e}"))
    page.on(
        "requestfailed",
        # Chromium names a request its CSP refused "csp" (net::ERR_BLOCKED_BY_CSP).
        lambda req: found["blocked"].append(req.url) if "csp" in (req.failure or "").lower() else None,
    )
    return found


def test_swagger_ui_renders_from_our_own_files(page, live_server, recorded):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Lotse API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/v1/placements/", exact=True).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert recorded["outside"] == []
    assert recorded["violations"] == []
    assert any("/static/drf_spectacular_sidecar/swagger-ui-dist/" in url for url in recorded["requests"])
    assert any("/api/schema/" in url for url in recorded["requests"])
