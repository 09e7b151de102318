"""A page served again from its last drawing while nothing it read changed (organisations/kept_page.py),
tried on the case page: the same page with this request's tokens, its read audited every time, and
drawn anew the moment anything it shows changes, by any write (an UPDATE that sends no signal
included), or the reader may no longer see it."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.contrib import messages
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidate, Case, CaseNote, Goal
from candidates.views import case as case_views
from organisations import kept_page
from organisations.models import Membership
from privacy.models import AuditEntry
from tests.factories import CaseNoteFactory, GoalFactory, StepFactory
from tests.fixtures.users import login_with_mfa
from tests.organisations.helpers import case_url, kept

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pages kept on PostgreSQL"),
]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
KEYS = re.compile(r'name="submission_key" value="([0-9a-f-]{36})"')


def _tokens_out(body: str) -> str:
    """The page without its CSRF tokens (in forms and htmx's header) and one-time keys."""
    return KEYS.sub("KEY", re.sub(r'(?<=")[A-Za-z0-9]{64}(?=")', "CSRF", body))


def test_a_case_page_asked_again_unchanged_is_kept_with_this_requests_tokens(coaching_world, draws):
    world = coaching_world
    GoalFactory(case=world.case, title="Deutschkurs B1")
    client = login_with_mfa(Client(enforce_csrf_checks=True), world.case_manager)
    client.get(case_url(world.case))  # a first visit is only drawn
    first = client.get(case_url(world.case))  # asked again: drawn and kept
    second = client.get(case_url(world.case))
    assert first.status_code == second.status_code == 200
    assert len(draws) == 2
    one, two = first.content.decode(), second.content.decode()
    assert "Deutschkurs B1" in two and _tokens_out(one) == _tokens_out(two)
    # Each serve gets one-time keys of its own: two tabs never share one.
    assert KEYS.findall(one) and not set(KEYS.findall(one)) & set(KEYS.findall(two))
    # The kept page's forms work: its CSRF token and key are this request's.
    note = re.search(r'name="submission_key" value="([^"]+)" id="id_note_submission_key_noteform"', two)[1]
    answer = client.post(
        reverse("candidates:note_add", args=[world.case.pk]),
        {"text": "Aus dem zweiten Tab", "submission_key": note, "csrfmiddlewaretoken": CSRF.findall(two)[0]},
    )
    assert answer.status_code == 302
    assert CaseNote.objects.filter(case=world.case, text="Aus dem zweiten Tab").exists()


def test_every_serve_of_a_kept_page_is_audited(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    views = AuditEntry.objects.filter(
        actor_id=world.case_manager.pk,
        action=AuditEntry.Action.VIEW,
        record_type="candidates.candidate",
        record_id=str(world.case.candidate_id),
    )
    for _ in range(4):
        assert client.get(case_url(world.case)).status_code == 200
    assert len(draws) == 2  # the first visit, the drawing kept; then twice served kept
    assert views.count() == 4
    assert list(views.values_list("fields", flat=True)) == [["appointments", "case"]] * 4


def test_two_tabs_of_a_kept_page_add_two_goals(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    client.get(case_url(world.case))
    client.get(case_url(world.case))
    tabs = [client.get(case_url(world.case)).content.decode() for _ in range(2)]  # both served kept
    assert len(draws) == 2
    key_of = re.compile(r'name="submission_key" value="([^"]+)" id="id_goal_submission_key_goalform"')
    for title, tab in zip(("Praktikum", "Führerschein"), tabs, strict=True):
        data = {"title": title, "submission_key": key_of.search(tab)[1]}
        assert client.post(reverse("candidates:goal_add", args=[world.case.pk]), data).status_code == 302
    assert set(Goal.objects.filter(case=world.case).values_list("title", flat=True)) == {
        "Praktikum",
        "Führerschein",
    }


def test_what_a_colleague_wrote_shows_at_once(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    assert "Termin beim Jobcenter" not in kept(client, case_url(world.case))
    CaseNoteFactory(case=world.case, author=world.coach, text="Termin beim Jobcenter")
    assert "Termin beim Jobcenter" in client.get(case_url(world.case)).content.decode()
    assert len(draws) == 3


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda w: Candidate.objects.filter(pk=w.case.candidate_id).update(first_name="Samira"), id="name"
        ),
        pytest.param(lambda w: StepFactory(goal=GoalFactory(case=w.case), title="Lebenslauf"), id="step"),
        pytest.param(lambda w: Goal.objects.filter(case=w.case).delete(), id="goals removed"),
    ],
)
def test_a_write_that_sends_no_signal_is_seen_too(coaching_world, draws, write):
    world = coaching_world
    GoalFactory(case=world.case, title="Sprachkurs")
    client = login_with_mfa(Client(), world.case_manager)
    before = kept(client, case_url(world.case))
    write(world)
    after = client.get(case_url(world.case)).content.decode()
    assert len(draws) == 3 and after != before
    case = Case.objects.select_related("candidate").get(pk=world.case.pk)
    assert case.candidate.full_name in after
    assert ("Sprachkurs" in after) == Goal.objects.filter(case=case, title="Sprachkurs").exists()


@pytest.mark.parametrize(
    "take_away",
    [
        pytest.param(
            lambda w: Membership.objects.filter(user=w.case_manager).update(is_active=False),
            id="membership ended",
        ),
        pytest.param(
            lambda w: Case.objects.filter(pk=w.case.pk).update(
                responsible_organisation=w.people["coach_other_org"].memberships.get().organisation
            ),
            id="case handed to another organisation",
        ),
    ],
)
def test_a_case_no_longer_readable_is_refused_not_served_kept(coaching_world, take_away):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    kept(client, case_url(world.case))
    take_away(world)
    answer = client.get(case_url(world.case))
    assert answer.status_code in (403, 404)
    assert world.case.candidate.last_name not in answer.content.decode()


def test_the_next_day_draws_the_page_anew(coaching_world, draws, monkeypatch):
    world = coaching_world
    today = timezone.localdate()
    StepFactory(goal=GoalFactory(case=world.case), title="Anmeldung", due_date=today)
    client = login_with_mfa(Client(), world.case_manager)
    for _ in range(3):
        assert "überfällig" not in client.get(case_url(world.case)).content.decode()
    assert len(draws) == 2
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert "überfällig" in client.get(case_url(world.case)).content.decode()
    assert len(draws) == 3


def test_a_flashed_message_is_shown_by_a_drawing(coaching_world, draws):
    world = coaching_world
    client = login_with_mfa(Client(), world.case_manager)
    client.get(case_url(world.case))
    request = HttpRequest()
    request.session = client.session
    storage = SessionStorage(request)
    storage.add(messages.SUCCESS, "Übergabe angenommen.")
    storage.update(HttpResponse())
    request.session.save()
    assert "Übergabe angenommen." in client.get(case_url(world.case)).content.decode()
    for _ in range(2):  # drawn and kept, then served kept: the message was shown once
        assert "Übergabe angenommen." not in client.get(case_url(world.case)).content.decode()
    assert len(draws) == 3


def test_another_user_never_gets_a_page_kept_for_someone_else(coaching_world, draws):
    world = coaching_world
    assert "Fall speichern" in kept(login_with_mfa(Client(), world.case_manager), case_url(world.case))
    coordinator = login_with_mfa(Client(), world.coordinator)
    bodies = [coordinator.get(case_url(world.case)).content.decode() for _ in range(3)]
    assert len(draws) == 4  # the coordinator's first visit and drawing kept; then served kept
    assert not any("Fall speichern" in body for body in bodies)  # metadata only, with no form


# --- what keeps a drawing from being kept -----------------------------------------------------------


def _request(user) -> HttpRequest:
    request = RequestFactory().get("/app/somewhere/")
    request.user = user
    request.session = SessionStore()
    request._messages = SessionStorage(request)
    return request


def _served(user, draw, times: int = 2) -> int:
    """How often ``draw`` ran for ``times`` requests of the same page."""
    ran = []

    def counting(keep):
        ran.append(1)
        return draw(keep)

    for _ in range(times):
        kept_page.kept_page(_request(user), name="test.page", draw=counting)
    return len(ran)


# Three requests of one page: a first visit, a drawing kept, a kept page.
ASKED_THRICE = 3


def _raw_moment() -> HttpResponse:
    with connection.cursor() as cursor:
        sql = "SELECT COUNT(*) FROM candidates_candidate WHERE created_at < %(now)s"
        cursor.execute(sql, {"now": timezone.now()})
        return HttpResponse(f"<p>{cursor.fetchone()[0]}</p>")


def _listing(queryset) -> HttpResponse:
    return HttpResponse(f"<p>{list(queryset.values_list('pk', flat=True))}</p>")


def test_a_plain_read_is_kept(coaching_world):
    draw = lambda keep: _listing(Candidate.objects.filter(pk__gt=0))  # noqa: E731
    assert _served(coaching_world.case_manager, draw, times=ASKED_THRICE) == 2


@pytest.mark.parametrize(
    "draw",
    [
        pytest.param(
            lambda keep: _listing(Candidate.objects.filter(created_at__lt=timezone.now())), id="a moment"
        ),
        pytest.param(
            lambda keep: _listing(Candidate.objects.select_for_update().filter(pk__gt=0)), id="a lock"
        ),
        pytest.param(lambda keep: _raw_moment(), id="a moment among raw SQL's named parameters"),
        pytest.param(
            lambda keep: (Case.objects.filter(pk=0).update(phase="intake"), HttpResponse("x"))[1],
            id="a write",
        ),
        pytest.param(
            lambda keep: _listing(Candidate.objects.filter(pk__in=range(1, 5000))),
            id="thousands of parameters",
        ),
        pytest.param(
            lambda keep: _listing(Candidate.objects.filter(last_name__in=["x" * 5000])), id="a long parameter"
        ),
        pytest.param(
            lambda keep: (kept_page.not_kept("built an index"), _listing(Candidate.objects.all()))[1],
            id="built something of the process's own",
        ),
        pytest.param(lambda keep: HttpResponse("x", status=404), id="not found"),
        pytest.param(lambda keep: HttpResponse('{"a": 1}', content_type="application/json"), id="not a page"),
    ],
)
def test_a_drawing_that_depends_on_more_than_its_rows_is_drawn_every_time(coaching_world, draw):
    assert _served(coaching_world.case_manager, draw, times=ASKED_THRICE) == 3


def test_a_drawing_that_read_too_many_rows_to_check_is_drawn_every_time(coaching_world, monkeypatch):
    draw = lambda keep: _listing(Candidate.objects.filter(pk__gt=0))  # noqa: E731
    monkeypatch.setattr(kept_page, "MAX_ROWS", Candidate.objects.count() - 1)
    assert _served(coaching_world.case_manager, draw, times=ASKED_THRICE) == 3
    monkeypatch.setattr(kept_page, "MAX_ROWS", Candidate.objects.count())
    assert _served(coaching_world.case_manager, draw, times=1) == 1  # drawn and kept this time
    assert _served(coaching_world.case_manager, draw, times=1) == 0


def test_a_kept_page_is_dropped_after_its_time(coaching_world, monkeypatch):
    user = coaching_world.case_manager
    draw = lambda keep: _listing(Candidate.objects.filter(pk__gt=0))  # noqa: E731
    assert _served(user, draw, times=ASKED_THRICE) == 2
    monkeypatch.setattr(kept_page, "MAX_AGE", 0.0)
    assert _served(user, draw, times=1) == 1


def test_a_kept_serves_statements_are_counted_as_the_requests_queries(coaching_world, draws, settings):
    """The check's statements run on psycopg directly; the metrics (through the execute wrappers)
    and CaptureQueriesContext (the queries log) count them as the request's queries all the same."""
    from django.test.utils import CaptureQueriesContext

    from config import metrics

    settings.LOTSE_METRICS_TOKEN = "t"
    client = login_with_mfa(Client(), coaching_world.case_manager)
    kept(client, case_url(coaching_world.case))
    view = "candidates:case_detail"
    observed = metrics.QUERIES.labels(view)
    before = observed._sum.get()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case_url(coaching_world.case)).status_code == 200
    assert len(draws) == 2  # served kept
    checked = [q for q in queries.captured_queries if q.get("kept_page_check")]
    assert len(checked) >= 5 and all(q["sql"].startswith("SELECT ") for q in checked)
    assert observed._sum.get() - before == len(queries.captured_queries)


