"""How the audit log names a candidate's record and finds it by the person's name, reference or
date of birth (registered with privacy.registry.record_types in CandidatesConfig.ready)."""

from __future__ import annotations

import datetime
import re

from django.db.models import Q
from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from .models import REFERENCE_PATTERN, Candidate

_REFERENCE = re.compile(REFERENCE_PATTERN)
# The note on an audit entry for an employer seeing the anonymised card (list and match pages):
# the person's own trail says "ein Betrieb" until they let that business contact them.
ANONYMOUS_CARD_NOTE = "anonymous card"
# A misspelt name still finds the person (the intake's duplicate check uses the same measure).
FUZZY_THRESHOLD = 80
FIND_LIMIT = 200


def candidate_names(ids: list[str]) -> dict[str, str]:
    """'Vorname Nachname (REF)' per id in one query; an erased record says so, without a name."""
    numeric = [int(i) for i in ids if i.isdigit()]
    names = {}
    for pk, first, last, ref, erased in Candidate.objects.filter(pk__in=numeric).values_list(
        "pk", "first_name", "last_name", "public_ref", "erased_at"
    ):
        names[str(pk)] = (
            _("gelöschte Person (%(ref)s)") % {"ref": ref} if erased else f"{first} {last} ({ref})"
        )
    return names


def _day(text: str) -> datetime.date | None:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def candidate_find(query: str, municipality_ids: set[int]) -> list[str]:
    """Ids of the municipalities' candidates the query names: a reference, a date of birth, or a
    name (every word in the first or last name; failing that, a typo-tolerant match)."""
    text = query.strip()
    pool = Candidate.objects.filter(municipality_id__in=municipality_ids)
    if not text or not municipality_ids:
        return []
    if _REFERENCE.fullmatch(text.upper()):
        rows = pool.filter(public_ref=text.upper())
    elif (day := _day(text)) is not None:
        rows = pool.filter(birth_date=day)
    else:
        words = Q()
        for word in text.split()[:5]:
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        rows = pool.filter(words)
        if not rows.exists():
            wanted = text.casefold()
            return [
                str(pk)
                for pk, first, last in pool.values_list("pk", "first_name", "last_name").iterator()
                if fuzz.token_sort_ratio(wanted, f"{first} {last}".casefold()) >= FUZZY_THRESHOLD
            ][:FIND_LIMIT]
    return [str(pk) for pk in rows.values_list("pk", flat=True)[:FIND_LIMIT]]
