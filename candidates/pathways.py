"""Pathways for a person (issue 20), the Django side: the person's record as the matching engine
reads it, the ESCO index, and the engine's pure pathway logic (matching/engine/pathways.py), turned
into Skill and Occupation rows with labels.

Callers fetch the case or candidate through a selector that checks the requesting user
(``candidates.selectors.case_get``); these functions only read what that person's record holds.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from matching.engine import pathways as engine
from matching.engine.records import CandidateRecord
from matching.engine.taxonomy import TaxonomyIndex
from matching.services import taxonomy_index
from taxonomy.isco import skill_level
from taxonomy.models import LABEL_FIELDS, Occupation, Skill

from .matching import candidate_records
from .models import Candidate

# What a pathway shows of a skill: its labels (and whether the German one is English), its type.
SKILL_FIELDS = (*LABEL_FIELDS, "uri", "skill_type", "label_de_source")

_lock = threading.Lock()
_proposer: tuple[TaxonomyIndex, engine.PathwayProposer] | None = None


def proposer() -> engine.PathwayProposer:
    """The sparse proposer of the current ESCO index, built once per index and process."""
    global _proposer
    taxonomy = taxonomy_index()
    with _lock:
        if _proposer is None or _proposer[0] is not taxonomy:
            _proposer = (taxonomy, engine.PathwayProposer(taxonomy, skill_level))
        return _proposer[1]


@dataclass(frozen=True)
class HeldSkill:
    skill: Skill
    source: str  # "explicit" (named by or for the person) or "inferred" (from an occupation)
    via: Occupation | None = None  # the declared occupation it is inferred from


@dataclass(frozen=True)
class PersonPathway:
    target: Occupation
    level: int | None
    missing: list[Skill]
    held: list[HeldSkill]

    @property
    def explicit(self) -> list[Skill]:
        return [h.skill for h in self.held if h.source == "explicit"]

    @property
    def inferred(self) -> list[Skill]:
        return [h.skill for h in self.held if h.source == "inferred"]


@dataclass(frozen=True)
class PersonProposal:
    occupation: Occupation
    level: int | None
    shared: int
    missing: int


def target_occupation(*, value: str | int | None) -> Occupation:
    """The target occupation by URI or id; a ValidationError with a message a person can read for
    anything else (never a 500)."""
    text = str(value or "").strip()
    if not text:
        raise ValidationError(_("Bitte wählen Sie einen Zielberuf."), code="required")
    query = Occupation.objects.only(*LABEL_FIELDS, "uri", "isco_code")
    found = (
        query.filter(pk=int(text)).first()
        if text.isdigit() and len(text) < 10
        else query.filter(uri=text[:255]).first()
    )
    if found is None:
        raise ValidationError(
            _("Diesen Beruf gibt es in ESCO nicht. Bitte wählen Sie einen Beruf aus der Liste."),
            code="unknown",
        )
    return found


def _record(candidate: Candidate) -> CandidateRecord:
    """The person's record as matching reads it, in a constant number of queries."""
    return candidate_records(queryset=Candidate.objects.filter(pk=candidate.pk))[0]


def _sorted(skills) -> list[Skill]:
    return sorted(skills, key=lambda s: (s.label.casefold(), s.uri))


def person_pathway(*, candidate: Candidate, target: Occupation) -> PersonPathway:
    """The target's essential skills the person lacks, and those they have (explicit / inferred,
    with the occupation each inferred one comes from). A constant number of queries."""
    record = _record(candidate)
    taxonomy = taxonomy_index()
    try:
        result = engine.pathway(
            taxonomy,
            target=target.uri,
            skills=record.skills,
            occupations=[o.uri for o in record.occupations],
        )
    except engine.UnknownOccupation as exc:  # in the database, not (yet) in this process's index
        raise ValidationError(
            _("Für diesen Beruf sind keine ESCO-Kompetenzen bekannt."), code="unknown"
        ) from exc
    skills = {s.uri: s for s in Skill.objects.filter(uri__in=result.essential).only(*SKILL_FIELDS)}
    via_uri = {}
    for occupation in record.occupations:
        for uri in taxonomy.occupation_essential.get(occupation.uri, ()):
            via_uri.setdefault(uri, occupation.uri)
    wanted_occupations = {via_uri[u] for u in result.inferred}
    occupations = {
        o.uri: o for o in Occupation.objects.filter(uri__in=wanted_occupations).only(*LABEL_FIELDS, "uri")
    }
    held = [HeldSkill(skills[u], "explicit") for u in result.explicit if u in skills]
    held += [
        HeldSkill(skills[u], "inferred", occupations.get(via_uri[u])) for u in result.inferred if u in skills
    ]
    held.sort(key=lambda h: (h.source != "explicit", h.skill.label.casefold(), h.skill.uri))
    return PersonPathway(
        target=target,
        level=skill_level(target.isco_code),
        missing=_sorted(skills[u] for u in result.missing if u in skills),
        held=held,
    )


def _occupations(record: CandidateRecord) -> list[str]:
    return [o.uri for o in record.occupations]


def _rows(found: Sequence[Sequence[engine.Proposal]]) -> list[list[PersonProposal]]:
    uris = {p.occupation for proposals in found for p in proposals}
    occupations = {
        o.uri: o for o in Occupation.objects.filter(uri__in=uris).only(*LABEL_FIELDS, "uri", "isco_code")
    }
    return [
        [
            PersonProposal(
                occupation=occupations[p.occupation],
                level=skill_level(occupations[p.occupation].isco_code),
                shared=p.shared,
                missing=p.missing,
            )
            for p in proposals
            if p.occupation in occupations
        ]
        for proposals in found
    ]


def person_proposals(*, candidate: Candidate, top: int = engine.PROPOSALS) -> list[PersonProposal]:
    """Occupations one ISCO skill level above the person's highest that share most essential skills
    with what the person has (empty without a declared occupation or at the highest level)."""
    record = _record(candidate)
    found = proposer().propose(skills=record.skills, occupations=_occupations(record), top=top)
    return _rows([found])[0]


def caseload_proposals(*, candidates, top: int = engine.PROPOSALS) -> dict[int, list[PersonProposal]]:
    """``person_proposals`` for many people (a caseload) in a constant number of queries."""
    records = candidate_records(queryset=candidates)
    found = proposer().propose_many([(r.skills, _occupations(r)) for r in records], top=top)
    return {int(r.id): rows for r, rows in zip(records, _rows(found), strict=True)}
