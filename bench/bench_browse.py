"""Benchmark: the employer's anonymised browse page with 10,000 listed candidates.

    .venv/bin/python bench/bench_browse.py                     # throw-away SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench .venv/bin/python bench/bench_browse.py

Bulk-creates a small ESCO corner (40 occupations, 400 skills), one verified employer and
``--candidates`` listed candidates (occupations, skills, languages, a live listing consent), then
prints SQL queries per page for page sizes 10/25/50 and the median / p95 server time of a filtered
page over ``--requests`` requests through Django's test client (targets: ≤ 12 queries, ≤ 100 ms).
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
from candidates.models import (  # noqa: E402
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    ConsentScope,
    LanguageSkill,
)
from employers.models import EmployerProfile  # noqa: E402
from employers.selectors import postcodes_within  # noqa: E402
from organisations.models import Membership, Municipality, Organisation, OrganisationKind  # noqa: E402
from taxonomy.models import Occupation, Skill  # noqa: E402

LEVELS = ["A1", "A2", "A2", "B1", "B1", "B1", "B2", "C1"]
BATCH = 2000


def seed(n_candidates: int, seed_value: int = 11):
    rng = random.Random(seed_value)
    municipality = Municipality.objects.create(name="Benchstadt", slug="benchstadt", postcode="44135")
    occupations = Occupation.objects.bulk_create(
        Occupation(uri=f"http://esco.bench/occupation/{i}", label_de=f"Beruf {i}", isco_code=f"{5100 + i}")
        for i in range(40)
    )
    skills = Skill.objects.bulk_create(
        Skill(uri=f"http://esco.bench/skill/{i}", label_de=f"Kompetenz {i}") for i in range(400)
    )
    postcodes = sorted(postcodes_within("44135", 40))
    org = Organisation.objects.create(
        municipality=municipality,
        kind=OrganisationKind.EMPLOYER,
        name="Bench GmbH",
        postcode="44135",
        city="Dortmund",
    )
    EmployerProfile.objects.create(organisation=org, sector="gastronomie", contact_name="Bench")
    from tests.factories import UserFactory

    user = UserFactory(email="bench-employer@lotse.example")
    Membership.objects.create(user=user, organisation=org, role=Role.EMPLOYER, is_lead=True)

    today = timezone.localdate()  # the app's date (Europe/Berlin)
    for start in range(0, n_candidates, BATCH):
        rows = Candidate.objects.bulk_create(
            Candidate(
                municipality=municipality,
                first_name=f"Vorname{i}",
                last_name=f"Nachname{i}",
                postcode=rng.choice(postcodes),
                hours_per_week_min=20,
                hours_per_week_max=rng.choice([20, 30, 40]),
                available_from=today + timedelta(days=rng.randint(-30, 120)),
                work_permission=rng.choice(["unrestricted", "unrestricted", "needs_approval"]),
            )
            for i in range(start, min(start + BATCH, n_candidates))
        )
        occ, sk, lang, consent = [], [], [], []
        for c in rows:
            for o in rng.sample(occupations, k=rng.randint(1, 2)):
                occ.append(
                    CandidateOccupation(candidate=c, occupation=o, years_experience=rng.randint(0, 10))
                )
            for s in rng.sample(skills, k=5):
                sk.append(CandidateSkill(candidate=c, skill=s))
            lang.append(LanguageSkill(candidate=c, language="de", spoken=rng.choice(LEVELS), written="A2"))
            lang.append(LanguageSkill(candidate=c, language="ar", spoken="C2", written="C1", is_native=True))
            consent.append(Consent(candidate=c, scope=ConsentScope.LISTING))
        CandidateOccupation.objects.bulk_create(occ)
        CandidateSkill.objects.bulk_create(sk)
        LanguageSkill.objects.bulk_create(lang)
        Consent.objects.bulk_create(consent)
    return user, occupations, skills


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets the test client see the template context
    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    user, occupations, skills = seed(args.candidates)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would soon give a live database
        cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; seeded {Candidate.objects.count()} listed candidates "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from tests.fixtures.users import login_with_mfa

    client = login_with_mfa(Client(), user)
    url = reverse("employers:browse")
    filtered = {
        "german": "A2",
        "postcode": "44135",
        "radius": "25",
        "sort": "experience",
        "skills": [skills[1].uri, skills[2].uri, skills[3].uri],
        "skills_mode": "any",
    }

    for size in (10, 25, 50):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {**filtered, "size": size})
        assert response.status_code == 200, response.status_code
        print(
            f"page size {size:>2}: {len(ctx.captured_queries)} SQL queries, "
            f"{len(response.context['cards'])} cards of {response.context['page'].paginator.count} found"
        )

    for label, params in (("unfiltered", {"size": 25}), ("filtered", {**filtered, "size": 25})):
        client.get(url, params)  # warm-up
        times = []
        for i in range(args.requests):
            page = {**params, "page": 1 + i % 3}
            t0 = time.perf_counter()
            response = client.get(url, page)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label} page (25 cards, {args.requests} requests): median {statistics.median(times):.1f} ms, "
            f"p95 {p95:.1f} ms"
        )


if __name__ == "__main__":
    main()
