"""The candidates side of matching: turns candidate rows into the engine's plain records.

Only what matching may use leaves this module: occupations with years, skills, German level,
postcode, hours, availability and the permit *category*. Name, nationality, gender, birth
date and the residence status itself never do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import DatabaseError, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from matching.engine.records import CandidateRecord, OccupationYears
from matching.index import register_candidate_source
from outbox.services import enqueue

from .models import (
    RECOGNISED,
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Consent,
    ConsentScope,
    Language,
    LanguageSkill,
    Qualification,
)

logger = logging.getLogger(__name__)


def _queryset(queryset: QuerySet[Candidate]) -> QuerySet[Candidate]:
    return queryset.prefetch_related(
        Prefetch("occupations", queryset=CandidateOccupation.objects.select_related("occupation")),
        Prefetch("skills", queryset=CandidateSkill.objects.select_related("skill")),
        Prefetch("languages", queryset=LanguageSkill.objects.filter(language=Language.DE), to_attr="german"),
        Prefetch("qualifications", queryset=_recognised_queryset(), to_attr="recognised_qualifications"),
    )


def _recognised_queryset() -> QuerySet[Qualification]:
    """Recognised (full or partial) qualifications with a reference occupation (issue 14 §3)."""
    return Qualification.objects.filter(
        recognition_status__in=RECOGNISED, recognition_occupation__isnull=False
    ).select_related("recognition_occupation")


def candidate_record(candidate: Candidate) -> CandidateRecord:
    german = getattr(candidate, "german", None)
    if german is None:
        german = [entry for entry in candidate.languages.all() if entry.language == Language.DE]
    spoken = german[0].spoken if german else None
    recognised_rows = getattr(candidate, "recognised_qualifications", None)
    if recognised_rows is None:
        recognised_rows = list(_recognised_queryset().filter(candidate_id=candidate.pk))
    declared = tuple(
        OccupationYears(uri=o.occupation.uri, years=float(o.years_experience))
        for o in candidate.occupations.all()
    )
    # A recognised qualification counts like a declared occupation (issue 14 §3).
    recognised = tuple(dict.fromkeys(q.recognition_occupation.uri for q in recognised_rows))
    known = {o.uri for o in declared}
    return CandidateRecord(
        id=str(candidate.pk),
        occupations=declared + tuple(OccupationYears(uri=u) for u in recognised if u not in known),
        recognised=recognised,
        skills=tuple(s.skill.uri for s in candidate.skills.all()),
        german=spoken or None,
        postcode=candidate.postcode or None,
        hours=candidate.hours_per_week_max or candidate.hours_per_week_min,
        available_from=candidate.available_from,
        permit=candidate.permit_category,
    )


# Candidates read per round when building records: each prefetch sends their ids as parameters,
# and PostgreSQL takes at most 65,535 in a statement (a city's index of 100,000 failed to build).
RECORDS_CHUNK = 5000


def candidate_records(*, queryset: QuerySet[Candidate]) -> list[CandidateRecord]:
    """Records for many candidates in a constant number of queries (one per relation) for every
    RECORDS_CHUNK of them, read in the order of their ids."""
    if queryset.query.is_sliced:  # (a slice is bounded already, and cannot be filtered further)
        return [candidate_record(c) for c in _queryset(queryset)]
    records: list[CandidateRecord] = []
    ordered = queryset.order_by("pk")
    after = 0
    while True:
        chunk = list(_queryset(ordered.filter(pk__gt=after))[:RECORDS_CHUNK])
        records.extend(candidate_record(c) for c in chunk)
        if len(chunk) < RECORDS_CHUNK:
            return records
        after = chunk[-1].pk


def listable_records(
    *, municipality_id: int, candidate_ids: Iterable[int] | None = None
) -> list[CandidateRecord]:
    """Candidates of a municipality who live-consented to the anonymised listing."""
    queryset = Candidate.objects.filter(
        municipality_id=municipality_id,
        consents__scope=ConsentScope.LISTING,
        consents__revoked_at__isnull=True,
    ).distinct()
    if candidate_ids is not None:
        queryset = queryset.filter(pk__in=list(candidate_ids))
    return candidate_records(queryset=queryset)


register_candidate_source(listable_records)


# --- freshness: every change that can alter a match reaches the index through a task -------


def _changed(candidate_id: int | None, municipality_id: int | None) -> None:
    if candidate_id is None or municipality_id is None:
        return
    from matching.tasks import index_candidates_changed

    # Durable: the outbox job commits with the write, whatever happens to this process after it.
    enqueue(index_candidates_changed, municipality_id, [candidate_id])
    # At once: the change log row right after the commit, so every web process applies the change
    # on its next request instead of after broker and worker (seconds, or a broker outage). Not in
    # the request's transaction: a row committed long after its id was drawn could be passed over
    # by a process that had already read a higher one. The task's row later is a harmless repeat.
    transaction.on_commit(lambda: _record_now(municipality_id, candidate_id))


def _record_now(municipality_id: int, candidate_id: int) -> None:
    from matching.services import index_record_changes

    try:
        index_record_changes(municipality_id=municipality_id, candidate_ids=[candidate_id])
    except DatabaseError:  # the response is not failed for it: the outbox job records it later
        logger.warning("Index change of candidate %s left to the outbox job", candidate_id, exc_info=True)


def index_refresh(*, candidate: Candidate) -> None:
    """For writes that send no signal (a conditional UPDATE, e.g. revoking a consent)."""
    _changed(candidate.pk, candidate.municipality_id)


@receiver([post_save, post_delete], sender=Candidate, dispatch_uid="matching-candidate")
def _candidate_changed(sender, instance: Candidate, **kwargs) -> None:
    _changed(instance.pk, instance.municipality_id)


@receiver([post_save, post_delete], sender=CandidateOccupation, dispatch_uid="matching-occupation")
@receiver([post_save, post_delete], sender=CandidateSkill, dispatch_uid="matching-skill")
@receiver([post_save, post_delete], sender=LanguageSkill, dispatch_uid="matching-language")
@receiver([post_save, post_delete], sender=Consent, dispatch_uid="matching-consent")
@receiver([post_save, post_delete], sender=Qualification, dispatch_uid="matching-qualification")
def _part_changed(sender, instance, **kwargs) -> None:
    candidate = (
        Candidate.objects.filter(pk=instance.candidate_id).values_list("municipality_id", flat=True).first()
    )
    _changed(instance.candidate_id, candidate)
