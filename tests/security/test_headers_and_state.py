"""Finding 10 of the trust issue: headers and state.

A Content-Security-Policy on every response (strict outside the admin: no inline script or
style, no eval); ``Cache-Control: no-store, private`` on every page and export with personal
data; no names or e-mail addresses in cookies; a GET changes nothing (walked over the pages
each role reaches); throttles on every password-reset path and on event registration.
The pages' behaviour under the policy is proven in Chromium (tests/browser/test_csp.py).
"""

from __future__ import annotations

import re
import secrets
from collections import deque
from datetime import timedelta
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from employers import services as employer_services
from employers.models import Introduction
from notifications.models import Notification
from tests.clock import TODAY
from tests.factories import UserFactory, make_candidate, make_placement, make_profile, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

HOST = {"HTTP_HOST": "127.0.0.1:8000"}
PASSWORD = "pw"
ROOT = Path(settings.BASE_DIR)
# Rate limits live in the cache, which outlives the test's transaction: fresh addresses and
# e-mails per run, so that no run (or other module) counts against another.
_RUN = secrets.token_hex(4)
_NET = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}"


# --- helpers -----------------------------------------------------------------------------------


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _example_path(pattern: str) -> str:
    path = re.sub(r"<int:[^>]+>", "1", pattern)
    path = re.sub(r"<[^>]+>", "x", path)
    return "/" + path.replace("^", "").replace("$", "")


def _app_paths() -> list[str]:
    """Every route under /app/ (the language prefix is optional for German, so the bare path)."""
    paths = {_example_path(p) for p in _walk(get_resolver().url_patterns)}
    return sorted(p for p in paths if p.startswith("/app/"))


@pytest.fixture
def world(municipality, make_member, cook_taxonomy):
    """One of each: a candidate with a case, an employer with a placement, an accepted
    introduction, a hire, and unread notifications on both sides."""
    coach = make_member(Role.CASE_MANAGER, password=PASSWORD)
    employer = make_member(Role.EMPLOYER, password=PASSWORD, lead=True)
    candidate_user = UserFactory(
        is_candidate=True, password=PASSWORD, first_name="Zainab", last_name="Qasemi"
    )
    candidate = make_candidate(
        municipality, occupation=cook_taxonomy.cook, skills=cook_taxonomy.skills[:2], user=candidate_user
    )
    open_case(candidate, coach)
    profile = make_profile(employer.memberships.first().organisation)
    placement = make_placement(profile, cook_taxonomy.cook, openings=2)
    intro = employer_services.introduction_select(placement=placement, candidate=candidate, actor=employer)
    intro = employer_services.introduction_answer(introduction=intro, actor=candidate_user, accept=True)
    hired_candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, user=None)
    open_case(hired_candidate, coach)
    hired = employer_services.introduction_select(
        placement=placement, candidate=hired_candidate, actor=employer
    )
    employer_services.introduction_answer(introduction=hired, actor=coach, accept=True)
    employer_services.introduction_hire(introduction=hired, actor=employer, start_date=TODAY + timedelta(7))
    people = {
        "candidate": candidate_user,
        "case_manager": coach,
        "employer": employer,
        "job_coach": make_member(Role.JOB_COACH),
        "volunteer": make_member(Role.VOLUNTEER),
        "chamber_editor": make_member(Role.CHAMBER_EDITOR),
        "coordinator": make_member(Role.COORDINATOR),
    }
    return type(
        "World",
        (),
        {
            "people": people,
            "intro": intro,
            "candidate": candidate,
            "candidate_user": candidate_user,
            "employer": employer,
            "coach": coach,
        },
    )


# --- Content-Security-Policy -------------------------------------------------------------------

