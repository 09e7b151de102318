"""Benchmark: the coordinator's monitoring dashboard over a large municipality.

    .venv/bin/python bench/bench_monitoring.py --scale 0.05          # throw-away SQLite file, 5 % of the data
    createdb -h 127.0.0.1 -U postgres lotse_bench_monitoring
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench_monitoring .venv/bin/python bench/bench_monitoring.py

Bulk-creates (at ``--scale 1``) 50,000 candidates with a case and a German level, 30,000 introductions,
20,000 placements (hires: employments with their follow-along plan), 200,000 planned follow-ups,
5,000 language-support needs, 4,000 employer requests, 10,000 referrals and 3,000 handovers in one
municipality, then prints the number of SQL queries of the dashboard page and its median render time
cold (a new cache namespace before each request) and warm (from the cache). Targets from the monitoring issue:
warm ≤ 500 ms median, cold ≤ 5 s, queries independent of the data size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
_tmp = tempfile.TemporaryDirectory()
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp.name}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import Role  # noqa: E402
from candidates.models import Candidate, Case, LanguageSkill  # noqa: E402
from coaching.models import (  # noqa: E402
    FollowAlong,
    FollowUpDue,
    Handover,
    HandoverKind,
    LanguageSupportNeed,
    Referral,
    Service,
    ServiceOrganisation,
    SupportRequest,
)
from employers.models import EmployerProfile, Employment, Introduction, Placement  # noqa: E402
from organisations.models import Membership, Municipality, Organisation, OrganisationKind  # noqa: E402
from taxonomy.models import Occupation  # noqa: E402

BATCH = 5000
PHASES = ["intake", "assessment", "planning", "linking", "monitoring", "closed"]
CIRCLES = ["asylblg", "sgb2", "sgb3", "none"]
KINDS = ["job", "job", "job", "ausbildung", "praktikum", "eq"]
SECTORS = ["handwerk", "gastronomie", "pflege", "logistik", "handel", "industrie", "bau", "reinigung"]
LEVELS = ["A1", "A2", "A2", "B1", "B1", "B2", "C1"]
END_REASONS = ["completed", "candidate_resigned", "employer_terminated", "probation", "moved", "other"]


def _bulk(model, rows):
    created = []
    for start in range(0, len(rows), BATCH):
        created += model.objects.bulk_create(rows[start : start + BATCH])
    return created


def seed(scale: float, rng: random.Random):
    n_candidates = int(50_000 * scale)
    n_placements = int(20_000 * scale)
    n_followups = int(200_000 * scale)
    n_intros = int(30_000 * scale)
    from tests.factories import UserFactory

    municipality = Municipality.objects.create(name="Benchstadt", slug="benchstadt", postcode="44135")
    offices = [
        Organisation.objects.create(municipality=municipality, kind=kind, name=f"{kind} {i}")
        for i, kind in enumerate(
            [OrganisationKind.MUNICIPALITY_OFFICE, OrganisationKind.JOBCENTER, OrganisationKind.WELFARE]
        )
    ]
    coordinator = UserFactory(email="bench-coordinator@lotse.example")
    Membership.objects.create(user=coordinator, organisation=offices[0], role=Role.COORDINATOR)
    managers = [UserFactory(email=f"bench-cm{i}@lotse.example") for i in range(60)]
    coaches = [UserFactory(email=f"bench-coach{i}@lotse.example") for i in range(30)]
    _bulk(
        Membership,
        [
            Membership(user=u, organisation=offices[i % 3], role=Role.CASE_MANAGER)
            for i, u in enumerate(managers)
        ]
        + [Membership(user=u, organisation=offices[2], role=Role.JOB_COACH) for u in coaches],
    )
    employers = []
    for i in range(200):
        org = Organisation.objects.create(
            municipality=municipality, kind=OrganisationKind.EMPLOYER, name=f"Betrieb {i}"
        )
        employers.append(EmployerProfile(organisation=org, sector=SECTORS[i % len(SECTORS)]))
    employers = _bulk(EmployerProfile, employers)
    occupation = Occupation.objects.create(uri="http://esco.bench/occupation/monitoring", label_de="Beruf")
    placements = _bulk(
        Placement,
        [
            Placement(
                employer=employers[i % 200],
                municipality=municipality,
                title=f"Stelle {i}",
                kind=KINDS[i % len(KINDS)],
                occupation=occupation,
                postcode="44135",
                status="filled",
                openings=1,
            )
            for i in range(max(1, n_placements // 10))
        ],
    )

    now = timezone.now()
    today = timezone.localdate()
    candidates = _bulk(
        Candidate,
        [
            Candidate(municipality=municipality, first_name=f"V{i}", last_name=f"N{i}")
            for i in range(n_candidates)
        ],
    )
    _bulk(
        LanguageSkill,
        [LanguageSkill(candidate=c, language="de", spoken=rng.choice(LEVELS)) for c in candidates],
    )
    opened = [now - timedelta(days=rng.randint(0, 720), hours=rng.randint(0, 23)) for _ in candidates]
    cases = []
    for i, c in enumerate(candidates):
        phase = PHASES[i % len(PHASES)]
        cases.append(
            Case(
                candidate=c,
                municipality=municipality,
                responsible_organisation=offices[i % 3],
                case_manager=managers[i % len(managers)],
                phase=phase,
                legal_circle=CIRCLES[i % 4],
                opened_at=opened[i],
                closed_at=now if phase == "closed" else None,
            )
        )
    cases = _bulk(Case, cases)

    # Introductions: created_at is auto_now_add; realistic times are set in a bulk_update afterwards.
    intro_idx = rng.sample(range(n_candidates), k=min(n_intros, n_candidates))
    intros = _bulk(
        Introduction,
        [
            Introduction(
                placement=placements[i % len(placements)],
                candidate=candidates[i],
                stage="closed",
                close_reason="other",
            )
            for i in intro_idx
        ],
    )
    for intro, i in zip(intros, intro_idx, strict=True):
        intro.created_at = opened[i] + timedelta(days=rng.randint(1, 120))
    Introduction.objects.bulk_update(intros, ["created_at"], batch_size=BATCH)

    hired = rng.sample(range(n_candidates), k=min(n_placements, n_candidates))
    employments = []
    for i in hired:
        start = min(today, opened[i].date() + timedelta(days=rng.randint(5, 300)))
        ended = rng.random() < 0.3
        end = start + timedelta(days=rng.randint(10, 400)) if ended else None
        if end and end > today:
            end, ended = None, False
        employments.append(
            Employment(
                candidate=candidates[i],
                employer=employers[i % 200],
                kind=KINDS[i % len(KINDS)],
                start_date=start,
                end_date=end,
                end_reason=rng.choice(END_REASONS) if ended else "",
            )
        )
    employments = _bulk(Employment, employments)
    _bulk(
        FollowAlong,
        [
            FollowAlong(
                employment=e,
                coach=coaches[k % len(coaches)],
                organisation=offices[2],
                municipality=municipality,
            )
            for k, e in enumerate(employments)
        ],
    )
    per = max(1, n_followups // max(1, len(employments)))
    dues = []
    for e in employments:
        for seq in range(per):
            due = e.start_date + timedelta(days=7 + 30 * seq)
            done = now - timedelta(days=rng.randint(0, 30)) if due < today and rng.random() < 0.8 else None
            dues.append(
                FollowUpDue(employment=e, sequence=seq + 1, label=f"#{seq + 1}", due_date=due, done_at=done)
            )
    _bulk(FollowUpDue, dues)
    _bulk(
        LanguageSupportNeed,
        [
            LanguageSupportNeed(
                employment=e,
                municipality=municipality,
                area="workplace",
                current_level="A2",
                target_level="B1",
                measure=rng.choice(["berufssprachkurs", "employer_course", "volunteer_tutoring"]),
                status=rng.choice(["open", "planned", "in_progress", "done"]),
            )
            for e in employments[: len(employments) // 4]
        ],
    )
    requests = []
    for e in employments[: len(employments) // 5]:
        answered = rng.random() < 0.7
        requests.append(
            SupportRequest(
                employer_organisation_id=e.employer.organisation_id,
                employment=e,
                municipality=municipality,
                topic="language",
                message="Frage",
                assigned_to=coaches[0],
                due_date=today - timedelta(days=rng.randint(0, 200)),
                status="answered" if answered else "open",
                answer="ok" if answered else "",
                answered_at=now - timedelta(days=rng.randint(0, 200)) if answered else None,
            )
        )
    _bulk(SupportRequest, requests)
    provider = ServiceOrganisation.objects.create(municipality=municipality, name="Träger")
    services = [
        Service.objects.create(
            organisation=provider, municipality=municipality, name=f"Angebot {cat}", category=cat
        )
        for cat in ["language_course", "recognition", "housing", "childcare"]
    ]
    referral_cases = rng.sample(cases, k=min(len(cases), int(10_000 * scale)))
    _bulk(
        Referral,
        [
            Referral(case=c, service=services[k % 4], status=rng.choice(["completed", "declined"]))
            for k, c in enumerate(referral_cases)
        ],
    )
    kind = HandoverKind.objects.create(slug="bench", name="Rechtskreiswechsel")
    handover_cases = rng.sample(cases, k=min(len(cases), int(3_000 * scale)))
    position = {o.pk: i for i, o in enumerate(offices)}
    _bulk(
        Handover,
        [
            Handover(
                case=c,
                kind=kind,
                from_organisation_id=c.responsible_organisation_id,
                to_organisation=offices[(position[c.responsible_organisation_id] + 1) % 3],
                status="accepted",
                joint_appointment_at=now if rng.random() < 0.6 else None,
            )
            for c in handover_cases
        ],
    )
    return coordinator, {
        "candidates": n_candidates,
        "employments": len(employments),
        "follow_ups": len(dues),
        "introductions": len(intros),
    }


def _forget() -> None:
    """Cold: a new cache namespace for the figures (never cache.clear() on a shared Redis)."""
    from monitoring import cache as monitoring_cache

    monitoring_cache.VERSION = f"bench-{time.perf_counter_ns()}"


def _timed(client, url, n: int, *, cold: bool) -> list[float]:
    times = []
    for _ in range(n):
        if cold:
            _forget()
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="share of the issue's data sizes (1 = full)")
    parser.add_argument("--cold", type=int, default=5, help="cold requests (nothing cached)")
    parser.add_argument("--warm", type=int, default=30, help="warm requests")
    args = parser.parse_args()

    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 90 bench users, fast
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    coordinator, sizes = seed(args.scale, random.Random(8))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would soon give a live database
            cursor.execute("ANALYZE")
    print(f"database: {connection.vendor}; seeded {sizes} in {time.perf_counter() - started:.1f} s")

    from tests.fixtures.users import login_with_mfa

    client = login_with_mfa(Client(), coordinator)
    url = reverse("monitoring:dashboard")
    _forget()
    with CaptureQueriesContext(connection) as cold_queries:
        client.get(url)
    with CaptureQueriesContext(connection) as warm_queries:
        client.get(url)
    print(f"SQL queries per dashboard page: cold {len(cold_queries)}, warm {len(warm_queries)}")
    slowest = sorted(cold_queries.captured_queries, key=lambda q: -float(q["time"]))[:3]
    for q in slowest:
        print(f"  slowest: {float(q['time']) * 1000:.0f} ms  {q['sql'][:110]}…")

    cold = _timed(client, url, args.cold, cold=True)
    warm = _timed(client, url, args.warm, cold=False)
    print(
        f"cold (nothing cached, {args.cold} requests): median {statistics.median(cold):.0f} ms, max {max(cold):.0f} ms"
        f"  (target ≤ 5000 ms)"
    )
    print(
        f"warm (from cache, {args.warm} requests): median {statistics.median(warm):.1f} ms, max {max(warm):.1f} ms"
        f"  (target ≤ 500 ms)"
    )

    from monitoring import services

    t0 = time.perf_counter()
    services.dashboards_refresh()
    print(f"refresh task (all municipalities, default view): {(time.perf_counter() - t0) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
