"""Load benchmark (issues 18 and 21): the pages people wait on, under concurrent users.

    createdb -h 127.0.0.1 -U postgres lotse_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench_load \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/bench_load.py

Before and after in one run: BENCH_BASELINE=/path/to/another/checkout serves that code beside this
one (the same database and sessions) and measures each page on it right before this checkout's, so
both see the same load from the rest of the machine:

    git archive <commit> | tar -x -C /tmp/lotse_before && BENCH_BASELINE=/tmp/lotse_before ...

Settings by environment: BENCH_CANDIDATES (default 10,000 listed candidates), BENCH_DURATION
(seconds per page and concurrency, default 10), BENCH_USERS (default "16,64"), BENCH_PAGES (a
comma-separated subset of the page names below), BENCH_ROUNDS (default 1: with more, the pages are
measured that many times over at each concurrency, each round against its own trivial reading,
and the median round is reported with the range of the shares), BENCH_WORKERS (gunicorn workers,
default 2),
BENCH_PORT (default 8799; the baseline takes the next), BENCH_BOOT_TIMEOUT (seconds gunicorn may take
to answer first, default 180: on a crowded box its workers boot slowly),
REDIS_URL (a Redis database for this run; cache and broker take it and the next one),
BENCH_MUNICIPALITIES (default 1: everyone in Benchstadt). With more, the candidates are spread evenly
over that many municipalities (each with an office of its own holding its cases) and the pages are
measured in Benchstadt: a tenth of national scale is BENCH_CANDIDATES=150000 BENCH_MUNICIPALITIES=40
(3,750 people per municipality, 150,000 rows in the tables every query reads).

What it does:

1. Seeds, once per database (a re-run with the same size reuses the rows): bench_browse's
   municipality with BENCH_CANDIDATES listed candidates and a verified employer, a placement
   asking for five skills, a case for every candidate in a municipal office, a case manager, a
   job coach following 150 employments, and a coordinator.
2. Makes one signed-in session per role as allauth's login does after password *and* TOTP
   (tests/fixtures/users.login_with_mfa), so RequireMFAMiddleware lets them through.
3. Starts gunicorn with the **production settings** (config.settings.prod, DEBUG off, PostgreSQL,
   Redis cache, sessions in the database, ATOMIC_REQUESTS, CONN_MAX_AGE) with BENCH_WORKERS sync
   workers. Nothing in prod is weakened: the requests carry ``X-Forwarded-Proto: https`` as the
   reverse proxy does (SECURE_PROXY_SSL_HEADER), so the HTTPS redirect is not taken.
4. Checks every page answers 200 (a redirect to the login would measure the wrong page), then
   runs ``wrk`` for each page at each concurrency and prints p50/p95/p99 latency, throughput,
   errors (connection errors, timeouts, any status but 200), CPU per request of the gunicorn
   workers (utime+stime from /proc/<pid>/stat before and after) and of their PostgreSQL backends,
   and the throughput as a fraction of the trivial view's in the same run, beside the targets.

Why wrk: a load generator in Python would take a good part of this 2-core machine's CPU from the
server it measures. wrk is a Debian package (``apt-get install wrk``); its own CPU time is printed.

``browse`` is the page as most requests find it: the worker kept its cards (employers.browse_results)
and the page drawn from them (organisations.kept_page), and checks their listing live.
``browse_new`` asks for the same cards under a URL nobody asked for before (the path's ``{n}`` is a
counter the Lua script fills in), so every request reads and renders the page anew, as the first
request after a change to who is listed or to a card does.
``case`` and ``case_new`` are the same pair for the case page: ``case`` a case manager returning to an
unchanged case (served from its last drawing once its reads are confirmed unchanged,
organisations.kept_page), ``case_new`` a first visit or the visit after a change (drawn anew);
``caseload`` and ``caseload_new`` likewise for the coach's home page, ``matches`` and
``matches_new`` for an employer's matches (``matches_new`` with the ranking and the page's rows
already in the worker's memory: a page drawn anew, not ranked anew). The dashboard is served kept
while its cached computation is current; drawn, it costs what it did before pages were kept.

The trivial view (the ceiling) is ``robots.txt`` requested with the employer's session: a view that
does nothing, behind the whole middleware chain every signed-in page pays (session, user, the
second-factor check; about 4 ms of CPU, the "trivial view" issue 21 measured against). The liveness
probe ``/health/live/`` is printed too: config.health answers it before sessions and login, so it
is the server's own floor (gunicorn and WSGI), not a page anyone waits for.

CPU per request is the workers' CPU during the run divided by the answers wrk received; work on the
(at most one per worker) requests still running when wrk stops is counted, so slow pages with few
answers read a little high. The workers' database backends are measured the same way per process.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "platform")]

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Give it a PostgreSQL database of its own: DATABASE_URL=postgres://…/lotse_bench_load")
if shutil.which("wrk") is None:
    sys.exit("wrk is missing: apt-get install wrk (Debian/Ubuntu) or build it from github.com/wg/wrk")

N_CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "10000"))
N_MUNICIPALITIES = max(1, int(os.environ.get("BENCH_MUNICIPALITIES", "1")))
DURATION = int(os.environ.get("BENCH_DURATION", "10"))
USERS = [int(u) for u in os.environ.get("BENCH_USERS", "16,64").split(",")]
# Rounds of the whole sequence at each concurrency: the trivial view's throughput moves by a
# tenth and more between runs of unchanged code on this machine, so each round compares its pages
# with its own trivial reading and the report gives the median round (and the range).
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8799"))
# Seconds gunicorn may take to answer its first request: on a crowded box its workers boot slowly.
BOOT_TIMEOUT = int(os.environ.get("BENCH_BOOT_TIMEOUT", "180"))
_redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14").rstrip("/")
_redis_base, _redis_db = _redis.rsplit("/", 1)

# The production settings' required variables (see .env.example), for this process and gunicorn's.
_key_file = Path(tempfile.gettempdir()) / "lotse_bench_load.key"
if not _key_file.exists():  # one key per machine: sessions made by an earlier run stay valid
    _key_file.write_text(secrets.token_urlsafe(50))
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": _key_file.read_text().strip(),
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "REDIS_CACHE_URL": f"{_redis_base}/{_redis_db}",
    "CELERY_BROKER_URL": f"{_redis_base}/{int(_redis_db) + 1}",
    "WAGTAILADMIN_BASE_URL": "https://127.0.0.1",
    "DJANGO_LOG_LEVEL": "WARNING",
    # Keep the workers' database connections for the whole run (the default is 60 s), so their
    # backends' CPU can be read per process; an operator may set the same.
    "CONN_MAX_AGE": "900",
    "LOTSE_IGNORE_DOTENV": "1",
}
os.environ.update(PROD_ENV)
os.environ["MATCHING_WARM_INDEXES"] = "0"  # this process only seeds; the server's workers warm up

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

# Targets beside the figures: (p95 ms at 16 users, fraction of trivial, CPU ms per request).
ISSUE_18 = {"p95_16": 100.0, "fraction": 0.50}
ISSUE_21 = {"browse": (12.0, 0.40), "browse_new": (12.0, 0.40), "matches": (25.0, 0.25)}


# --- data ---------------------------------------------------------------------------------------


def prepare() -> dict[str, tuple[str, str]]:
    """Seed once; return {page name: (path, session cookie or "")}."""
    from bench_browse import seed

    from accounts.roles import Role
    from candidates.models import Candidate, Case
    from coaching.models import FollowAlong, FollowUpDue
    from employers.models import EmployerProfile, Employment, Placement, PlacementSkill
    from organisations.models import Membership, Municipality, Organisation, OrganisationKind
    from taxonomy.models import Occupation, Skill
    from tests.factories import UserFactory
    from tests.fixtures.users import login_with_mfa

    call_command("migrate", verbosity=0)
    existing = Candidate.objects.filter(municipality__slug__startswith="benchstadt").count()
    spread = Municipality.objects.filter(slug__startswith="benchstadt").count()
    if existing and (existing, spread) != (N_CANDIDATES, N_MUNICIPALITIES):
        sys.exit(
            f"The database holds {existing:,} candidates in {spread} municipalities, not "
            f"{N_CANDIDATES:,} in {N_MUNICIPALITIES}: give each size its own database (dropdb/createdb)."
        )
    if not existing:
        started = time.perf_counter()
        seed(N_CANDIDATES)
        spread_over_municipalities(N_MUNICIPALITIES)
        print(
            f"seeded {N_CANDIDATES:,} listed candidates in {N_MUNICIPALITIES} municipalities "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    municipality = Municipality.objects.get(slug="benchstadt")
    employer = EmployerProfile.objects.get(organisation__name="Bench GmbH")
    Organisation.objects.filter(pk=employer.organisation_id).update(verification_status="verified")
    employer_user = employer.organisation.memberships.get().user

    placement = Placement.objects.filter(employer=employer).first()
    if placement is None:
        placement = Placement.objects.create(
            employer=employer,
            municipality=municipality,
            title="Küchenhilfe",
            occupation=Occupation.objects.get(uri="http://esco.bench/occupation/0"),
            postcode="44135",
            hours_per_week=30,
        )
        PlacementSkill.objects.bulk_create(
            PlacementSkill(placement=placement, skill=Skill.objects.get(uri=f"http://esco.bench/skill/{i}"))
            for i in range(1, 6)
        )

    office = Organisation.objects.filter(municipality=municipality, name="Bench Sozialamt").first()
    if office is None:
        office = Organisation.objects.create(
            municipality=municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE, name="Bench Sozialamt"
        )
        welfare = Organisation.objects.create(
            municipality=municipality, kind=OrganisationKind.WELFARE, name="Bench Jobcoaching"
        )
        manager = UserFactory(email="bench-cm@lotse.example")
        coach = UserFactory(email="bench-coach@lotse.example")
        coordinator = UserFactory(email="bench-coordinator@lotse.example")
        Membership.objects.create(user=manager, organisation=office, role=Role.CASE_MANAGER)
        Membership.objects.create(user=coordinator, organisation=office, role=Role.COORDINATOR)
        Membership.objects.create(user=coach, organisation=welfare, role=Role.JOB_COACH)
        ids = list(
            Candidate.objects.filter(municipality=municipality).order_by("pk").values_list("pk", flat=True)
        )
        # Every candidate has a case in an office of their own municipality (Benchstadt's with the
        # measured case manager; each other municipality's office with a manager of its own).
        offices = {municipality.pk: (office, manager)}
        for other in Municipality.objects.filter(slug__startswith="benchstadt-"):
            other_office = Organisation.objects.create(
                municipality=other, kind=OrganisationKind.MUNICIPALITY_OFFICE, name=f"Sozialamt {other.name}"
            )
            other_manager = UserFactory(email=f"bench-cm-{other.slug}@lotse.example")
            Membership.objects.create(user=other_manager, organisation=other_office, role=Role.CASE_MANAGER)
            offices[other.pk] = (other_office, other_manager)
        everyone = Candidate.objects.filter(municipality__in=offices).order_by("pk")
        Case.objects.bulk_create(
            (
                Case(
                    candidate_id=pk,
                    municipality_id=municipality_id,
                    responsible_organisation=offices[municipality_id][0],
                    case_manager=offices[municipality_id][1],
                    phase=["intake", "assessment", "planning", "linking"][i % 4],
                )
                for i, (pk, municipality_id) in enumerate(everyone.values_list("pk", "municipality_id"))
            ),
            batch_size=5000,
        )
        today = timezone.localdate()  # the app's date (Europe/Berlin)
        employments = Employment.objects.bulk_create(
            Employment(
                candidate_id=pk,
                employer=employer,
                placement=placement,
                start_date=today - timedelta(days=3 * i),
                job_coach=coach,
            )
            for i, pk in enumerate(ids[-150:])
        )
        FollowAlong.objects.bulk_create(
            FollowAlong(employment=e, coach=coach, organisation=welfare, municipality=municipality)
            for e in employments
        )
        FollowUpDue.objects.bulk_create(
            FollowUpDue(
                employment=e, sequence=s, label=f"#{s}", due_date=e.start_date + timedelta(days=30 * s)
            )
            for e in employments
            for s in range(1, 7)
        )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would soon give a live database
        cursor.execute("ANALYZE")

    users = {
        "employer": employer_user,
        "case_manager": office.memberships.get(role=Role.CASE_MANAGER).user,
        "coordinator": office.memberships.get(role=Role.COORDINATOR).user,
        "job_coach": Membership.objects.get(organisation__name="Bench Jobcoaching").user,
    }
    cookies = {
        role: login_with_mfa(Client(), user).cookies["sessionid"].value for role, user in users.items()
    }
    case = Case.objects.filter(municipality=municipality).order_by("pk").first()
    print(
        f"database: PostgreSQL {connection.settings_dict['NAME']}, {N_CANDIDATES:,} listed candidates "
        f"in {N_MUNICIPALITIES} municipalities, {Case.objects.count():,} cases in all, "
        f"Benchstadt (measured): {Candidate.objects.filter(municipality=municipality).count():,} candidates, "
        f"{Case.objects.filter(municipality=municipality).count():,} cases, "
        f"{FollowAlong.objects.filter(municipality=municipality).count()} followed employments",
        flush=True,
    )
    return {
        "probe": ("/health/live/", ""),
        "trivial": ("/robots.txt", cookies["employer"]),
        "browse": (reverse("employers:browse"), cookies["employer"]),
        # The same cards as "browse" (sort=recent is the unfiltered page's order) under a URL no
        # one asked for before: every request reads and renders its page anew, as after a change.
        "browse_new": (reverse("employers:browse") + "?sort=recent&v={n}", cookies["employer"]),
        "matches": (reverse("employers:placement_matches", args=[placement.pk]), cookies["employer"]),
        "matches_new": (
            reverse("employers:placement_matches", args=[placement.pk]) + "?v={n}",
            cookies["employer"],
        ),
        "case": (reverse("candidates:case_detail", args=[case.pk]), cookies["case_manager"]),
        # The same case page under an address not asked for before: drawn anew every time, as the
        # first visit and the visit after any change to what it shows (organisations.kept_page).
        "case_new": (reverse("candidates:case_detail", args=[case.pk]) + "?v={n}", cookies["case_manager"]),
        "caseload": (reverse("coaching:home"), cookies["job_coach"]),
        "caseload_new": (reverse("coaching:home") + "?v={n}", cookies["job_coach"]),
        "dashboard": (reverse("monitoring:dashboard"), cookies["coordinator"]),
    }


def spread_over_municipalities(count: int) -> None:
    """Move the seeded candidates round-robin into ``count`` municipalities (Benchstadt keeps every
    ``count``-th): one UPDATE, so the 150,000-row seed stays a bulk insert plus one statement."""
    from organisations.models import Municipality

    if count <= 1:
        return
    others = Municipality.objects.bulk_create(
        Municipality(name=f"Benchstadt {n}", slug=f"benchstadt-{n}", postcode="44135")
        for n in range(2, count + 1)
    )
    home = Municipality.objects.get(slug="benchstadt")
    ids = [home.pk, *(m.pk for m in others)]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE candidates_candidate SET municipality_id = (%s::bigint[])[(id %% %s) + 1] "
            "WHERE municipality_id = %s",
            [ids, count, home.pk],
        )


# --- server -------------------------------------------------------------------------------------


def start_server(root: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        **PROD_ENV,
        "MATCHING_WARM_INDEXES": "1",
        "PYTHONPATH": f"{root}:{root / 'platform'}",
    }
    log = open(Path(tempfile.gettempdir()) / f"bench_load_gunicorn_{port}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--timeout",
            "600",  # a worker's first matches page waits for its index build (long at 100,000)
            "--backlog",
            "2048",
        ],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    deadline = time.time() + BOOT_TIMEOUT
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/live/", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit(f"gunicorn did not answer within {BOOT_TIMEOUT} s (see {log.name})")


def workers(master: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            found.append(int(stat.parent.name))
    return found


def db_backends() -> list[int]:
    """The PostgreSQL backends serving the bench database (the workers' persistent connections)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return found


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def cpu_since(before: dict[int, float], pids: list[int]) -> float:
    """CPU used since ``before`` by the processes alive now (a new process counts from zero)."""
    return sum(now - before.get(pid, 0.0) for pid, now in cpu_by_pid(pids).items())


# --- load ---------------------------------------------------------------------------------------

# Counts every answer that is not a 200 (wrk itself counts only 4xx/5xx) and reports percentiles.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("not_ok") end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "not_ok": %d}\\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect, e.read, e.write, e.timeout, bad))
end
"""

# For a path with "{n}": every request gets the next number there, so that no two requests ask for
# the same URL (a page the worker has kept never answers; see "browse_new").
WRK_NUMBERED = """
local counter = 0
function request()
  counter = counter + 1
  return wrk.format(nil, (wrk.path:gsub("{n}", tostring(counter))))
end
"""


def check(port: int, path: str, cookie: str) -> int:
    path = path.replace("{n}", "0")
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    request.add_header("X-Forwarded-Proto", "https")
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=600) as response:
            return len(response.read()) if response.status == 200 else -response.status
    except urllib.error.HTTPError as exc:
        return -exc.code


def run_wrk(port: int, path: str, cookie: str, users: int, seconds: int, script: str) -> dict:
    command = [
        "wrk",
        "-t",
        "1" if users <= 16 else "2",
        "-c",
        str(users),
        "-d",
        f"{seconds}s",
        "--timeout",
        "60s",
        "-s",
        script,
        "-H",
        "X-Forwarded-Proto: https",
    ]
    if cookie:
        command += ["-H", f"Cookie: sessionid={cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def settle(master: int) -> None:
    """Wait until the workers are idle. When wrk stops, requests it had sent are still queued in the
    listen backlog, and sync workers answer them all: without this the next run measures them."""
    pids = workers(master)
    before = cpu_seconds(pids)
    deadline = time.time() + 300
    while time.time() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(pids)
        if now - before < 0.03:  # under 6 % of a core in half a second: nothing queued any more
            return
        before = now
    print("  (the workers did not settle within 300 s)", flush=True)


def measure(name: str, path: str, cookie: str, users: int, server: tuple[int, int], script: str) -> dict:
    port, master = server
    run_wrk(port, path, cookie, users, 2, script)  # warm-up: connections, caches, template loaders
    settle(master)
    pids, backends = workers(master), db_backends()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu0, db0 = cpu_by_pid(pids), cpu_by_pid(backends)
    result = run_wrk(port, path, cookie, users, DURATION, script)
    cpu, db = cpu_since(cpu0, workers(master)), cpu_since(db0, db_backends())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    settle(master)
    n = result["requests"] or float("nan")  # no answer within the run: say so, do not divide by 1
    return {
        "page": name,
        "users": users,
        "p50": result["p50"] / 1000,
        "p95": result["p95"] / 1000,
        "p99": result["p99"] / 1000,
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "errors": result["connect"] + result["read"] + result["write"] + result["timeout"] + result["not_ok"],
        "cpu_ms": cpu * 1000 / n,
        "db_ms": db * 1000 / n,
        "wrk_ms": (after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime) * 1000 / n,
        "kb": result["bytes"] / n / 1024,
        "requests": result["requests"],
    }


def rounds_merged(rows: list[dict]) -> list[dict]:
    """One row per page and concurrency: each round's share of the trivial view taken against that
    round's own trivial reading, then the median round's figures (errors summed over the rounds,
    the shares' range kept)."""
    for r in rows:
        label = r["page"].partition(" ")[2]
        trivial = next(
            (
                t["rps"]
                for t in rows
                if t["users"] == r["users"]
                and t.get("round") == r.get("round")
                and t["page"] == ("trivial" + (f" {label}" if label else ""))
            ),
            None,
        )
        r["fraction"] = r["rps"] / trivial if trivial else float("nan")
    merged: dict[tuple[int, str], list[dict]] = {}
    for r in rows:
        merged.setdefault((r["users"], r["page"]), []).append(r)
    out = []
    for (users, page), group in merged.items():
        row = {"page": page, "users": users, "requests": sum(g["requests"] for g in group)}
        for field in ("p50", "p95", "p99", "rps", "cpu_ms", "db_ms", "wrk_ms", "kb", "fraction"):
            row[field] = statistics.median(g[field] for g in group)
        row["errors"] = sum(g["errors"] for g in group)
        row["fractions"] = (min(g["fraction"] for g in group), max(g["fraction"] for g in group))
        out.append(row)
    return out


def report(rows: list[dict]) -> None:
    print()
    if ROUNDS > 1:
        print(
            f"the median of {ROUNDS} rounds (each page against its round's trivial view; the range in brackets)"
        )
    header = (
        f"{'page':<20}{'users':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'req/s':>8}{'errors':>7}"
        f"{'CPU ms/req':>11}{'DB ms/req':>10}{'KB':>6}{'of trivial':>11}  targets"
    )
    print(header)
    print("-" * len(header))
    merged = rounds_merged(rows)
    for users in USERS:
        for r in (r for r in merged if r["users"] == users):
            base = r["page"].partition(" ")[0]
            fraction = r["fraction"]
            targets = []
            if ROUNDS > 1:
                targets.append(f"[{r['fractions'][0]:.2f}–{r['fractions'][1]:.2f}]")
            if base not in ("trivial", "probe"):
                if users == 16:
                    targets.append(f"p95≤{ISSUE_18['p95_16']:.0f} {'ok' if r['p95'] <= 100 else 'MISSED'}")
                targets.append(f"≥50% {'ok' if fraction >= ISSUE_18['fraction'] else 'MISSED'}")
                if base in ISSUE_21:
                    cpu, share = ISSUE_21[base]
                    targets.append(f"CPU≤{cpu:.0f} {'ok' if r['cpu_ms'] <= cpu else 'MISSED'}")
                    targets.append(f"≥{share:.0%} {'ok' if fraction >= share else 'MISSED'}")
            targets.append(f"0 errors {'ok' if r['errors'] == 0 else 'MISSED'}")
            print(
                f"{r['page']:<20}{users:>6}{r['p50']:>8.1f}{r['p95']:>8.1f}{r['p99']:>8.1f}{r['rps']:>8.1f}"
                f"{r['errors']:>7}{r['cpu_ms']:>11.1f}{r['db_ms']:>10.1f}{r['kb']:>6.1f}{fraction:>11.2f}  "
                + ", ".join(targets)
            )
        print()
    wrk = sum(r["wrk_ms"] * r["requests"] for r in rows) / max(sum(r["requests"] for r in rows), 1)
    print(f"wrk's own CPU: {wrk:.2f} ms per request on average.")


def main() -> None:
    pages = prepare()
    chosen = os.environ.get("BENCH_PAGES")
    if chosen:
        wanted = {"probe", "trivial", *chosen.split(",")}
        pages = {name: page for name, page in pages.items() if name in wanted}
    # Another checkout (e.g. `git archive <commit> | tar -x -C /tmp/before`) served beside this one
    # and measured page by page in the same run: before and after under the same load.
    baseline = os.environ.get("BENCH_BASELINE")
    roots = {"": ROOT, **({" (before)": Path(baseline).resolve()} if baseline else {})}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as numbered:
        numbered.write(WRK_SCRIPT + WRK_NUMBERED)
    connection.close()
    servers: dict[str, tuple[int, subprocess.Popen]] = {}
    try:
        for offset, (label, root) in enumerate(roots.items()):
            servers[label] = (PORT + offset, start_server(root, PORT + offset))
        started = time.time()
        for port, _server in servers.values():
            for name, (path, cookie) in pages.items():  # each page's first requests: not measured
                for _ in range(WORKERS * 2):
                    size = check(port, path, cookie)
                    if size < 0:
                        sys.exit(f"{name} ({path}) answered HTTP {-size}, not 200: fix the set-up first")
        print(
            f"gunicorn: {WORKERS} sync workers, config.settings.prod; every page answered 200 "
            f"(warm-up {time.time() - started:.1f} s); {DURATION} s per page and concurrency; "
            f"load average before: {os.getloadavg()[0]:.2f}"
            + (f"; baseline {baseline} measured right before each page" if baseline else ""),
            flush=True,
        )
        rows = []
        for users in USERS:
            for round_ in range(ROUNDS):
                for name, (path, cookie) in pages.items():
                    for label, (port, server) in reversed(servers.items()):
                        lua = numbered.name if "{n}" in path else script.name
                        row = measure(name + label, path, cookie, users, (port, server.pid), lua)
                        row["round"] = round_
                        rows.append(row)
                        print(
                            f"  {row['page']:<18} {users:>3} users: {row['rps']:7.1f} req/s, "
                            f"p95 {row['p95']:7.1f} ms, {row['cpu_ms']:5.1f} ms CPU/req ({row['db_ms']:.1f} DB), "
                            f"{row['errors']} errors" + (f" (round {round_ + 1})" if ROUNDS > 1 else ""),
                            flush=True,
                        )
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        report(rows)
    finally:
        for _port, server in servers.values():
            stop(server)
        os.unlink(script.name)
        os.unlink(numbered.name)


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn; its workers finish what is queued first, so kill them after a grace period."""
    pids = workers(server.pid)
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        for pid in [*pids, server.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, 9)
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
