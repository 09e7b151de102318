"""Open placements ranked for one candidate: the "jobs for me" direction of matching.

Used by the candidate's own page and by the staff who may see that candidate. Placements are
business data; what is personal here is the candidate's profile, which only reaches this
module through the candidates app's selectors (own_candidate, candidate_get).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from candidates.matching import candidate_record, candidate_records
from candidates.models import Candidate
from matching.engine.records import RankedMatch
from matching.services import match_placements, match_placements_many
from organisations import access
from organisations.models import VerificationStatus
from taxonomy.models import LABEL_FIELDS, Skill

from .matching import ConstraintNotes, constraint_notes, inferred_occupations, placement_records
from .models import Introduction, JobInterest, Placement, PlacementStatus

if TYPE_CHECKING:
    from accounts.models import User


JOBS_PER_PAGE = 25


@dataclass
class JobRow:
    placement: Placement
    score: int  # 0–100
    # ESCO skills (shown with their label in the reader's language and its `lang`).
    skills_met: list[Skill]
    skills_missing: list[Skill]
    skills_total: int
    german: str | None
    german_required: str | None
    language_gap: int
    bridged: bool
    distance_km: int | None
    available_in_time: bool | None
    interested: bool = False  # the person said "interessiert mich"
    introduction_stage: str = ""  # the stage of a running introduction on this placement, if any
    # Breadth (issue 16): listed job-related skills, how many fit, the share the skill fit counts (%).
    skills_listed: int = 0
    skills_listed_fitting: int = 0
    skill_focus_percent: int = 100
    # Listed and inferred skills apart, hours, start and permit with the points they cost (issue 16).
    notes: ConstraintNotes | None = None


def open_placements(*, municipality_id: int) -> QuerySet[Placement]:
    """Open placements with a free place at verified employers of the municipality."""
    return Placement.objects.filter(
        municipality_id=municipality_id,
        status=PlacementStatus.OPEN,
        openings__gt=0,
        employer__organisation__verification_status=VerificationStatus.VERIFIED,
    )


def jobs_for_candidate(
    *,
    candidate: Candidate,
    page: int | str = 1,
    per_page: int = JOBS_PER_PAGE,
    max_km: float | None = None,
) -> Page:
    """One page of ranked, explained open placements for a candidate the caller was allowed to load.

    Every open placement is ranked (plain records); placements and skill labels are read for the
    page's rows only, so the number of queries does not grow with the page or the placements.
    ``max_km`` keeps the placements at most that far away, as the explanation measures it (a
    placement whose distance is unknown is not within any); the scores stay as they are.
    """
    records = placement_records(queryset=open_placements(municipality_id=candidate.municipality_id))
    ranked = match_placements(candidate=candidate_record(candidate), placements=records) if records else []
    if max_km is not None:
        ranked = [
            m for m in ranked if m.explanation.distance_km is not None and m.explanation.distance_km <= max_km
        ]
    result_page = Paginator(ranked, per_page).get_page(page)
    ranked = list(result_page.object_list)
    placements = {
        str(p.pk): p
        for p in Placement.objects.filter(pk__in=[int(m.placement_id) for m in ranked])
        .select_related("employer__organisation", "occupation")
        # What already happened with this person on each placement, in the same query.
        .annotate(
            interested=Exists(JobInterest.objects.filter(candidate=candidate, placement=OuterRef("pk"))),
            running_stage=Subquery(
                Introduction.objects.filter(candidate=candidate, placement=OuterRef("pk"))
                .exclude(stage__in=Introduction.TERMINAL)
                .values("stage")[:1]
            ),
        )
    }
    stage_labels = dict(Introduction.Stage.choices)
    uris = {u for m in ranked for u in (*m.explanation.essential_met, *m.explanation.essential_missing)}
    skills = {
        s.uri: s for s in Skill.objects.filter(uri__in=uris).only("uri", *LABEL_FIELDS, "label_de_source")
    }
    occupations = inferred_occupations(ranked)
    rows = []
    for m in ranked:
        if m.placement_id not in placements:  # closed between the two reads
            continue
        ex = m.explanation
        rows.append(
            JobRow(
                placement=placements[m.placement_id],
                score=round(m.score * 100),
                skills_met=[skills[u] for u in ex.essential_met if u in skills],
                skills_missing=[skills[u] for u in ex.essential_missing if u in skills],
                skills_total=len(ex.essential_met) + len(ex.essential_missing),
                german=ex.german,
                german_required=ex.german_required,
                language_gap=ex.language_gap,
                bridged=ex.bridged_by_language_support,
                distance_km=None if ex.distance_km is None else round(ex.distance_km),
                available_in_time=ex.available_in_time,
                interested=placements[m.placement_id].interested,
                introduction_stage=str(stage_labels.get(placements[m.placement_id].running_stage, "")),
                skills_listed=ex.skills_listed,
                skills_listed_fitting=ex.skills_listed_fitting,
                skill_focus_percent=round(ex.skill_focus * 100),
                notes=constraint_notes(ex, skills=skills, occupations=occupations),
            )
        )
    result_page.object_list = rows
    return result_page


# "New jobs for you": a placement counts when it fits this well (0–1) and is among the person's best few.
NEW_JOBS_MIN_SCORE = 0.6
NEW_JOBS_TOP = 3


def jobs_for_many(
    *, candidates: QuerySet[Candidate], placements: QuerySet[Placement], top: int = NEW_JOBS_TOP
) -> dict[int, list[RankedMatch]]:
    """Jobs for me for many people at once (candidate pk → their best ``top``, as
    ``match_placements`` ranks them one by one): one index of the placements for everyone and a
    constant number of queries, however many people (issue 16, "build once, rank many")."""
    records = placement_records(queryset=placements)
    if not records:
        return {}
    people = candidate_records(queryset=candidates)
    found = match_placements_many(candidates=people, placements=records, top=top)
    return {int(pk): ranked for pk, ranked in found.items()}


def new_jobs_notify(*, since: datetime | None = None) -> int:
    """Daily: people with their own login hear once when placements opened since ``since`` (a day
    by default) fit them well ("Neue Stellen, die zu Ihnen passen"), with a link to their jobs
    page. Ranked per municipality in one batch. Returns how many people were told."""
    from django.utils import timezone

    from notifications.services import notify

    from .notices import NEW_JOBS_CANDIDATE

    now = timezone.now()
    since = since or now - timedelta(days=1)
    fresh = Placement.objects.filter(status=PlacementStatus.OPEN, created_at__gte=since)
    told = 0
    for municipality_id in sorted(set(fresh.values_list("municipality_id", flat=True))):
        people = Candidate.objects.filter(
            municipality_id=municipality_id, user__isnull=False, user__is_active=True, erased_at__isnull=True
        )
        found = jobs_for_many(
            candidates=people,
            placements=open_placements(municipality_id=municipality_id).filter(created_at__gte=since),
        )
        good = {pk: [m for m in ranked if m.score >= NEW_JOBS_MIN_SCORE] for pk, ranked in found.items()}
        users = {
            c.pk: c.user
            for c in people.filter(pk__in=[pk for pk, fits in good.items() if fits]).select_related("user")
        }
        for pk, fits in good.items():
            if not fits or pk not in users:
                continue
            told += bool(
                notify(
                    recipients=[users[pk]],
                    kind=NEW_JOBS_CANDIDATE,
                    params={"count": len(fits)},
                    link="employers:my_jobs",
                    dedupe_key=f"new-jobs:{timezone.localdate(now).isoformat()}",
                )
            )
    return told


def open_placement_get(*, candidate: Candidate, pk: int) -> Placement:
    """One of the placements the person's jobs pages list (open, a place free, verified, their
    municipality), else 404."""

    placement = access.first_visible(
        open_placements(municipality_id=candidate.municipality_id)
        .select_related("employer__organisation")
        .filter(pk=pk)
    )
    return placement


def candidate_for_jobs(*, user: User, pk: int | None) -> Candidate:
    """The candidate whose jobs are asked for: oneself, or one the staff user may see (else 404/403)."""
    from django.core.exceptions import PermissionDenied

    from accounts.roles import CASE_STAFF_AND_COORDINATOR, Role
    from candidates.selectors import candidate_get, own_candidate
    from organisations.access import roles_of

    if pk is None:
        candidate = own_candidate(user=user)
        if candidate is None:
            raise PermissionDenied
        return candidate
    # Roles that never read candidate profiles get a 403; the rest a 404 outside their scope.
    if not roles_of(user=user) & {Role.CANDIDATE, *CASE_STAFF_AND_COORDINATOR}:
        raise PermissionDenied
    return candidate_get(user=user, pk=pk)
