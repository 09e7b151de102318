"""Matching quality from the ESCO occupation–skill relations (prints figures, not a test).

For sampled occupations a placement requires that occupation's essential skills. Candidates
hold noisy subsets of one occupation's essential skills: a share is kept (the overlap), the
rest dropped, and unrelated skills are added. Everything else (place, German, hours, permit)
is equal, so the ranking rests on skills alone. The pool also holds people of the sibling
occupations in the same ISCO-08 unit group (with the same overlap) and of unrelated ones. For each placement the relevant candidates
are those drawn from its occupation; we report recall@10 and nDCG@10.

    .venv/bin/python bench/eval_matching.py [--occupations 60] [--per-occupation 10]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
from datetime import date

from _setup import esco_index

from matching.engine.records import CandidateRecord, PlacementRecord
from matching.engine.scoring import Matcher


def noisy_candidates(taxonomy, occupations, per_occupation, overlap, rng, all_skills):
    people = []
    for occupation in occupations:
        essential = sorted(taxonomy.occupation_essential[occupation])
        for k in range(per_occupation):
            kept = rng.sample(essential, k=max(1, round(len(essential) * overlap)))
            noise = rng.sample(all_skills, k=max(2, len(kept) // 2))
            people.append(
                CandidateRecord(
                    id=f"{occupation}#{k}",
                    skills=tuple(kept + noise),
                    german="B2",
                    postcode="34117",
                    hours=40,
                    permit="may_work",
                )
            )
    return people


def siblings(taxonomy, occupation, limit=3):
    """Occupations in the same ISCO-08 unit group: the hardest people to tell apart."""
    code = taxonomy.occupation_isco.get(occupation, "")
    return sorted(
        o
        for o, c in taxonomy.occupation_isco.items()
        if c == code and o != occupation and len(taxonomy.occupation_essential.get(o, ())) >= 4
    )[:limit]


def evaluate(taxonomy, occupations, per_occupation, overlap, background, seed=11):
    rng = random.Random(seed)
    all_skills = sorted(taxonomy.skill_idf)
    confusers = sorted({s for o in occupations for s in siblings(taxonomy, o)} - set(occupations))
    pool = sorted(o for o, s in taxonomy.occupation_essential.items() if len(s) >= 4)
    others = rng.sample(pool, k=min(background, len(pool)))
    people = noisy_candidates(taxonomy, occupations, per_occupation, overlap, rng, all_skills)
    # Same overlap for people of sibling and unrelated occupations: they compete on equal terms.
    people += noisy_candidates(taxonomy, confusers, per_occupation, overlap, rng, all_skills)
    taken = set(occupations) | set(confusers)
    people += noisy_candidates(taxonomy, [o for o in others if o not in taken], 2, overlap, rng, all_skills)
    matcher = Matcher(taxonomy, today=date(2026, 11, 26))
    index = matcher.candidate_index(people)
    recalls, ndcgs = [], []
    for occupation in occupations:
        placement = PlacementRecord(
            id=occupation,
            essential=tuple(sorted(taxonomy.occupation_essential[occupation])),
            min_german="B1",
            postcode="34117",
            hours=40,
        )
        top = matcher.rank_candidates(placement, index, top=10)
        hits = [r.candidate_id.split("#")[0] == occupation for r in top]
        relevant = min(10, per_occupation)
        recalls.append(sum(hits) / relevant)
        dcg = sum(1 / math.log2(i + 2) for i, hit in enumerate(hits) if hit)
        ideal = sum(1 / math.log2(i + 2) for i in range(relevant))
        ndcgs.append(dcg / ideal)
    return statistics.mean(recalls), statistics.mean(ndcgs), len(people), len(confusers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--occupations", type=int, default=60)
    parser.add_argument("--per-occupation", type=int, default=10)
    parser.add_argument("--background", type=int, default=1500, help="unrelated occupations, 2 people each")
    args = parser.parse_args()
    taxonomy = esco_index()
    rng = random.Random(5)
    eligible = sorted(o for o, s in taxonomy.occupation_essential.items() if len(s) >= 8)
    occupations = rng.sample(eligible, k=args.occupations)
    print(
        f"{args.occupations} occupations × {args.per_occupation} candidates each (ESCO essential skills ≥ 8)"
    )
    for overlap in (0.7, 0.5, 0.3):
        recall, ndcg, n, confusers = evaluate(
            taxonomy, occupations, args.per_occupation, overlap, args.background
        )
        print(
            f"overlap {overlap:.0%}: recall@10 {recall:.3f}  nDCG@10 {ndcg:.3f}  "
            f"({n:,} candidates, incl. {confusers} sibling occupations in the same ISCO group)"
        )


if __name__ == "__main__":
    main()
