"""No dead ends: as each demo role, starting at `/app/` and following only the links and GET forms
the pages show, the crawler reaches every page meant for that role.

The pages each role must reach are written down here by hand (a new page has to be added to a
role, or to the short list of URLs that are not pages a person opens by clicking, or this fails).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from demo.accounts import DEMO_LOGINS
from tests.fixtures.demo import clear_demo
from tests.fixtures.users import login_with_mfa

from .crawl import crawl

APP_NAMESPACES = (
    "accounts",
    "organisations",
    "taxonomy",
    "candidates",
    "employers",
    "coaching",
    "monitoring",
    "api_tokens",
)

# What each demo login must find by clicking from /app/ (URL names that answered 200).
ROLE_PAGES: dict[str, set[str]] = {
    "candidate": {
        "accounts:home",
        "notifications:inbox",
        "coaching:my_pathway",  # issue 20
        "candidates:my_profile",
        "candidates:my_profile_edit",
        "candidates:my_languages",
        "candidates:my_occupations",
        "candidates:my_skills",
        "candidates:my_consents",
        "candidates:consent_revoke",
        "candidates:my_audit",
        "candidates:my_export",
        "candidates:my_export_document",
        "employers:my_jobs",
        "employers:my_introductions",
        # the plan in self-service (issue 22)
        "candidates:my_plan",
        "candidates:my_step",
        "candidates:my_step_add",
        # messages on the case (issue 22)
        "coaching:messages",
        "coaching:message_case",
        # speed dating (issue 15): the invitation and its calendar file
        "employers:my_speed_dating",
        "employers:my_speed_dating_ics",
        # reporting discrimination (issue 15 §3): her own named report
        "coaching:discrimination_list",
        "coaching:discrimination_report",
        "coaching:discrimination_detail",
    },
    "case_manager": {
        "accounts:home",
        "notifications:inbox",
        "candidates:case_list",
        "candidates:create",
        "candidates:detail",
        "candidates:edit",
        "candidates:consents",
        "candidates:consent_revoke",
        "candidates:invite",
        "candidates:export",
        "candidates:erase",
        "candidates:case_detail",
        # the Clearingstelle (issue 14 §3): a question to the Ausländerbehörde from the case page
        "candidates:immigration_question_create",
        "candidates:work_permit_create",
        "candidates:language_add",
        "candidates:qualification_add",
        "employers:candidate_jobs",
        "employers:staff_introductions",
        # placements found by staff (issue 14)
        "employers:acquisition_list",
        "employers:acquisition_create",
        "coaching:case_detail",
        "coaching:handover_create",
        "coaching:handover_list",
        "coaching:handover_start",
        "coaching:referral_create",
        "coaching:volunteer_assign",
        "coaching:messages",
        "coaching:message_case",
        # life-domain assessment (issue 14)
        "candidates:assessment",
        "candidates:assessment_edit",
        "coaching:assessment_proposals",
        # appointments (issue 22)
        "candidates:appointment_add",
        "candidates:appointment_edit",
        # closing a case with an evaluation (issue 14 §4)
        "candidates:case_close",
        "candidates:closed_list",
        "candidates:case_closure",
        # the network level (issue 23): flag a barrier from the case; the rounds of their organisation
        "coaching:barrier_create",
        # the way to a target occupation (issue 20), from the case page
        "coaching:pathway",
        "coaching:round_list",
        "coaching:round_detail",
        "coaching:round_minutes_pdf",
        # the municipality's practice templates, read-only (issue 23 §4)
        "coaching:practice_list",
        "coaching:practice_detail",
        # speed dating (issue 15)
        "employers:speed_dating_list",
        "employers:speed_dating_create",
        "employers:speed_dating_detail",
        # reporting discrimination (issue 15 §3): the demo candidate's report (her case)
        "coaching:discrimination_list",
        "coaching:discrimination_report",
        "coaching:discrimination_detail",
        # the shared company record (issue 15 §1)
        "employers:business_list",
        "employers:business_create",
        "employers:business_detail",
    },
    "job_coach": {
        "accounts:home",
        "notifications:inbox",
        "coaching:home",
        "coaching:employment_detail",
        "coaching:follow_up_create",
        "coaching:language_need_create",
        "coaching:risk_create",
        "coaching:employment_quality",
        "coaching:support_request_list",
        "coaching:support_request_detail",
        "coaching:handover_list",
        "coaching:handover_start",
        "coaching:handover_create",
        "coaching:case_detail",
        "coaching:handover_detail",
        "coaching:service_list",
        "coaching:service_detail",
        # the way to a target occupation (issue 20), from the case's coaching page
        "coaching:pathway",
        "coaching:messages",
        # appointments (issue 22): from the case page of the employment's person
        "candidates:appointment_add",
        # placements found by staff (issue 14)
        "employers:acquisition_list",
        "employers:acquisition_create",
        # the rounds their organisation is a member of (issue 23)
        "coaching:round_list",
        "coaching:round_detail",
        "coaching:round_minutes_pdf",
        # the municipality's practice templates, read-only (issue 23 §4)
        "coaching:practice_list",
        "coaching:practice_detail",
        # reporting discrimination (issue 15 §3): the report the coach took
        "coaching:discrimination_list",
        "coaching:discrimination_report",
        "coaching:discrimination_detail",
        # the shared company record (issue 15 §1)
        "employers:business_list",
        "employers:business_create",
        "employers:business_detail",
    },
    "volunteer": {
        "accounts:home",
        "notifications:inbox",
        "coaching:volunteer_home",
        "coaching:volunteer_assignment",
        "coaching:messages",
        "coaching:message_volunteer",
        "coaching:service_list",
        "coaching:service_detail",
        # reporting discrimination (issue 15 §3)
        "coaching:discrimination_list",
        "coaching:discrimination_report",
    },
    "employer": {
        "accounts:home",
        "notifications:inbox",
        "employers:home",
        "employers:browse",
        "employers:browse_export",
        "employers:placement_create",
        "employers:placement_detail",
        "employers:placement_edit",
        "employers:placement_matches",
        "employers:introduction_detail",
        "employers:select_candidate",
        "employers:employment_end",
        "coaching:support_request_create",
        "coaching:support_request_list",
        "coaching:support_request_detail",
        # the business's tables at a speed dating (issue 15 §2)
        "employers:employer_speed_dating",
        # the business's API tokens (issue 17)
        "api_tokens:list",
    },
    "chamber_editor": {
        "accounts:home",
        "notifications:inbox",
        "employers:verification_list",
        # the records of the chamber's member businesses (issue 15 §1)
        "employers:business_list",
        "employers:business_detail",
        # the chamber's API tokens: its events' registrations (issue 17)
        "api_tokens:list",
    },
    "coordinator": {
        "accounts:home",
        "notifications:inbox",
        "monitoring:dashboard",
        "monitoring:compare",
        "monitoring:quality",
        "monitoring:export",
        "monitoring:report",
        "monitoring:report_pdf",
        "monitoring:settings",
        "organisations:list",
        "organisations:create",
        "organisations:members",
        "organisations:audit_log",
        "coaching:service_list",
        "coaching:service_create",
        "coaching:service_detail",
        # the ESCO skills an offer teaches (issue 20), from the offer's page
        "coaching:service_skills",
        # the coordinator keeps the directory (issue 17), from the offer's page
        "coaching:service_edit",
        "coaching:service_hours",
        "coaching:hsds_export",
        "coaching:hsds_import",
        "coaching:language_needs_overview",
        "employers:staff_introductions",
        "coaching:employment_list",
        "coaching:employment_coach",
        # the network level (issue 23)
        "coaching:barrier_overview",
        "coaching:round_list",
        "coaching:round_create",
        "coaching:round_detail",
        "coaching:round_minutes_pdf",
        "coaching:round_action_create",
        "coaching:agreement_list",
        "coaching:agreement_create",
        "coaching:agreement_detail",
        "coaching:agreement_edit",
        # practice shared between municipalities (issue 23 §4)
        "coaching:practice_list",
        "coaching:practice_create",
        "coaching:practice_detail",
        "coaching:practice_edit",
        # reported discrimination, counted (issue 15 §3)
        "coaching:discrimination_overview",
        # speed dating (issue 15)
        "employers:speed_dating_list",
        "employers:speed_dating_create",
        "employers:speed_dating_detail",
        # the shared company record (issue 15 §1)
        "employers:business_list",
        "employers:business_create",
        "employers:business_detail",
        "employers:business_merge",
        # the office's API tokens (issue 17)
        "api_tokens:list",
    },
    # the Clearingstelle (issue 14 §3): only the questions addressed to the office
    "immigration_office": {
        "accounts:home",
        "notifications:inbox",
        "candidates:office_question_list",
        "candidates:office_question_detail",
    },
}

# URLs that are not pages a person finds by clicking, and why.
NOT_PAGES: dict[str, str] = {
    "organisations:invitation": "the link in an invitation e-mail",
    "candidates:invitation_accept": "the link in an invitation e-mail",
    "taxonomy:occupation_search": "JSON for the occupation field",
    "taxonomy:skill_search": "JSON for the skill field",
    "employers:placement_skill_suggestions": "HTML fragment for the placement form",
    "employers:register": "for a signed-in person without a role (its own journey test)",
    "employers:verification_decide": "the demo has no employer waiting for verification",
    "candidates:my_qualification_edit": "the demo candidate keeps no qualification of their own",
    "employers:notifications": "replaced by the one inbox",
    "employers:acquisition_confirm": "the signed link in the e-mail to a business (no login)",
    "coaching:discrimination_referral": "the signed link in the e-mail to a counselling service (no login)",
    "coaching:referral_answer": "the signed link in the e-mail to a referral's provider (no login)",
    "accounts:keepalive": "the page script's sign of activity while the person types (POST)",
    "coaching:message_file": "a download, not a page (tests/coaching/test_messages.py)",
    "candidates:work_permit_edit": "on the one demo case with a procedure; the crawl opens one case page (tests/employers/test_work_permit.py)",
    "candidates:recognition_edit": "on a case page beside a qualification; the crawl opens one case page (tests/employers/test_recognition.py, tests/config/test_seed_demo.py)",
    "candidates:reassign": "for team leads; the demo's case manager leads no team (tests/candidates/test_closure.py)",
}
# Actions that answer the forms of the pages above (POST only): buttons, not pages.
POST_ONLY = {
    "accounts:logout_everywhere",
    "coaching:service_status",
    "api_tokens:revoke",
    "api_tokens:client_create",
    "api_tokens:client_revoke",
    "coaching:round_held",
    "coaching:round_action_done",
    "coaching:agreement_end",
    "coaching:practice_share",
    "coaching:practice_unshare",
    "coaching:practice_import",
    "candidates:appointment_cancel",
    "candidates:case_reopen",
    "candidates:closure_follow_up",
    "candidates:entry_remove",
    "candidates:goal_add",
    "candidates:goal_status",
    "candidates:my_entry_remove",
    "candidates:my_step_tick",
    "candidates:note_add",
    "candidates:occupation_add",
    "candidates:skill_add",
    "candidates:step_add",
    "candidates:step_status",
    "coaching:follow_along_take",
    "coaching:pathway_goal",
    "coaching:handover_appointment",
    "coaching:handover_decide",
    "coaching:handover_item",
    "coaching:language_need_status",
    "coaching:referral_update",
    "coaching:risk_escalate",
    "coaching:risk_resolve",
    "employers:acquisition_resend",
    "employers:business_contact_add",
    "employers:business_log",
    "employers:business_registration_link",
    "employers:business_relation_edit",
    "employers:introduction_action",
    "employers:introduction_answer",
    "employers:job_interest",
    "employers:propose",
    "employers:speed_dating_business_add",
    "employers:speed_dating_decide",
    "employers:speed_dating_introduce",
    "employers:speed_dating_outcome",
    "employers:speed_dating_propose",
    "employers:speed_dating_schedule",
    "employers:saved_search_create",
    "employers:saved_search_delete",
    "employers:shortlist_add",
    "employers:shortlist_remove",
    "monitoring:refresh",
    "notifications:email_preference",
    "notifications:open",
    "notifications:read",
    "notifications:read_all",
    "organisations:invitation_revoke",
    "organisations:membership_deactivate",
}
# Dead ends found by the crawl and not yet closed (issue 12): the test must fail for these roles.
DEAD_ENDS: dict[str, str] = {}


def _app_url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in APP_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver(), None)
    return names


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, request):
    """The demo as `make demo` seeds it (committed once for the module, removed afterwards)."""
    from tests.fixtures.taxonomy import esco_ensure

    esco_ensure(request, django_db_blocker)
    with django_db_blocker.unblock():
        call_command("seed_demo")
        yield
        clear_demo()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        pytest.param(role, marks=pytest.mark.xfail(strict=True, reason=DEAD_ENDS[role]))
        if role in DEAD_ENDS
        else role
        for role in sorted(ROLE_PAGES)
    ],
)
def test_each_role_finds_its_pages_by_clicking_from_the_start_page(demo, role):
    user = get_user_model().objects.get(email=DEMO_LOGINS[role])
    result = crawl(login_with_mfa(Client(), user))
    assert not result.failures, f"{role}: pages that failed: {result.failures}"
    missing = ROLE_PAGES[role] - result.reached
    assert not missing, f"{role} cannot find by clicking: {sorted(missing)}"


def test_every_app_page_is_meant_for_a_role_or_said_not_to_be_a_page():
    listed = set().union(*ROLE_PAGES.values()) | set(NOT_PAGES) | POST_ONLY
    unlisted = _app_url_names() - listed
    assert not unlisted, f"pages nobody is meant to find: {sorted(unlisted)}"


# --- no German on a candidate's pages in their language (issue 13) -----------------------------------

# Words that only German text has (checked as whole words, case-sensitive where German capitalises).
GERMAN_WORDS = frozenset(
    [
        "und",
        "oder",
        "der",
        "die",
        "das",
        "dem",
        "den",
        "des",
        "mit",
        "für",
        "nicht",
        "noch",
        "keine",
        "kein",
        "Sie",
        "Ihre",
        "Ihr",
        "Ihnen",
        "bitte",
        "werden",
        "wird",
        "wurde",
        "ist",
        "sind",
        "haben",
        "hat",
        "auf",
        "zurück",
        "speichern",
        "Speichern",
        "Seite",
        "Zurück",
        "Bitte",
        "Abbrechen",
        "Löschen",
        "Bearbeiten",
        "Weiter",
        "Stelle",
        "Stellen",
        "Termin",
        "Termine",
        "Ziel",
        "Ziele",
    ]
)
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]+")


class _VisibleText(HTMLParser):
    """Text a reader sees, with the language each piece is marked in (the nearest ``lang``)."""

    # <title> names the tab; a public page that exists only in German keeps its German title there,
    # while its body is marked lang="de" under a notice in the reader's language.
    SILENT = {"script", "style", "template", "noscript", "title"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.pieces: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else (self.stack[-1][1] if self.stack else None)))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        text = data.strip()
        if text and self.stack and self.stack[-1][0] not in self.SILENT:
            self.pieces.append((self.stack[-1][1] or "", text))


def _german_pieces(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return [
        text
        for lang, text in parser.pieces
        if not lang.startswith("de") and GERMAN_WORDS & set(WORD.findall(text))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["uk", "ar", "fa"])
def test_the_candidates_pages_in_their_language_hold_no_unmarked_german(demo, code):
    """Every page the demo candidate reaches by clicking from /<code>/app/: text in German shows only
    where it is marked lang="de" (an ESCO label or an organisation's name without a translation)."""
    user = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    found: dict[str, list[str]] = {}

    def look(path: str, html: str) -> None:
        assert f'<html lang="{code}"' in html, path
        if german := _german_pieces(html):
            found[path] = german

    with translation.override(code):
        result = crawl(login_with_mfa(Client(), user), start=f"/{code}/app/", scope=f"/{code}/", on_page=look)
    assert result.pages >= 10, result.reached
    assert not found, "\n".join(f"{path}: {pieces[:5]}" for path, pieces in found.items())