def test_a_watched_input_serves_the_kept_page_only_while_it_reads_the_same(coaching_world):
    """An input the rows do not show (a cached computation's token) is watched: the kept page is
    served while it reads as it did for the drawing, drawn anew when it changed or cannot be read."""
    user = coaching_world.case_manager
    now = {"token": "a"}

    def read() -> str:
        if now["token"] is None:
            raise ConnectionError("the cache is down")
        return now["token"]

    def draw(keep):
        keep.watch(read, now["token"])
        return _listing(Candidate.objects.filter(pk__gt=0))

    assert _served(user, draw, times=ASKED_THRICE) == 2
    now["token"] = "b"  # a new computation: drawn anew, then kept under it
    assert _served(user, draw, times=2) == 1
    now["token"] = None  # cannot be read: drawn each time (the drawing decides how it degrades)
    assert _served(user, draw, times=2) == 2


def test_the_kept_pages_of_a_worker_stay_within_their_budget(coaching_world, monkeypatch):
    """However many pages are asked for again, a worker keeps at most BUDGET bytes of them (the
    least recently served go first), and a page over MAX_BYTES is never kept."""
    monkeypatch.setattr(kept_page, "BUDGET", 3000)
    user = coaching_world.case_manager
    for n in range(6):
        page = lambda keep, n=n: HttpResponse(f"<p>{n}</p>" + "x" * 1000)  # noqa: E731
        for _ in range(2):
            kept_page.kept_page(_request(user), name=f"test.page{n}", draw=page)
    assert len(kept_page._pages) == 2
    assert kept_page._bytes == sum(p.size for p in kept_page._pages.values()) <= 3000
    monkeypatch.setattr(kept_page, "MAX_BYTES", 500)
    big = lambda keep: HttpResponse("<p>big</p>" + "x" * 1000)  # noqa: E731
    assert _served(user, big, times=ASKED_THRICE) == 3
    kept_page.forget_pages()
    assert kept_page._bytes == 0


