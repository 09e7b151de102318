"""Writes of the network level (issue 23): a systemic barrier flagged from a case.

What is stored never leads back to the person: the municipality, the organisation of the member of
staff who met the barrier, the category, the day and an optional note. The note is checked before it
is stored: the person's names, the case's number and the person's reference, e-mail addresses,
telephone or file numbers and dates are refused with a form error (the input is kept)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from notifications.services import notify
from organisations import access

from .models import Barrier, BarrierCategory
from .notices import BARRIER_FLAGGED
from .services import _members

if TYPE_CHECKING:
    from accounts.models import User
    from candidates.models import Case

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# Six or more digits, perhaps split by spaces, dashes or slashes: telephone, file or ID numbers.
LONG_NUMBER = re.compile(r"\d(?:[\s/\-]?\d){5,}")
DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{2}|\d{4})\b")
CASE_WORDS = r"(?:fall|fallnummer|fall-nr|akte|aktenzeichen|az|nr|nummer|id|#)"


def _name_parts(case: Case) -> list[str]:
    candidate = case.candidate
    parts: set[str] = set()
    for name in (candidate.first_name, candidate.last_name):
        name = (name or "").strip()
        if not name:
            continue
        parts.add(name)
        parts.update(p for p in re.split(r"[\s\-]+", name) if len(p) >= 2)
    return sorted(parts, key=len, reverse=True)


def barrier_note_problem(*, note: str, case: Case) -> str:
    """Why ``note`` may not be stored for a barrier met on ``case`` (a form error), or ""."""
    if not note:
        return ""
    for part in _name_parts(case):
        if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", note, flags=re.IGNORECASE):
            return _(
                "Die Anmerkung enthält den Namen der Klient*in. Bitte schreiben Sie sie ohne Namen: "
                "die Hürde wird ohne Bezug zur Person gespeichert."
            )
    ref = case.candidate.public_ref
    by_number = re.search(rf"{CASE_WORDS}\.?[\s:\-]*{case.pk}(?!\d)", note, flags=re.IGNORECASE)
    if (ref and ref.lower() in note.lower()) or by_number:
        return _(
            "Die Anmerkung enthält die Nummer des Falls oder die Referenz der Klient*in. Bitte lassen "
            "Sie sie weg: die Hürde wird ohne Bezug zum Fall gespeichert."
        )
    if EMAIL.search(note) or LONG_NUMBER.search(note) or DATE.search(note):
        return _(
            "Die Anmerkung enthält eine E-Mail-Adresse, eine Telefon- oder Aktennummer oder ein "
            "Datum. Bitte lassen Sie solche Angaben weg."
        )
    return ""


def _organisation_of(*, actor: User, case: Case):
    """The organisation the member of staff works for in the case's municipality (the one that met
    the barrier); the responsible organisation of the case if there is none."""
    for membership in access.memberships(user=actor):
        if membership.role in CASE_STAFF and membership.organisation.municipality_id == case.municipality_id:
            return membership.organisation
    return case.responsible_organisation


@transaction.atomic
def barrier_flag(*, case: Case, actor: User, category: str, note: str = "") -> Barrier:
    """Store a barrier met on ``case`` with no link to the case, the person or the actor, and tell
    the municipality's coordinators (only the category: the count is on their network page)."""
    note = " ".join((note or "").split())
    errors = {}
    if category not in BarrierCategory.values:
        errors["category"] = [_("Bitte wählen Sie eine Art der Hürde.")]
    problem = barrier_note_problem(note=note, case=case)
    if problem:
        errors["note"] = [problem]
    if errors:
        raise ValidationError(errors)
    barrier = Barrier.objects.create(
        municipality_id=case.municipality_id,
        organisation=_organisation_of(actor=actor, case=case),
        category=category,
        note=note,
        flagged_on=timezone.localdate(),
    )
    notify(
        recipients=_members(municipality_id=case.municipality_id, roles=[Role.COORDINATOR]),
        kind=BARRIER_FLAGGED,
        params={"category": category},
        link="coaching:barrier_overview",
    )
    return barrier
