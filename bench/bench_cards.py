"""Benchmark (issue 21): worker CPU per request of the employer's card pages, old code beside new.

    createdb -h 127.0.0.1 -U postgres lotse_bench_cards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench_cards \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/bench_cards.py

    # before and after in one run (the old code in another folder, e.g. the main commit):
    git archive <old commit> | tar -x -C /tmp/lotse_before
    BENCH_BASELINE=/tmp/lotse_before DATABASE_URL=… .venv/bin/python bench/bench_cards.py

Why in-process: on a shared 2-core machine, latency and throughput measure the crowd; the CPU the
request itself costs (``time.process_time`` around Django's test client, with the **production
settings**: DEBUG off, cached templates, PostgreSQL, Redis cache, database sessions, the whole
middleware chain with a session that passed the second factor) is what survives other load. The
test client's own cost is in every figure, the trivial page's included, so compare pages with the
trivial signed-in page (``robots.txt`` with the employer's session) of the same run.

Each code version runs in its own short-lived process (``--worker ROOT``), alternating old and new
BENCH_ROUNDS times (default 4), BENCH_REQUESTS requests per page and round (default 15, the pages
interleaved), after warm-up requests (the first matches page builds the worker's index). Prints
the median CPU ms per request over all rounds, the quartiles, and the SQL queries per page.

Seeds once per database (bench_browse's BENCH_CANDIDATES listed candidates, default 10,000, and a
placement asking for five skills, as bench_load.py does); ``--profile PAGE`` prints a cProfile of
that page on this checkout instead.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
N_CANDIDATES = int(os.environ.get("BENCH_CANDIDATES", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "15"))
WARMUP = 3

_redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14").rstrip("/")
_redis_base, _redis_db = _redis.rsplit("/", 1)
_key_file = Path(tempfile.gettempdir()) / "lotse_bench_cards.key"
if not _key_file.exists():  # one key per machine: the sessions the driver makes stay valid
    _key_file.write_text(secrets.token_urlsafe(50))
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": _key_file.read_text().strip(),
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "REDIS_CACHE_URL": f"{_redis_base}/{_redis_db}",
    "CELERY_BROKER_URL": f"{_redis_base}/{int(_redis_db) + 1}",
    "WAGTAILADMIN_BASE_URL": "https://127.0.0.1",
    "DJANGO_LOG_LEVEL": "WARNING",
    "LOTSE_IGNORE_DOTENV": "1",
    "MATCHING_WARM_INDEXES": "0",  # the index is built by a warm-up request, not a thread while timing
}


def _django(root: Path) -> None:
    sys.path[:0] = [str(root), str(root / "platform"), str(HERE / "bench")]
    os.environ.update(PROD_ENV)
    import django

    django.setup()


# --- driver: seed once, then alternate the code versions -------------------------------------------


def prepare() -> dict[str, str]:
    """Seed once; return {page name: path} and the employer's session cookie under "cookie"."""
    from bench_browse import seed
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from candidates.models import Candidate
    from employers.models import EmployerProfile, Placement, PlacementSkill
    from organisations.models import Municipality, Organisation
    from taxonomy.models import Occupation, Skill
    from tests.fixtures.users import login_with_mfa

    call_command("migrate", verbosity=0)
    existing = Candidate.objects.filter(municipality__slug="benchstadt").count()
    if existing and existing != N_CANDIDATES:
        sys.exit(f"The database holds {existing:,} candidates, not {N_CANDIDATES:,}: one database per size.")
    if not existing:
        started = time.perf_counter()
        seed(N_CANDIDATES)
        print(
            f"seeded {N_CANDIDATES:,} listed candidates in {time.perf_counter() - started:.0f} s", flush=True
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    municipality = Municipality.objects.get(slug="benchstadt")
    employer = EmployerProfile.objects.get(organisation__name="Bench GmbH")
    Organisation.objects.filter(pk=employer.organisation_id).update(verification_status="verified")
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
    user = employer.organisation.memberships.get().user
    return {
        "cookie": login_with_mfa(Client(), user).cookies["sessionid"].value,
        "trivial": "/robots.txt",
        "browse": reverse("employers:browse"),
        "browse 25": reverse("employers:browse") + "?size=25&german=A2&sort=experience",
        "matches": reverse("employers:placement_matches", args=[placement.pk]),
    }


def run_worker(root: Path, pages: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(root)],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": ""},
        cwd=root,  # Celery's Django fix-up puts the working directory first on sys.path
        check=False,
    )
    print(*[line for line in out.stderr.splitlines() if line.startswith("worker:")], file=sys.stderr)
    if out.returncode:
        sys.exit(f"worker for {root} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Give it a PostgreSQL database of its own: DATABASE_URL=postgres://…/lotse_bench_cards")
    _django(HERE)
    if "--profile" in sys.argv:
        pages = prepare()
        profile(pages, sys.argv[sys.argv.index("--profile") + 1])
        return
    pages = prepare()
    baseline = os.environ.get("BENCH_BASELINE")
    versions = {"before": Path(baseline).resolve()} if baseline else {}
    versions["after" if baseline else "this"] = HERE
    samples: dict[str, dict[str, list[float]]] = {v: {} for v in versions}
    queries: dict[str, dict[str, int]] = {}
    sizes: dict[str, dict[str, int]] = {}
    load = []
    for r in range(ROUNDS):
        for name, root in versions.items():
            load.append(os.getloadavg()[0])
            result = run_worker(root, pages)
            for page, values in result["cpu_ms"].items():
                samples[name].setdefault(page, []).extend(values)
            queries[name], sizes[name] = result["queries"], result["bytes"]
        print(f"round {r + 1}/{ROUNDS} done", file=sys.stderr, flush=True)
    print(
        f"{N_CANDIDATES:,} listed candidates; {ROUNDS} rounds × {REQUESTS} requests per page and version; "
        f"load average {min(load):.1f}–{max(load):.1f} (2 cores); CPU ms per request "
        "(time.process_time, test client included): median [quartiles]"
    )
    names = list(versions)
    header = "page".ljust(12) + "".join(f"{n:>26}" for n in names) + "   queries   KB"
    print(header)
    for page in samples[names[-1]]:
        cells = []
        for n in names:
            q = statistics.quantiles(samples[n][page], n=4)
            cells.append(f"{statistics.median(samples[n][page]):7.1f} [{q[0]:5.1f}–{q[2]:5.1f}]".rjust(26))
        qs = " → ".join(str(queries[n][page]) for n in names)
        kb = " → ".join(f"{sizes[n][page] / 1024:.0f}" for n in names)
        print(page.ljust(12) + "".join(cells) + f"   {qs:>7}   {kb}")


