"""Pathways (issue 20): the time to compute, for one person, the proposals (occupations one ISCO
skill level up that share most essential skills, over all 3,039 ESCO occupations) and the pathway
to the best one; the pathways to every ESCO occupation for that person; and proposals with the
pathway to the best one for a whole caseload. Beside them, as baselines: a plain Python loop over
every occupation (what the sparse product replaces) and one set difference (the floor).

    .venv/bin/python bench/bench_pathways.py
    createdb -h 127.0.0.1 -U postgres lotse_bench_pathways   # for --page only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lotse_bench_pathways \\
      REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/bench_pathways.py --page
    BENCH_PATHWAYS_CASELOAD=200 BENCH_PATHWAYS_REPEAT=20 .venv/bin/python bench/bench_pathways.py

Works on the ESCO files the project ships (no database). Prints its targets (one person ≤ 50 ms,
a caseload of 200 ≤ 2 s) and exits 1 when one is missed. The caseload size defaults to
$BENCH_PATHWAYS_CASELOAD or 200, the repeats to $BENCH_PATHWAYS_REPEAT or 20.

``--page`` times the pathway page itself (coaching:pathway, a case manager signed in with the second
factor, production settings as bench_cards.py sets them) beside robots.txt with the same session:
wall and CPU ms per request and the SQL queries, on a database of its own (ESCO loaded once).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

from _setup import esco_index

from matching.engine.pathways import PathwayProposer, pathway, target_level
from taxonomy.isco import skill_level

TARGET_PERSON_MS = 50
TARGET_CASELOAD_S = 2.0
CASELOAD = int(os.environ.get("BENCH_PATHWAYS_CASELOAD", "200"))
REPEAT = int(os.environ.get("BENCH_PATHWAYS_REPEAT", "20"))


def people(taxonomy, n: int, seed: int = 20):
    """Helpers and semi-skilled workers (levels 1–2) with part of their occupation's skills named."""
    rng = random.Random(seed)
    low = sorted(
        uri
        for uri, isco in taxonomy.occupation_isco.items()
        if skill_level(isco) in (1, 2) and len(taxonomy.occupation_essential.get(uri, ())) >= 5
    )
    every_skill = sorted(taxonomy.skill_idf)
    found = []
    for _ in range(n):
        occupation = rng.choice(low)
        own = sorted(taxonomy.occupation_essential[occupation])
        named = rng.sample(own, k=max(1, len(own) // 3)) + rng.sample(every_skill, k=5)
        found.append((named, [occupation]))
    return found


def naive_proposals(taxonomy, skills, occupations, top=5):
    """The loop the sparse product replaces: every occupation, a set intersection each."""
    have = set(skills)
    for uri in occupations:
        have |= taxonomy.occupation_essential.get(uri, frozenset())
    level = target_level(skill_level(taxonomy.occupation_isco.get(uri)) for uri in occupations)
    if level is None:
        return []
    scored = []
    for uri, isco in taxonomy.occupation_isco.items():
        if uri in occupations or skill_level(isco) != level:
            continue
        essential = taxonomy.occupation_essential.get(uri, frozenset())
        shared = len(essential & have)
        if shared:
            scored.append((-shared, len(essential) - shared, uri))
    return [uri for _s, _m, uri in sorted(scored)[:top]]


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    samples.sort()
    return statistics.median(samples) * 1000, samples[max(0, int(len(samples) * 0.95) - 1)] * 1000


def main() -> int:
    start = time.perf_counter()
    taxonomy = esco_index()
    loaded = time.perf_counter() - start
    start = time.perf_counter()
    proposer = PathwayProposer(taxonomy, skill_level)
    built = time.perf_counter() - start
    n_occ = len(taxonomy.occupation_isco)
    print(
        f"ESCO: {n_occ} occupations, read in {loaded:.1f} s; proposer matrix built in {built * 1000:.0f} ms"
    )
    print(
        f"  ({proposer.essential.shape[0]} x {proposer.essential.shape[1]}, {proposer.essential.nnz} essential relations)"
    )

    caseload = people(taxonomy, max(CASELOAD, 1))
    skills, occupations = caseload[0]

    def one_person():
        found = proposer.propose(skills=skills, occupations=occupations)
        if found:
            pathway(taxonomy, target=found[0].occupation, skills=skills, occupations=occupations)

    def every_pathway():
        proposer.pathways_all(skills=skills, occupations=occupations)

    def every_pathway_loop():
        for uri in taxonomy.occupation_isco:
            pathway(taxonomy, target=uri, skills=skills, occupations=occupations)

    def caseload_all():
        results = proposer.propose_many(caseload)
        for (s, o), found in zip(caseload, results, strict=True):
            if found:
                pathway(taxonomy, target=found[0].occupation, skills=s, occupations=o)

    floor_target = next(iter(taxonomy.occupation_essential))
    floor_set = set(skills)
    rows = [
        ("one person: proposals over all occupations + pathway to the best", one_person, TARGET_PERSON_MS),
        (f"one person: pathways to all {n_occ} occupations (sparse)", every_pathway, TARGET_PERSON_MS),
        (
            f"caseload of {len(caseload)}: proposals + pathway to the best, each",
            caseload_all,
            TARGET_CASELOAD_S * 1000 if len(caseload) <= 200 else None,
        ),
        (
            "baseline: one person, plain Python loop over all occupations",
            lambda: naive_proposals(taxonomy, skills, occupations),
            None,
        ),
        (
            f"baseline: caseload of {len(caseload)}, plain Python loop",
            lambda: [naive_proposals(taxonomy, s, o) for s, o in caseload],
            None,
        ),
        (f"baseline: one person, pathways to all {n_occ} occupations, Python loop", every_pathway_loop, None),
        ("floor: one set difference", lambda: taxonomy.occupation_essential[floor_target] - floor_set, None),
    ]
    assert [
        p.occupation for p in proposer.propose(skills=skills, occupations=occupations)
    ] == naive_proposals(taxonomy, skills, occupations), "the sparse proposals differ from the plain loop"
    missed = False
    print(f"\n{'what':<72} {'median':>10} {'p95':>10}  target")
    for label, fn, target in rows:
        repeat = REPEAT if "caseload" not in label else max(3, REPEAT // 5)
        fn()  # warm-up
        median, p95 = timed(fn, repeat)
        verdict = ""
        if target is not None:
            ok = p95 <= target
            missed |= not ok
            verdict = f"≤ {target:.0f} ms {'ok' if ok else 'MISSED'}"
        print(f"{label:<72} {median:>8.2f}ms {p95:>8.2f}ms  {verdict}")
    return 1 if missed else 0


# --- the page (``--page``): the pathway page through Django beside a trivial page -----------------

PAGE_REQUESTS = int(os.environ.get("BENCH_PATHWAYS_REQUESTS", "20"))


def page_setup():
    """Once per database: the ESCO taxonomy, a case manager, and a helper in the warehouse (a level-1
    occupation, a third of its essential skills named) with an open case. Returns (user, case)."""
    from django.core.management import call_command

    from accounts.roles import Role
    from candidates.models import Candidate, CandidateOccupation, CandidateSkill, Case
    from organisations.models import Municipality, Organisation, OrganisationKind
    from taxonomy.models import Occupation, OccupationSkill
    from tests.fixtures.users import new_member

    call_command("migrate", verbosity=0)
    if not Occupation.objects.exists():
        started = time.perf_counter()
        call_command("load_taxonomy", verbosity=0)
        print(f"loaded ESCO into the database in {time.perf_counter() - started:.0f} s", flush=True)
    municipality, _ = Municipality.objects.get_or_create(slug="pfadstadt", defaults={"name": "Pfadstadt"})
    office, _ = Organisation.objects.get_or_create(
        municipality=municipality, name="Pfad-Team", defaults={"kind": OrganisationKind.MUNICIPALITY_OFFICE}
    )
    case = Case.objects.filter(municipality=municipality).select_related("case_manager").first()
    if case is not None:
        return case.case_manager, case
    user = new_member(Role.CASE_MANAGER, organisation=office)
    helper = (
        Occupation.objects.filter(isco_code__startswith="9")
        .order_by("uri")
        .filter(pk__in=OccupationSkill.objects.filter(relation="essential").values("occupation_id"))
        .first()
    )
    candidate = Candidate.objects.create(municipality=municipality, first_name="Pfad", last_name="Person")
    CandidateOccupation.objects.create(candidate=candidate, occupation=helper, years_experience=3)
    essential = list(
        OccupationSkill.objects.filter(occupation=helper, relation="essential")
        .order_by("skill__uri")
        .values_list("skill_id", flat=True)
    )
    CandidateSkill.objects.bulk_create(
        CandidateSkill(candidate=candidate, skill_id=pk) for pk in essential[: max(1, len(essential) // 3)]
    )
    case = Case.objects.create(
        candidate=candidate,
        municipality=municipality,
        responsible_organisation=office,
        case_manager=user,
        phase="planning",
    )
    return user, case


def page_main() -> int:
    """Wall and CPU time per request of the pathway page (proposals only; with a target chosen),
    beside robots.txt with the same signed-in session (the floor: middleware, session, test client)."""
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Give it a PostgreSQL database of its own: DATABASE_URL=postgres://…/lotse_bench_pathways")
    from bench_cards import HERE, _django

    _django(HERE)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from candidates import pathways as person_pathways
    from tests.fixtures.users import login_with_mfa

    user, case = page_setup()
    client = login_with_mfa(Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1"), user)
    url = reverse("coaching:pathway", args=[case.pk])
    best = person_pathways.person_proposals(candidate=case.candidate)
    pages = {"trivial (robots.txt)": "/robots.txt", "pathway: proposals": url}
    if best:
        pages["pathway: target chosen"] = f"{url}?target={best[0].occupation.uri}"
    for path in pages.values():  # warm-up: the ESCO index and the proposer are built once per process
        for _ in range(2):
            assert client.get(path).status_code == 200, path
    wall: dict[str, list[float]] = {name: [] for name in pages}
    cpu: dict[str, list[float]] = {name: [] for name in pages}
    queries = {}
    for _ in range(PAGE_REQUESTS):
        for name, path in pages.items():  # interleaved: the machine's load hits every page alike
            w, c = time.perf_counter(), time.process_time()
            client.get(path)
            wall[name].append((time.perf_counter() - w) * 1000)
            cpu[name].append((time.process_time() - c) * 1000)
    for name, path in pages.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries[name] = len(captured)
    print(
        f"{PAGE_REQUESTS} requests per page, interleaved; load average {os.getloadavg()[0]:.1f} (2 cores); "
        "ms per request through the test client, production settings: median [p90]"
    )
    print(f"{'page':<26} {'wall':>18} {'CPU':>18} {'queries':>8}")
    for name in pages:
        row = []
        for samples in (wall[name], cpu[name]):
            ordered = sorted(samples)
            row.append(f"{statistics.median(ordered):7.1f} [{ordered[int(len(ordered) * 0.9) - 1]:6.1f}]")
        print(f"{name:<26} {row[0]:>18} {row[1]:>18} {queries[name]:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(page_main() if "--page" in sys.argv else main())