_STRICT_FORBIDDEN = {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"}


def test_every_kind_of_response_carries_a_strict_policy(world, signed_in, client):
    staff = signed_in(world.coach)
    responses = {
        "home (anonymous)": client.get("/", **HOST),
        "login": client.get("/accounts/login/", **HOST),
        "not found": client.get("/gibt-es-nicht/", **HOST),
        "health": client.get("/health/", **HOST),
        "app": staff.get("/app/", **HOST),
        "app 404": staff.get("/app/candidates/999999/", **HOST),
        "english app": staff.get("/en/app/", **HOST),
    }
    nonces = set()
    for name, response in responses.items():
        policy = _csp(response)
        assert policy.get("default-src") == ["'self'"], name
        for directive in ("script-src", "style-src"):
            sources = policy.get(directive, [])
            assert "'self'" in sources, (name, directive)
            assert not _STRICT_FORBIDDEN & set(sources), (name, directive, sources)
        assert policy.get("object-src") == ["'none'"], name
        assert policy.get("base-uri") == ["'self'"], name
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert policy.get("form-action") == ["'self'"], name
        nonces |= {s for s in policy["script-src"] if s.startswith("'nonce-")}
    assert len(nonces) == len(responses), "a fresh nonce per response"


def test_the_admins_get_their_own_policy_that_still_forbids_foreign_sources(world, signed_in, make_member):
    editor = signed_in(make_member(Role.CHAMBER_EDITOR))
    for path in ("/cms-admin/", "/django-admin/"):
        policy = _csp(editor.get(path, **HOST))
        assert policy.get("default-src") == ["'self'"], path
        assert "'unsafe-eval'" not in policy.get("script-src", []), path
        assert policy.get("object-src") == ["'none'"], path
        assert policy.get("frame-ancestors") == ["'self'"], path  # Wagtail's preview is an iframe


_TEMPLATE_ROOTS = [ROOT / d for d in ("platform", "candidates", "employers", "coaching", "cms", "monitoring")]
_INLINE = [
    (
        re.compile(
            r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
        ),
        "inline <script> without nonce",
    ),
    (re.compile(r"<style(?![^>]*\bnonce=)[^>]*>"), "<style> without nonce"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\bhx-on", re.I), "hx-on (eval)"),
    (re.compile(r"hx-vals=['\"]\s*js:|hx-vars=", re.I), "hx-vals js: (eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_our_templates_need_no_inline_script_style_or_eval():
    found = []
    for root in _TEMPLATE_ROOTS:
        for template in root.rglob("templates/**/*.html"):
            text = template.read_text()
            for pattern, what in _INLINE:
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_htmx_is_told_not_to_inject_styles_or_eval(client):
    body = client.get("/accounts/login/", **HOST).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', body)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1) and '"allowEval": false' in config.group(1)


# --- Cache-Control -----------------------------------------------------------------------------


def _no_store(response) -> bool:
    value = {v.strip() for v in response.headers.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= value


def test_every_app_url_answers_no_store_whatever_the_outcome(world, signed_in, client):
    paths = _app_paths()
    assert "/app/candidates/me/export/" in paths and len(paths) > 50
    staff = signed_in(world.coach)
    me = signed_in(world.candidate_user)
    missing = []
    for path in paths:
        for who, c in (("anonymous", client), ("case manager", staff), ("candidate", me)):
            response = c.get(path, **HOST)
            if not _no_store(response):
                missing.append((who, path, response.status_code))
    assert missing == []


def test_exports_and_account_pages_answer_no_store(world, signed_in):
    me = signed_in(world.candidate_user)
    export = me.get(reverse("candidates:my_export"), **HOST)
    assert export.status_code == 200 and "json" in export["Content-Type"]
    assert _no_store(export)
    assert _no_store(me.get("/accounts/email/", **HOST))
    assert _no_store(me.get("/en/app/", **HOST))
    # A public page to a signed-in person carries their name in the header bar.
    assert _no_store(me.get("/", **HOST))


# --- cookies -----------------------------------------------------------------------------------


def _cookie_values(response) -> str:
    return " ".join(f"{m.key}={m.value}" for m in response.cookies.values())


def test_no_cookie_carries_a_name_or_an_e_mail_after_flashed_messages(world, make_member, signed_in):
    settings_storage = settings.MESSAGE_STORAGE
    assert settings_storage == "django.contrib.messages.storage.session.SessionStorage"
    # allauth flashes "Erfolgreich als <name> angemeldet" on login.
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": world.candidate_user.email, "password": PASSWORD}, follow=True, **HOST
    )
    cookies = (
        " ".join(_cookie_values(r) for r, _status in [(response, 200)])
        + " "
        + " ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    )
    # A lead ends a membership: "Mitgliedschaft von <person> beendet."
    lead = make_member(Role.CASE_MANAGER, lead=True)
    organisation = lead.memberships.first().organisation
    member = make_member(
        Role.CASE_MANAGER, organisation=organisation, first_name="Amadou", last_name="Diallo"
    )
    staff = signed_in(lead)
    ended = staff.post(
        reverse("organisations:membership_deactivate", args=[organisation.pk, member.memberships.first().pk]),
        **HOST,
    )
    assert ended.status_code == 302
    cookies += (
        " " + _cookie_values(ended) + " " + " ".join(f"{k}={v.value}" for k, v in staff.cookies.items())
    )
    for secret in ("Zainab", "Qasemi", world.candidate_user.email, "Amadou", "Diallo", member.email):
        assert secret not in cookies
        assert secret.replace("@", "%40") not in cookies


# --- GETs change nothing -----------------------------------------------------------------------


def test_notifications_are_marked_read_only_by_post(world, signed_in):
    me = signed_in(world.candidate_user)
    # Answering an introduction marks its notices read (a POST); start from unread ones here.
    Notification.objects.filter(recipient=world.candidate_user).update(read_at=None)
    unread = Notification.objects.filter(recipient=world.candidate_user, read_at__isnull=True)
    assert unread.count() >= 1
    count = unread.count()
    page = me.get(reverse("notifications:inbox"), **HOST)
    assert page.status_code == 200 and "Alle als gelesen markieren" in page.content.decode()
    assert unread.count() == count
    # One item, then all.
    first = unread.first()
    one = me.post(reverse("notifications:read", args=[first.pk]), **HOST)
    assert one.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None and unread.count() == count - 1
    # Somebody else's notice is not theirs to mark.
    other = Notification.objects.filter(recipient=world.coach, read_at__isnull=True).first()
    assert me.post(reverse("notifications:read", args=[other.pk]), **HOST).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None
    me.post(reverse("notifications:read_all"), **HOST)
    assert unread.count() == 0
    assert me.get(reverse("notifications:read_all"), **HOST).status_code == 405


def test_opening_an_introduction_moves_no_stage(world, signed_in):
    owner = signed_in(world.employer)
    intro = world.intro
    assert intro.stage == Introduction.Stage.ACCEPTED
    page = owner.get(reverse("employers:introduction_detail", args=[intro.reference]), **HOST)
    assert page.status_code == 200
    intro.refresh_from_db()
    assert intro.stage == Introduction.Stage.ACCEPTED and intro.history.count() == 2
    # The employer shows the contact with a POST; that is recorded, and the page then shows it.
    owner.post(reverse("employers:introduction_action", args=[intro.reference, "reveal"]), **HOST)
    intro.refresh_from_db()
    assert intro.stage == Introduction.Stage.CONTACT_REVEALED
    assert (
        world.candidate.phone
        in owner.get(
            reverse("employers:introduction_detail", args=[intro.reference]), **HOST
        ).content.decode()
    )


# Writes a GET may make: the audit log (who viewed what is recorded on the view) and the session.
_ALLOWED_GET_WRITES = {"privacy_auditentry", "django_session"}
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([a-z0-9_]+)"?', re.I)


class _WriteRecorder:
    def __init__(self):
        self.writes: list[tuple[str, str]] = []
        self.path = ""

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match and match.group(2) not in _ALLOWED_GET_WRITES:
            self.writes.append((self.path, f"{match.group(1).split()[0]} {match.group(2)}"))
        return execute(sql, params, many, context)


# Only logging out ends the walk; exports and every form page are GETs like any other.
_SKIP = re.compile(r"/logout/")


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="(/[^"]*)"', html))


def _crawl(client: Client, recorder: _WriteRecorder, *, limit: int = 150) -> set[str]:
    seen: set[str] = set()
    queue = deque(["/app/", *(p for p in _app_paths() if "/1/" not in p and "/x" not in p)])
    while queue and len(seen) < limit:
        path = urldefrag(queue.popleft()).url.replace("&amp;", "&")
        where = urlsplit(path).path
        if path in seen or where.startswith(("/cms-admin/", "/django-admin/", "/i18n/", "/static/")):
            continue
        seen.add(path)
        recorder.path = path
        with connection.execute_wrapper(recorder):
            response = client.get(path, **HOST)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(link for link in _links(response.content.decode()) if not _SKIP.search(link))
    return seen


@pytest.mark.parametrize(
    "role",
    ["candidate", "case_manager", "employer", "job_coach", "volunteer", "chamber_editor", "coordinator"],
)
def test_no_get_a_role_can_reach_writes_anything(role, world, signed_in):
    client = signed_in(world.people[role])
    recorder = _WriteRecorder()
    seen = _crawl(client, recorder)
    assert len([p for p in seen if p.startswith("/app/")]) >= 5, seen
    assert recorder.writes == []


# --- throttles ---------------------------------------------------------------------------------


def _reset_paths() -> list[str]:
    """Every password-reset route the resolver knows (allauth's, and the packages' old ones)."""
    paths = {_example_path(p) for p in _walk(get_resolver().url_patterns)}
    found = sorted(
        p
        for p in paths
        if re.search(r"password[_/-]?reset", p) and "/x" not in p and "done" not in p and "key" not in p
    )
    assert "/accounts/password/reset/" in found and "/cms-admin/password_reset/" in found
    return found


def test_every_password_reset_path_sends_at_most_three_mails_an_hour_to_one_address(make_member, monkeypatch):
    from allauth.core.internal import ratelimit

    manager = make_member(Role.CASE_MANAGER, password=PASSWORD, email=f"reset-{_RUN}@example.org")
    clock = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    n = 0
    for path in _reset_paths():
        for _ in range(25):
            n += 1
            clock[0] += 60  # one request a minute: a per-minute limit would never bite
            Client(REMOTE_ADDR=f"{_NET}.{n % 250}").post(path, {"email": manager.email}, follow=True, **HOST)
    sent = [m for m in mail.outbox if manager.email in m.to]
    assert 1 <= len(sent) <= 3


def test_reset_limits_are_configured_explicitly():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert "/h/key" in limits["reset_password"] and "/h/ip" in limits["reset_password"]
    assert "/h/ip" in limits["reset_password_from_key"]


@pytest.fixture
def event(db):
    from cms.models import EventPage
    from cms.services import home_page_ensure

    home = home_page_ensure()
    page = EventPage(
        title="Azubi-Speed-Dating",
        slug="speed-dating",
        start=timezone.now() + timedelta(days=10),
        place="IHK",
        capacity=40,
        organiser_email="events@ihk.example",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return EventPage.objects.get(pk=page.pk)


def _register(event, *, email, people=10, ip=f"{_NET}.50"):
    return Client(REMOTE_ADDR=ip).post(
        event.url,
        {
            "name": "Max Muster",
            "email": email,
            "organisation": "",
            "people": people,
            "consent": "on",
        },
        **HOST,
    )


def test_one_address_cannot_book_out_an_event(event):
    answers = [_register(event, email=f"p{i}-{_RUN}@example.org") for i in range(4)]
    assert answers[0].status_code == 302
    assert event.seats_taken() <= 10
    refused = answers[-1]
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "später noch einmal" in body and f"p3-{_RUN}@example.org" in body  # the input comes back
    # Another address still gets its seats.
    assert _register(event, email=f"other-{_RUN}@example.org", people=5, ip=f"{_NET}.99").status_code == 302
    assert event.seats_taken() <= 15


def test_one_e_mail_address_registers_at_most_five_times_an_hour(event):
    from cms.models import EventPage, EventRegistration
    from cms.services import home_page_ensure

    home = home_page_ensure()
    events = []
    for i in range(7):
        page = EventPage(
            title=f"Infoabend {i}",
            slug=f"infoabend-{i}",
            start=timezone.now() + timedelta(days=10),
            place="Rathaus",
            capacity=None,
            organiser_email="events@ihk.example",
        )
        home.add_child(instance=page)
        page.save_revision().publish()
        events.append(EventPage.objects.get(pk=page.pk))
    answers = [
        _register(e, email=f"same-{_RUN}@example.org", people=1, ip=f"{_NET}.{60 + i}")
        for i, e in enumerate(events)
    ]
    assert [a.status_code for a in answers] == [302] * 5 + [429] * 2
    assert EventRegistration.objects.filter(email=f"same-{_RUN}@example.org").count() == 5


def test_rate_limits_count_per_visitor_behind_the_production_proxy(rf, settings):
    """Behind the reverse proxy every request comes from its address: allauth must read the
    visitor's from X-Forwarded-For (the last hop the proxy appended), not share one bucket."""
    from allauth.core.internal.httpkit import get_client_ip

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    second = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")
    forged = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert (get_client_ip(first), get_client_ip(second), get_client_ip(forged)) == (
        "198.51.100.7",
        "203.0.113.9",
        "203.0.113.9",
    )


def test_production_trusts_one_proxy_unless_told_otherwise():
    import re
    from pathlib import Path

    prod = (Path(__file__).resolve().parents[2] / "platform/config/settings/prod.py").read_text()
    assert re.search(r'ALLAUTH_TRUSTED_PROXY_COUNT = env\.int_\("LOTSE_TRUSTED_PROXY_COUNT", 1\)', prod)
