"""Plain helpers shared by the browser tests: signing in a browser context, axe-core on any page."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from candidates import services as candidate_services
from candidates.models import Case
from employers.models import Introduction
from tests.factories import CandidateFactory
from tests.fixtures.users import login_with_mfa, new_member

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# The job the proposal journeys propose a person for (tests/browser/test_proposals.py's story).
TITLE = "Koch*Köchin (m/w/d)"


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(node["target"]) for node in v["nodes"]]
        lines.append(f"{v['impact']}: {v['id']} – {v['help']} at {targets}")
    return "\n".join(lines)


# What Chromium says when a script meets a page that is being replaced by the next one.
_NAVIGATING = re.compile(
    r"documentElement|Execution context was destroyed|Cannot find context|axe is not defined"
)


def axe_results(p) -> dict:
    """axe-core's results on the page shown now, in any browser context.

    A click that follows a link returns before the next document exists: a script evaluated in that
    moment finds no document, or its context is destroyed under it. Wait for the page to load and
    run again, rather than fail a test on the timing of the machine."""
    # Through DevTools, not an inline <script>: the page's CSP forbids those (and must keep doing so).
    script = AXE_SCRIPT.read_text()
    attempts = 4
    for attempt in range(attempts):
        p.wait_for_load_state("load")
        try:
            p.evaluate(script)
            return p.evaluate("async () => await axe.run(document)")
        except PlaywrightError as error:
            if attempt == attempts - 1 or not _NAVIGATING.search(str(error)):
                raise
            p.wait_for_timeout(150)
    raise AssertionError("unreachable")


def serious(p) -> list[dict]:
    """axe-core on the current page of any browser context (the fixture knows only ``page``)."""
    return [v for v in axe_results(p)["violations"] if v["impact"] in ("serious", "critical")]


def sign_in(context, live_server, user) -> None:
    client = login_with_mfa(Client(), user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def signed_in_page(browser, live_server, user):
    """A browser of its own for the user, signed in, on its start page (the only page.goto)."""
    client = login_with_mfa(Client(), user)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")
    return page


def inbox_item(page, axe, title: str) -> None:
    """From the unread badge in the navigation to the notice, opened by its button."""
    badge = page.get_by_test_id("unread-count")
    assert badge.is_visible()
    page.get_by_test_id("inbox-link").click()
    page.wait_for_url("**/app/notifications/")
    assert axe(page) == []
    page.locator("[data-testid=notifications] li", has_text=title).get_by_role(
        "button", name="öffnen"
    ).click()


def propose_from_jobs_page(page, axe, story) -> None:
    job = page.locator("[data-testid=job]", has_text=TITLE)
    assert "Mittagsküche" in job.inner_text()
    # Without the agreement the page says what is missing, and nothing is proposed.
    job.get_by_role("button", name="Diesem Betrieb vorschlagen").click()
    page.wait_for_load_state()
    job = page.locator("[data-testid=job]", has_text=TITLE)
    assert "Bitte bestätigen Sie, dass die Person einverstanden ist." in job.inner_text()
    assert axe(page) == []
    assert not Introduction.objects.exists()
    job.get_by_label(re.compile("Die Person ist einverstanden")).check()
    job.get_by_label("Formular-Referenz").fill("Ordner 2/41")
    job.get_by_role("button", name="Diesem Betrieb vorschlagen").click()
    page.wait_for_url(re.compile(rf".*/app/employers/candidates/{story.candidate.pk}/jobs/#job-\d+$"))
    assert "Läuft schon" in page.locator("[data-testid=job]", has_text=TITLE).inner_text()
    assert axe(page) == []


def introduction_with_contact(world, *, today, sector: str, **placement_fields) -> Introduction:
    """A new person of ``world``'s office introduced to an open placement of its employer, starting
    30 days after ``today``, at the stage where the employer has the contact and may hire (the
    world's running employment ended, so the person is free to be hired)."""
    from datetime import timedelta

    from employers.models import Employment
    from tests.factories import CaseFactory, EmployerProfileFactory, IntroductionFactory, PlacementFactory

    Employment.objects.filter(pk=world.employment.pk).update(end_reason="other", end_date=today)
    case = CaseFactory(
        responsible_organisation=world.office,
        candidate__municipality=world.municipality,
        case_manager=world.case_manager,
    )
    # Get-or-create: the world's employer may have its profile already.
    profile = EmployerProfileFactory(organisation=world.employer_org, sector=sector, contact_name="")
    placement = PlacementFactory(
        employer=profile,
        municipality=world.municipality,
        postcode="44135",
        status="open",
        start_date=today + timedelta(days=30),
        hours_per_week=38,
        min_german_spoken=None,
        **placement_fields,
    )
    return IntroductionFactory(placement=placement, candidate=case.candidate, stage="contact_revealed")


def case_of_amal(*goals: str) -> tuple[Case, list]:
    """A case manager's case of Amal Saleh with these goals (and the goals)."""
    case_manager = new_member("case_manager")
    organisation = case_manager.memberships.get().organisation
    person = CandidateFactory(municipality=organisation.municipality, first_name="Amal", last_name="Saleh")
    case = candidate_services.case_open(
        candidate=person, actor=case_manager, responsible_organisation=organisation, case_manager=case_manager
    )
    return case, [candidate_services.goal_add(case=case, actor=case_manager, title=title) for title in goals]


def to_the_case_from_app(page, live_server, case: Case) -> None:
    """Signed in as the case's case manager, from /app/ to the caseload and on to the case page."""
    sign_in(page.context, live_server, case.case_manager)
    page.goto(f"{live_server.url}/app/")
    page.locator('a[href="/app/candidates/"]').first.click()
    page.wait_for_url("**/app/candidates/")
    page.locator(f'a[href="/app/candidates/cases/{case.pk}/"]').first.click()
    page.wait_for_url(f"**/app/candidates/cases/{case.pk}/")