# --- worker: one code version, in its own process ----------------------------------------------------


def _client(pages: dict[str, str]):
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = pages["cookie"]
    return client


def forget(name: str) -> None:
    """A "_cold" page is the same page read anew: the worker's kept pages of that kind are dropped
    first (employers.browse_results, selectors.placement_matches), outside the time measured. Only
    that kind: the other page keeps its own."""
    from django.core.cache import caches

    if name == "browse_cold":
        caches["process"].clear()
    elif name == "matches_cold":
        from employers import selectors

        getattr(selectors, "kept_pages_forget", lambda: None)()  # kept matches pages (absent before)


def measure(client, pages: dict[str, str], names: list[str] | tuple[str, ...], requests: int) -> dict:
    """Queries and bytes of each page once, then CPU ms of ``requests`` rounds over the pages
    (interleaved, after warm-up): the worker's answer, shared with bench_page_cpu.py."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries, sizes = {}, {}
    for name in names:
        for _ in range(WARMUP):
            forget(name)
            response = client.get(pages[name])
            if response.status_code != 200:
                sys.exit(f"{name}: {pages[name]} answered {response.status_code}")
        forget(name)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(pages[name])
        queries[name], sizes[name] = len(ctx.captured_queries), len(response.content)
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(requests):
        for name in names:
            forget(name)
            t0 = time.process_time()
            response = client.get(pages[name])
            cpu[name].append((time.process_time() - t0) * 1000)
            assert response.status_code == 200
    return {"cpu_ms": cpu, "queries": queries, "bytes": sizes}


def worker(root: Path) -> None:
    pages = json.loads(sys.stdin.read())
    _django(root)
    import employers

    print(f"worker: {employers.__file__}", file=sys.stderr)
    names = [p for p in pages if p != "cookie"]
    print(json.dumps(measure(_client(pages), pages, names, REQUESTS)))


def profile(pages: dict[str, str], name: str, requests: int = 20) -> None:
    import cProfile
    import pstats

    client = _client(pages)
    for _ in range(WARMUP):
        client.get(pages[name])
    profiler = cProfile.Profile(time.process_time)  # CPU, not the waits for the database
    for _ in range(requests):
        forget(name)
        profiler.enable()
        client.get(pages[name])
        profiler.disable()
    stats = pstats.Stats(profiler)
    if os.environ.get("BENCH_PROFILE_OUT"):
        stats.dump_stats(os.environ["BENCH_PROFILE_OUT"])
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker(Path(sys.argv[2]).resolve())
    else:
        main()
