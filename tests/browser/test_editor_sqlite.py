"""An editor on the embedded SQLite default saves a page while Wagtail's autosave is writing.

On SQLite (what `make demo` runs), Wagtail's autosave racing the editor's submit answered 500
"database is locked". The demo server is started as a newcomer would have it — dev settings, a
SQLite file, `runserver` with its threads — and a chamber editor types and saves within a second,
so autosave and the submit hit the database together. The rest of the suite runs on PostgreSQL,
so this test builds its own SQLite database in a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from demo.accounts import DEMO_LOGINS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EDITOR = DEMO_LOGINS["chamber_editor"]  # exempt from TOTP under dev settings only
PASSWORD = "Redaktion-im-Browser-2026"

# A script for `manage.py shell` in a separate process against its own SQLite database (not the
# test database): it creates the editor as an operator would, so no factory here.
CREATE_EDITOR = f"""
from allauth.account.models import EmailAddress
from accounts.models import User
from wagtail.models import Page
user = User.objects.create_user(email={EDITOR!r}, password={PASSWORD!r}, first_name="Lena",
                                last_name="Albrecht", is_staff=True, is_superuser=True)
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
print("HOME", Page.objects.get(depth=2, locale__language_code="de").id)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the demo server stopped: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer within {seconds}s")


@pytest.fixture
def demo_server(tmp_path):
    db = tmp_path / "demo.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "LOTSE_IGNORE_DOTENV": "1",
        "PYTHONPATH": f"{ROOT / 'platform'}{os.pathsep}{ROOT}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("CELERY_BROKER_URL", None)  # the demo runs Celery eagerly
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True, timeout=600)
    created = subprocess.run(
        [*manage, "shell", "-c", CREATE_EDITOR],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    home_id = int(created.stdout.split("HOME", 1)[1].split()[0])
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url + "/health/live/", server)
        yield url, home_id, db, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _latest_draft_title(db: Path, page_id: int) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT content FROM wagtailcore_revision WHERE object_id = ? ORDER BY id DESC LIMIT 1",
            [str(page_id)],
        ).fetchone()
    return json.loads(row[0])["title"]


def test_editor_saves_within_a_second_of_typing_while_autosave_writes(demo_server, page):
    url, home_id, db, server = demo_server
    failures: list[str] = []
    page.on("response", lambda r: r.status >= 500 and failures.append(f"{r.status} {r.url}"))

    page.goto(url + "/accounts/login/")
    page.get_by_label("E-Mail-Adresse").fill(EDITOR)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Anmeldung").click()
    page.wait_for_url(url + "/app/")

    # Wagtail's w-unsaved controller announces an edit with `w-unsaved:add`; its autosave
    # controller then posts the form 500 ms later. Headless typing does not always raise that
    # event, so it is raised as the controller would; the autosave itself is Wagtail's own.
    # Saving 0.3 to 0.9 s after typing sends the submit while the autosave is on its way.
    announce_edit = (
        "document.getElementById('page-edit-form')"
        ".dispatchEvent(new CustomEvent('w-unsaved:add', {bubbles: true, detail: {type: 'edits'}}))"
    )
    autosaves: list[str] = []
    page.on(
        "request",
        lambda r: (
            r.method == "POST"
            and r.headers.get("accept") == "application/json"
            and "/edit/" in r.url
            and autosaves.append(r.url)
        ),
    )
    pauses = (300, 450, 500, 550, 600, 700, 900)
    for round_, pause_ms in enumerate(pauses, start=1):
        page.goto(f"{url}/cms-admin/pages/{home_id}/edit/")
        title = f"Willkommen bei Lotse – Fassung {round_}"
        page.locator("#id_title").fill(title)
        page.evaluate(announce_edit)
        page.wait_for_timeout(pause_ms)
        page.get_by_role("button", name=re.compile("^(Entwurf speichern|Save draft)$")).click()
        page.wait_for_load_state("networkidle")
        assert not failures, failures
        assert _latest_draft_title(db, home_id) == title
    assert len(autosaves) >= len(pauses) // 2, "Wagtail's autosave did not run: the race was not tried"

    server.terminate()
    log = server.communicate(timeout=30)[0]
    assert "database is locked" not in log, log[-3000:]
    assert '" 500 ' not in log, log[-3000:]
