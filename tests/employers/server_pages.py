"""Pages of a real gunicorn read and forms sent as a browser does, with a test client's session
(tests/employers/test_several_processes.py and test_operator_outages.py)."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings

from tests.config.servers import RunningServer


def session_cookie(client) -> str:
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def get_page(server: RunningServer, path: str, cookie: str) -> str:
    status, headers, body = server.request("GET", path, headers={"Cookie": cookie})
    assert status == 200, (status, headers.get("location"), server.log()[-3000:])
    return body.decode()


def submit_form(server: RunningServer, path: str, cookie: str, fields: dict[str, str] | None = None) -> None:
    """A form sent as the browser does it: the page, then its form with the CSRF token; the
    answer is the redirect that follows a saved form."""
    status, _headers, body = server.request("GET", path, headers={"Cookie": cookie})
    assert status == 200, (status, server.log()[-3000:])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    # The form's (masked) token serves as the cookie too: Django unmasks either. The page's own
    # Set-Cookie may be hidden behind another one (the request helper keeps one header per name).
    csrf_cookie = token
    status, _headers, body = server.request(
        "POST",
        path,
        body=urlencode({"csrfmiddlewaretoken": token, **(fields or {})}).encode(),
        headers={
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert status == 302, (status, body.decode()[-3000:], server.log()[-3000:])


def match_section(page: str, ref: str) -> str:
    """The one match section of the page that shows the person ``ref``."""
    [section] = [part for part in page.split('data-testid="match"')[1:] if ref in part]
    return section