def test_the_case_pages_drawing_reads_nothing_from_a_cache(coaching_world, monkeypatch):
    """What a kept page shows must come from its rows and its key: a value read from a cache could
    change while every row stayed the same, and the kept page would not see it."""
    from django.core.cache import caches

    draw = case_views._case_page
    read = []

    def drawing(*args, **kwargs):
        backends = [caches[alias] for alias in caches.settings]
        with pytest.MonkeyPatch.context() as patch:
            for backend in backends:
                for method in ("get", "get_many", "has_key", "get_or_set", "incr"):
                    patch.setattr(backend, method, lambda *a, _m=method, **k: read.append(_m))
            return draw(*args, **kwargs)

    monkeypatch.setattr(case_views, "_case_page", drawing)
    GoalFactory(case=coaching_world.case, title="Bewerbungstraining")
    body = (
        login_with_mfa(Client(), coaching_world.case_manager)
        .get(case_url(coaching_world.case))
        .content.decode()
    )
    assert "Bewerbungstraining" in body
    assert read == []


# --- the coach's home page (coaching:home) -----------------------------------------------------------


def test_the_coachs_home_page_is_kept_and_shows_a_changed_caseload_at_once(coaching_world, monkeypatch):
    from coaching import views as coaching_views

    world = coaching_world
    drawn = []
    home = coaching_views._home
    monkeypatch.setattr(coaching_views, "_home", lambda request: (drawn.append(1), home(request))[1])
    client = login_with_mfa(Client(), world.coach)
    url = reverse("coaching:home")
    client.get(url)
    first = client.get(url).content.decode()
    assert world.case.candidate.last_name in first
    assert _tokens_out(client.get(url).content.decode()) == _tokens_out(first)
    assert len(drawn) == 2
    # A name changed by an UPDATE (no signal): the caseload's row and its fragment are drawn anew.
    Candidate.objects.filter(pk=world.case.candidate_id).update(last_name="Haddad-Neu")
    assert "Haddad-Neu" in client.get(url).content.decode()
    # The employment ended: it leaves the caseload at once.
    world.employment.__class__.objects.filter(pk=world.employment.pk).update(end_reason="other")
    assert "Haddad-Neu" not in client.get(url).content.decode()
    assert len(drawn) == 4


