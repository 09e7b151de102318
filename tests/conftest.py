"""Shared pytest set-up. Fixture modules are owned per area and registered here."""

import os
from collections import Counter

import pytest

# Playwright runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = [
    "tests.fixtures.taxonomy",
    "tests.fixtures.candidates",
    "tests.fixtures.users",
    "tests.fixtures.speed_dating",
    "tests.fixtures.coaching",
    "tests.fixtures.employers",
    "tests.fixtures.cms",
    "tests.fixtures.browser",
]


@pytest.fixture(autouse=True)
def _reset_active_language():
    """A request to /en/ or /ar/ leaves that language active in the test thread (LocaleMiddleware
    never deactivates); reset it so that the next test's reverse() and gettext start in German."""
    yield
    from django.utils import translation

    translation.deactivate()


class _ServerRequests:
    """Requests the live server is still working on (Django's request_started/finished signals)."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.active = 0

    def started(self, **_kwargs) -> None:
        with self.lock:
            self.active += 1

    def finished(self, **_kwargs) -> None:
        with self.lock:
            self.active -= 1


@pytest.fixture(autouse=True)
def _forget_process_memos():
    """Per-process memos of committed state (issue 21: audited card views, rankings) would outlive
    a test whose transaction is rolled back (when on_commit callbacks were run inside it)."""
    yield
    from matching.services import candidate_rankings_forget
    from privacy.services import audit_views_forget

    audit_views_forget()
    candidate_rankings_forget()
    from employers.browse_results import statements_forget
    from employers.selectors import kept_pages_forget

    kept_pages_forget()
    statements_forget()
    from organisations.kept import forget as kept_statements_forget
    from organisations.kept_page import forget_pages

    kept_statements_forget()
    forget_pages()
    from django.core.cache import caches

    caches["process"].clear()  # kept pages and fragments (employers.browse_results, the caseload)


@pytest.fixture(autouse=True)
def _celery_join_allowed():
    """Celery runs an eager task inside ``denied_join_result()``, which saves and restores a
    process-wide flag without a lock. Two threads running eager tasks at once (the live server's
    and the test's) can restore it in the wrong order and leave it set: every later
    ``EagerResult.get()`` in this process then fails with "Never call result.get() within a task"
    (seen in CI, depending on test order). Each test starts with the flag as a fresh process has it."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield


@pytest.fixture(autouse=True)
def _live_server_quiet_before_flush(request):
    """A browser test can end while the page still has a request in flight (an htmx search fired
    by a debounce, a keepalive): the live server's thread then queries the database while the
    test's flush truncates it — a deadlock and a failed flush under load. So the flush waits until
    the server has answered everything. Set up after the database fixture, so torn down before it;
    by then the browser page is closed and sends nothing new."""
    if "live_server" not in request.fixturenames:
        yield
        return
    import time

    from django.core.signals import request_finished, request_started

    if request.node.get_closest_marker("django_db") or "transactional_db" in request.fixturenames:
        request.getfixturevalue("_django_db_helper")
    requests = _ServerRequests()
    request_started.connect(requests.started, weak=False, dispatch_uid="lotse-live-started")
    request_finished.connect(requests.finished, weak=False, dispatch_uid="lotse-live-finished")
    try:
        yield
        deadline = time.monotonic() + 60
        while requests.active > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        request_started.disconnect(dispatch_uid="lotse-live-started")
        request_finished.disconnect(dispatch_uid="lotse-live-finished")


# A transactional test (browser tests, races) ends with a flush that also removes what the
# migrations made: Wagtail's root collection, the home page, the site, the handover kinds. Tests after it would find
# "/" a 404 depending on the order they run in. So once its fixtures are torn down (the flush
# included), they are put back, committed, as the migrations left them.
def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    if nextitem is not None and _transactional(item):  # after the last test the database is gone
        from pytest_django.plugin import blocking_manager_key

        from cms.services import home_page_ensure
        from coaching.services import handover_kinds_ensure

        with item.config.stash[blocking_manager_key].unblock():
            home_page_ensure()
            handover_kinds_ensure()
    return result


@pytest.fixture
def freeze_now(time_machine):
    """Stop the clock: ``freeze_now(aware_datetime)`` makes every clock the app reads
    (``timezone.now()``, ``timezone.localdate()`` in Europe/Berlin, ``time.time()``, model defaults)
    stand at that moment until the test ends (time-machine)."""
    import datetime

    from django.utils import timezone

    def freeze(moment: datetime.datetime) -> datetime.datetime:
        assert timezone.is_aware(moment), "freeze an aware datetime (tzinfo=datetime.UTC)"
        time_machine.move_to(moment, tick=False)
        return moment

    return freeze


@pytest.fixture
def frozen_today(time_machine):
    """Noon in Berlin on tests.clock.TODAY, the clock running on from there: a test that builds its
    dates from TODAY agrees with the app's ``timezone.localdate()`` whenever the suite runs.
    Use it with ``pytestmark = pytest.mark.usefixtures("frozen_today")``."""
    from tests.clock import TODAY, berlin

    time_machine.move_to(berlin(TODAY), tick=True)
    return TODAY


@pytest.fixture(scope="module")
def frozen_today_module():
    """``frozen_today`` for a whole module, its module-scoped fixtures included (a demo seeded once
    for the module must be seeded on the day its tests check): noon in Berlin on tests.clock.TODAY,
    the clock running on. Use it with ``pytestmark = pytest.mark.usefixtures("frozen_today_module")``
    and request it from the module-scoped fixture too, so that it is set up first."""
    import time_machine

    from tests.clock import TODAY, berlin

    with time_machine.travel(berlin(TODAY), tick=True):
        yield TODAY


@pytest.fixture
def site_home(db):
    """The website's home page, whatever ran before (a flush or the demo's clean-up may have taken it)."""
    from cms.services import home_page_ensure

    return home_page_ensure()


# In CI (.ci/run sets CI=true) a test that needs a real service and would skip because the service
# is missing fails instead: a green CI means PostgreSQL, Redis, Chromium and gettext really ran.
REAL_SERVICE_WORDS = ("redis", "postgres", "chromium", "gettext", "sqlite serialises")
_ran_on_real: dict[str, int] = {"Chromium": 0, "PostgreSQL": 0, "Redis": 0}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and _in_ci() and not hasattr(report, "wasxfail"):
        longrepr = report.longrepr
        reason = str(longrepr[2] if isinstance(longrepr, tuple) else longrepr)
        if any(word in reason.lower() for word in REAL_SERVICE_WORDS):
            report.outcome = "failed"
            report.longrepr = f"CI=true: this test needs a real service and would have been skipped: {reason}"
    if report.when == "call" and report.passed:
        # Recorded on the report, counted where reports arrive: under pytest-xdist that is the
        # controller, which never runs the tests itself.
        if "browser" in item.keywords:
            report.user_properties.append(("ran_on_real", "Chromium"))
        if item.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
            getattr(item, "fixturenames", ())
        ):
            from django.db import connection

            if connection.vendor == "postgresql":
                report.user_properties.append(("ran_on_real", "PostgreSQL"))
        if getattr(item, "_used_redis", False):
            report.user_properties.append(("ran_on_real", "Redis"))
    return report


