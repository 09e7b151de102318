"""Reads for "Weg zum Zielberuf" (issue 20): a person's pathway to a target occupation with the
local offers that teach the missing skills, and the goals it has already put in the plan.

The case comes from ``candidates.selectors.case_get`` (the requesting user's access checked there);
the pathway itself is ``candidates.pathways``; the offers are the directory's active services of the
person's municipality that teach a missing skill and that the person may use (``service_eligible``,
the one eligibility rule). A constant number of queries whatever the number of skills or offers.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from candidates import pathways
from candidates import selectors as candidate_selectors
from candidates.models import Case, CasePhase, Goal
from employers.models import Employment, EmploymentQuality
from taxonomy.models import Occupation, Skill

from .models import FollowUpDue, Service
from .selectors import service_eligible
from .services import FULFIL_AHEAD, PLAN

if TYPE_CHECKING:
    from accounts.models import User

# Namespace of the goals a pathway puts in the plan: one key per case, target and part, so a second
# click finds the goal the first one made (the plan's unique (case, submission_key)).
GOAL_NAMESPACE = uuid.UUID("0c7a4f7e-3b1d-4d7e-9a59-7061746877a1")
TITLE_MAX = 200

KNOWLEDGE = "knowledge"
COMPETENCE = "competence"


def group_label(key: str) -> str:
    return _("Fachwissen") if key == KNOWLEDGE else _("Fertigkeiten und Kompetenzen")


def _group_key(skill: Skill) -> str:
    return KNOWLEDGE if skill.skill_type == Skill.Type.KNOWLEDGE else COMPETENCE


def goal_key(*, case: Case, target: Occupation, part: str) -> uuid.UUID:
    return uuid.uuid5(GOAL_NAMESPACE, f"{case.pk}|{target.uri}|{part}")


def _shorten(text: str) -> str:
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1].rstrip(" ,–") + "…"


def group_goal_title(*, target: Occupation, key: str, skills: list[Skill]) -> str:
    return _shorten(
        _("Weg zu „{target}“: {group} aufbauen – {skills}").format(
            target=target.label, group=group_label(key), skills=", ".join(s.label for s in skills)
        )
    )


def service_goal_title(*, target: Occupation, service: Service) -> str:
    return _shorten(
        _("Weg zu „{target}“: Angebot „{service}“ ({provider}) nutzen").format(
            target=target.label, service=service.name, provider=service.organisation.name
        )
    )


@dataclass
class MissingSkill:
    skill: Skill
    services: list[Service] = field(default_factory=list)


@dataclass
class GapGroup:
    key: str
    label: str
    skills: list[MissingSkill]
    goal_title: str
    in_plan: bool = False

    @property
    def part(self) -> str:
        return f"group:{self.key}"


@dataclass
class Offer:
    service: Service
    teaches: list[Skill]
    goal_title: str
    in_plan: bool = False

    @property
    def part(self) -> str:
        return f"service:{self.service.pk}"


@dataclass
class PathwayView:
    target: Occupation
    level: int | None
    groups: list[GapGroup]
    offers: list[Offer]
    held: list[pathways.HeldSkill]

    @property
    def missing_count(self) -> int:
        return sum(len(g.skills) for g in self.groups)

    def part(self, part: str) -> GapGroup | Offer | None:
        return next((p for p in [*self.groups, *self.offers] if p.part == part), None)


def teaching_services(*, case: Case, skills: list[Skill]) -> list[Service]:
    """The active offers of the person's municipality that teach one of ``skills`` and that the
    person may use, each with ``gap_skills`` (the ones of ``skills`` it teaches). Two queries."""
    if not skills:
        return []
    ids = [s.pk for s in skills]
    offer = (
        Service.objects.covering(municipality_id=case.municipality_id, postcode=case.candidate.postcode)
        .filter(is_active=True, skills__in=ids)
        .distinct()
        .select_related("organisation")
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.filter(pk__in=ids).only("pk"), to_attr="gap_skills"),
            "served_municipalities",
            "area_postcodes",
        )
        .order_by("name", "pk")
    )
    return [s for s in offer if service_eligible(service=s, case=case)]


def pathway_view(*, case: Case, target: Occupation) -> PathwayView:
    """The person's pathway to ``target`` (raises ValidationError for an occupation without ESCO
    skills), grouped, with the offers that teach the missing skills and which parts are in the plan."""
    found = pathways.person_pathway(candidate=case.candidate, target=target)
    services = teaching_services(case=case, skills=found.missing)
    by_skill: dict[int, list[Service]] = {}
    for service in services:
        for skill in service.gap_skills:
            by_skill.setdefault(skill.pk, []).append(service)
    grouped: dict[str, list[MissingSkill]] = {}
    for skill in found.missing:
        grouped.setdefault(_group_key(skill), []).append(MissingSkill(skill, by_skill.get(skill.pk, [])))
    groups = [
        GapGroup(
            key=key,
            label=group_label(key),
            skills=grouped[key],
            goal_title=group_goal_title(target=target, key=key, skills=[m.skill for m in grouped[key]]),
        )
        for key in (KNOWLEDGE, COMPETENCE)
        if key in grouped
    ]
    labels = {s.pk: s for s in found.missing}
    offers = [
        Offer(
            service=s,
            teaches=sorted((labels[k.pk] for k in s.gap_skills), key=lambda x: x.label.casefold()),
            goal_title=service_goal_title(target=target, service=s),
        )
        for s in services
    ]
    view = PathwayView(target=target, level=found.level, groups=groups, offers=offers, held=found.held)
    parts = {goal_key(case=case, target=target, part=p.part): p for p in [*groups, *offers]}
    for key in Goal.objects.filter(case=case, submission_key__in=list(parts)).values_list(
        "submission_key", flat=True
    ):
        parts[key].in_plan = True
    return view


def proposals(*, case: Case) -> list[pathways.PersonProposal]:
    return pathways.person_proposals(candidate=case.candidate)


def target_from(*, value: str) -> Occupation:
    """The chosen target occupation (URI or id), or a ValidationError a person can read."""
    return pathways.target_occupation(value=value)


# --- the next step while employed (issue 20) ------------------------------------------------------

# ISCO-08 skill level 1: elementary occupations (Helfertätigkeiten).
HELPER_SKILL_LEVEL = 1
# The planned follow-ups that ask about the next step: those at 6 and 12 months.
NEXT_STEP_SEQUENCES = frozenset(
    i for i, (months, weeks, _label) in enumerate(PLAN) if months in (6, 12) and not weeks
)
NEXT_STEP_PROPOSALS = 3


def is_helper_job(*, quality: EmploymentQuality | None) -> bool:
    """A helper job: the coach recorded it at ISCO skill level 1 or below the person's qualification."""
    return quality is not None and (
        quality.job_skill_level <= HELPER_SKILL_LEVEL or quality.below_qualification
    )


