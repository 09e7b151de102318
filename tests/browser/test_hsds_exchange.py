"""Issue 17 in Chromium: a coordinator downloads the directory as HSDS 3.0 from the directory page,
uploads a broken file (errors by JSON path, the municipality kept, nothing changed) and then a good
one (imported). axe-core on every page passed. Reaching the directory page by clicking from /app/
is the crawl's claim (tests/journeys/test_crawl.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from coaching import hsds
from coaching.models import Service
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_exports_and_imports_the_directory_as_hsds(
    live_server,
    page,
    axe,
    home_page,
    coaching_world,
    language_school,
    tmp_path,
):
    client = login_with_mfa(Client(), coaching_world.coordinator)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(live_server.url + reverse("coaching:service_list"))
    assert axe() == []
    with page.expect_download() as download:
        page.get_by_role("link", name="HSDS exportieren").click()
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert hsds.validate(document) == []

    page.get_by_role("link", name="HSDS importieren").click()
    assert axe() == []
    broken = json.loads(json.dumps(document))
    broken[0]["services"][0]["status"] = "vielleicht"
    broken[0]["services"][0]["name"] = "Nicht ankommen"
    bad = tmp_path / "kaputt.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    page.get_by_label("HSDS-Datei (JSON)").set_input_files(str(bad))
    page.get_by_role("button", name="Importieren").click()
    expect(page.get_by_text("$[0].services[0].status")).to_have_count(1)
    assert page.get_by_label("Kommune").input_value() == str(coaching_world.municipality.pk)
    assert axe() == []
    assert Service.objects.get(pk=language_school.pk).name == "Berufssprachkurs B2"

    document[0]["services"][0]["name"] = "Berufssprachkurs C1"
    good = tmp_path / "gut.json"
    good.write_text(json.dumps(document), encoding="utf-8")
    page.get_by_label("HSDS-Datei (JSON)").set_input_files(str(good))
    page.get_by_role("button", name="Importieren").click()
    page.get_by_text("HSDS importiert").wait_for()
    assert Service.objects.get(pk=language_school.pk).name == "Berufssprachkurs C1"