def pytest_runtest_logreport(report):
    for key, service in report.user_properties:
        if key == "ran_on_real":
            _ran_on_real[service] += 1


def pytest_terminal_summary(terminalreporter):
    counts = ", ".join(f"{count} on {service}" for service, count in _ran_on_real.items())
    terminalreporter.write_line(f"tests that passed against real services: {counts}")


# Under pytest-xdist (``--dist loadfile --no-loadscope-reorder``, see the Makefile) a worker takes
# whole modules in this order. xdist's own order (most tests first) put the form fuzzer, one test of
# about ten minutes, last: one worker ran it alone while the other idled. Modules that run for
# minutes go first (the fuzzer, the crawl, the several-processes test, then the browser modules),
# the rest by number of tests, so the run ends on short modules.
#
# pytest-randomly (on in CI, .ci/run) has shuffled the modules and the tests in each before this
# hook runs; the sort is stable, so a module's tests keep their shuffled order and modules of one
# size theirs. Only a test marked ``last_in_module`` goes to the end of its module: a check over
# what the module's other tests did (tests/api/test_fuzz.py counts their requests). Under xdist's
# loadfile a module runs whole in one worker, in this order.
SLOW_FIRST = (
    "tests/security/test_fuzz_forms.py",
    "tests/api/test_fuzz.py",  # ≥ 10,000 API requests on CI (LOTSE_API_FUZZ_EXAMPLES)
    "tests/journeys/test_crawl.py",
    "tests/employers/test_several_processes.py",
)


def pytest_collection_modifyitems(config, items):
    sizes = Counter(item.nodeid.split("::")[0] for item in items)
    shuffled: dict[str, int] = {}  # a module's place in the order pytest-randomly left
    for item in items:
        shuffled.setdefault(item.nodeid.split("::")[0], len(shuffled))

    def weight(item) -> tuple:
        module = item.nodeid.split("::")[0]
        slow = SLOW_FIRST.index(module) if module in SLOW_FIRST else len(SLOW_FIRST)
        browser = not module.startswith("tests/browser/")
        last = item.get_closest_marker("last_in_module") is not None
        return (slow, browser, -sizes[module], shuffled[module], last)

    items.sort(key=weight)