@dataclass
class NextStep:
    case: Case
    proposals: list[pathways.PersonProposal]


def next_step(*, user: User, employment: Employment, quality: EmploymentQuality | None) -> NextStep | None:
    """For a person in a helper job, the pathways that fit them (the pathway page's proposals: one
    ISCO level up, most essential skills shared) and the open case whose pathway page ``user`` may
    open (the same rule as ``case_get(for_edit=True)``); None otherwise."""
    if not is_helper_job(quality=quality):
        return None
    case = (
        Case.objects.filter(
            candidate_id=employment.candidate_id,
            candidate__in=candidate_selectors.editable_candidates(user=user),
        )
        .exclude(phase=CasePhase.CLOSED)
        .select_related("candidate")
        .order_by("-opened_at", "-pk")
        .first()
    )
    if case is None:
        return None
    return NextStep(
        case=case, proposals=pathways.person_proposals(candidate=case.candidate, top=NEXT_STEP_PROPOSALS)
    )


def asks_next_step(*, employment: Employment, on: datetime.date) -> bool:
    """Does a contact logged ``on`` this day fulfil the 6- or 12-month follow-up of a helper job?
    (services.follow_up_log fulfils the earliest open planned follow-up due within FULFIL_AHEAD.)"""
    due = (
        FollowUpDue.objects.filter(
            employment=employment, done_at__isnull=True, due_date__lte=on + FULFIL_AHEAD
        )
        .order_by("due_date", "sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    if due not in NEXT_STEP_SEQUENCES:
        return False
    return is_helper_job(quality=EmploymentQuality.objects.filter(employment=employment).first())
