"""Synthetic people, placements and employer decisions for the matching tests (seeded, so every
run builds the same ones), and JSON-lines files as match_file reads them."""

import json
import random
from datetime import date, timedelta

from matching.engine import rerank
from matching.engine.records import CandidateRecord, OccupationYears, PlacementRecord

TODAY = date(2026, 11, 26)


def seeded(taxonomy, n_candidates, n_placements, seed=7):
    rng = random.Random(seed)
    occupations = sorted(o for o, s in taxonomy.occupation_essential.items() if len(s) >= 5)[:40]
    skills = sorted(taxonomy.skill_idf)
    postcodes = ["34117", "34119", "35037", "36037", "37073", "99999", None]
    candidates = []
    for i in range(n_candidates):
        occupation = rng.choice(occupations)
        own = sorted(taxonomy.occupation_essential[occupation])
        held = rng.sample(own, k=max(1, int(len(own) * rng.uniform(0.1, 0.9)))) + rng.sample(skills, k=2)
        candidates.append(
            CandidateRecord(
                id=f"c{i:04d}",
                # Some share nothing: no occupation and skills nobody asks for.
                occupations=() if i % 5 == 0 else (OccupationYears(occupation, rng.randint(0, 10)),),
                skills=tuple(rng.sample(skills, k=2)) if i % 5 == 0 else tuple(held),
                german=rng.choice(["A1", "A2", "B1", "B2", "C1", None]),
                postcode=rng.choice(postcodes),
                hours=rng.choice([20, 30, 40, None]),
                available_from=rng.choice([None, TODAY + timedelta(days=rng.randint(-30, 120))]),
                permit=rng.choice(["may_work", "needs_approval", "none", "unknown"]),
            )
        )
    placements = []
    for j in range(n_placements):
        occupation = rng.choice(occupations)
        own = sorted(taxonomy.occupation_essential[occupation])
        listed = j % 3 != 0  # every third asks for its occupation's ESCO skills
        placements.append(
            PlacementRecord(
                id=f"p{j}",
                occupation=occupation,
                essential=tuple(own[:8]) if listed else (),
                optional=tuple(sorted(taxonomy.occupation_optional.get(occupation, ()))[:3])
                if listed
                else (),
                min_german=rng.choice(["A2", "B1", None]),
                language_support=rng.random() < 0.4,
                postcode=rng.choice(postcodes),
                hours=rng.choice([20, 40, None]),
                start=rng.choice([None, TODAY + timedelta(days=30)]),
            )
        )
    return candidates, placements


def synthetic_decisions(n=120, seed=3):
    """Employers here select people with matching skills and decline the others."""
    rng = random.Random(seed)
    samples = []
    for _ in range(n):
        components = {name: rng.random() for name in rerank.FEATURES}
        samples.append((components, int(components["skills"] > 0.5)))
    return samples


def write_jsonl(path, rows):
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8"
    )