def test_the_home_pages_drawing_reads_no_cache_but_its_own_fragments(coaching_world, monkeypatch):
    """The home page's two fragments (coaching/templates/coaching/home.html) are kept in the process
    cache under a key made of the very rows the drawing read; nothing else may come from a cache."""
    from django.core.cache import caches

    from coaching import views as coaching_views

    home = coaching_views._home
    read = []

    def drawing(request):
        with pytest.MonkeyPatch.context() as patch:
            for alias in caches.settings:
                if alias == "process":
                    continue
                for method in ("get", "get_many", "has_key", "get_or_set", "incr"):
                    patch.setattr(caches[alias], method, lambda *a, _m=method, **k: read.append(_m))
            return home(request)

    monkeypatch.setattr(coaching_views, "_home", drawing)
    for user in (coaching_world.coach, coaching_world.coordinator):
        body = kept(login_with_mfa(Client(), user), reverse("coaching:home"))
        assert coaching_world.case.candidate.last_name in body or user == coaching_world.coordinator
    assert read == []


def test_an_idle_worker_drops_its_pages_past_their_time(coaching_world, monkeypatch):
    """A page leaves memory after MAX_AGE even if no request comes to its worker again."""
    monkeypatch.setattr(kept_page, "SWEEP_SECONDS", 0.05)
    monkeypatch.setattr(kept_page, "_sweeper_pid", None)  # a sweeper of its own, at this pace
    kept(login_with_mfa(Client(), coaching_world.case_manager), case_url(coaching_world.case))
    monkeypatch.setattr(kept_page, "MAX_AGE", 0.0)
    deadline = time.monotonic() + 5
    while kept_page._pages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not kept_page._pages
