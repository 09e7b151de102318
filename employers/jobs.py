"""Open placements ranked for one candidate: the "jobs for me" direction of matching.

Used by the candidate's own page and by the staff who may see that candidate. Placements are
business data; what is personal here is the candidate's profile, which only reaches this
module through the candidates app's selectors (own_candidate, candidate_get).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from candidates.matching import candidate_record
from candidates.models import Candidate
from matching.services import match_placements
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


def open_placement_get(*, candidate: Candidate, pk: int) -> Placement:
    """One of the placements the person's jobs pages list (open, a place free, verified, their
    municipality), else 404."""

    placement = access.first_or_404(
        open_placements(municipality_id=candidate.municipality_id)
        .select_related("employer__organisation")
        .filter(pk=pk)
    )
    return placement


def candidate_for_jobs(*, user: User, pk: int | None) -> Candidate:
    """The candidate whose jobs are asked for: oneself, or one the staff user may see (else 404/403)."""
    from django.core.exceptions import PermissionDenied

    from accounts.roles import Role
    from candidates.selectors import candidate_get, own_candidate
    from organisations.access import roles_of

    if pk is None:
        candidate = own_candidate(user=user)
        if candidate is None:
            raise PermissionDenied
        return candidate
    # Roles that never read candidate profiles get a 403; the rest a 404 outside their scope.
    if not roles_of(user=user) & {Role.CANDIDATE, Role.CASE_MANAGER, Role.JOB_COACH, Role.COORDINATOR}:
        raise PermissionDenied
    return candidate_get(user=user, pk=pk)
