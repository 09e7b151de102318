"""Benchmark: the first matches page a server worker answers after a (re)start.

    createdb -h 127.0.0.1 -U postgres lotse_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench .venv/bin/python bench/bench_first_matches.py

Seeds (once; a re-run reuses the rows) ``--candidates`` listed candidates and one employer
with a placement (bench_browse.seed), then, for each case, starts a real gunicorn (1 worker,
DEBUG off, PostgreSQL), waits for its first answer to a trivial view (/health/live/) and
requests the placement's matches page once, as a signed-in employer:

- warm-up on (MATCHING_WARM_INDEXES=1), page requested right after the first answer;
- warm-up on, page requested as soon as ``/health/ready/`` answers 200 (a deploy's readiness check:
  503 while the worker builds its indexes; "up after" is then the time to ready);
- warm-up on, page requested once the worker had ``--settle`` seconds (a deploy's health check);
- warm-up off (the old behaviour: the page builds the index).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ["MATCHING_WARM_INDEXES"] = "0"  # this process only seeds

if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    sys.exit("Give it a PostgreSQL database of its own: DATABASE_URL=postgres://…/lotse_bench")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

PORT = 8765


def prepare(n_candidates: int) -> tuple[str, str]:
    from bench_browse import seed

    from candidates.models import Candidate
    from employers.models import EmployerProfile, Placement
    from organisations.models import Municipality
    from tests.factories import UserFactory  # noqa: F401  (factories need the app registry)
    from tests.fixtures.users import login_with_mfa

    call_command("migrate", verbosity=0)
    if not Candidate.objects.exists():
        started = time.perf_counter()
        seed(n_candidates)
        print(f"seeded {n_candidates:,} listed candidates in {time.perf_counter() - started:.0f} s")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(email="bench-employer@lotse.example")
    employer = EmployerProfile.objects.get(organisation__name="Bench GmbH")
    from taxonomy.models import Occupation

    placement = Placement.objects.filter(employer=employer).first() or Placement.objects.create(
        employer=employer,
        municipality=Municipality.objects.get(slug="benchstadt"),
        title="Küchenhilfe",
        occupation=Occupation.objects.get(uri="http://esco.bench/occupation/0"),
        postcode="44135",
        hours_per_week=30,
    )
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would soon give a live database
        cursor.execute("ANALYZE")
    from employers.models import PlacementSkill
    from taxonomy.models import Skill

    if not placement.skills.exists():  # five skills asked for, as an employer's form gives them
        for i in range(1, 6):
            PlacementSkill.objects.create(
                placement=placement, skill=Skill.objects.get(uri=f"http://esco.bench/skill/{i}")
            )
    settings.ALLOWED_HOSTS = ["*"]
    client = login_with_mfa(Client(), user)
    listed = Candidate.objects.filter(municipality__slug="benchstadt").count()
    print(f"database: PostgreSQL, {listed:,} candidates in the municipality")
    return client.cookies["sessionid"].value, reverse("employers:placement_matches", args=[placement.pk])


def get(path: str, cookie: str | None = None) -> tuple[int, float]:
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
    if cookie:
        request.add_header("Cookie", f"sessionid={cookie}")
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        response.read()
        return response.status, time.perf_counter() - started


def run(case: str, *, warm: bool, settle: float, cookie: str, url: str, ready: bool = False) -> None:
    env = {
        **os.environ,
        "MATCHING_WARM_INDEXES": "1" if warm else "0",
        "DJANGO_DEBUG": "0",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}",
    }
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / "bench_first_matches.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "1",
            "--timeout",
            "300",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        started = time.perf_counter()
        while True:
            try:
                _status, trivial = get("/health/live/")
                break
            except OSError:
                time.sleep(0.02)
        up = time.perf_counter() - started
        if ready:  # as a deploy does: people are sent to the worker once readiness says so
            while True:
                try:
                    get("/health/ready/")
                    break
                except urllib.error.HTTPError:  # 503 while the worker builds its indexes
                    time.sleep(0.05)
            up = time.perf_counter() - started
        time.sleep(settle)
        status, first = get(url, cookie)
        _status, second = get(url, cookie)
        print(
            f"{case:<44} up after {up:4.1f} s; first trivial request {trivial * 1000:6.0f} ms; "
            f"first matches page {first * 1000:6.0f} ms (HTTP {status}); second {second * 1000:4.0f} ms"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--settle", type=float, default=10.0)
    args = parser.parse_args()
    cookie, url = prepare(args.candidates)
    run("warm-up on, page right after the first answer", warm=True, settle=0, cookie=cookie, url=url)
    run(
        "warm-up on, page once /health/ready/ is 200", warm=True, settle=0, cookie=cookie, url=url, ready=True
    )
    run(f"warm-up on, page after {args.settle:.0f} s", warm=True, settle=args.settle, cookie=cookie, url=url)
    run("warm-up off (old: the page builds the index)", warm=False, settle=0, cookie=cookie, url=url)


if __name__ == "__main__":
    main()
