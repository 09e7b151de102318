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
from notifications.services import notification_mark_read_for, notify
from organisations import access

from .models import Barrier, BarrierCategory, CoordinationRound, RoundAction
from .notices import BARRIER_FLAGGED, ROUND_ACTION_ASSIGNED, ROUND_ACTION_OVERDUE
from .services import _members

if TYPE_CHECKING:
    from accounts.models import User
    from candidates.models import Case

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# Six or more digits, perhaps split by spaces, dashes or slashes: telephone, file or ID numbers.
LONG_NUMBER = re.compile(r"\d(?:[\s/\-]?\d){5,}")
DATE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{2}|\d{4})\b")
CASE_WORDS = r"(?:fall|fallnummer|fall-nr|akte|aktenzeichen|az|nr|nummer|id|#)"


def name_parts(*names: str | None) -> set[str]:
    """Each name whole and its parts of two letters or more ("Al-Hassan" → Al-Hassan, Al, Hassan):
    a note naming one part of a double name still names the person. Also coaching.practice_services."""
    parts: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        parts.add(name)
        parts.update(p for p in re.split(r"[\s\-]+", name) if len(p) >= 2)
    return parts


def _name_parts(case: Case) -> list[str]:
    candidate = case.candidate
    return sorted(name_parts(candidate.first_name, candidate.last_name), key=len, reverse=True)


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


# --- coordination rounds (issue 23) ------------------------------------------------------------------


def round_create(
    *, actor: User, municipality_id: int, name: str, kind: str, members, next_date=None
) -> CoordinationRound:
    """A round of the municipality's alliance; its members are partner organisations of it."""
    members = list(members)
    if any(o.municipality_id != municipality_id for o in members):
        raise ValidationError({"members": [_("Nur Organisationen der eigenen Kommune.")]})
    new = CoordinationRound.objects.create(
        municipality_id=municipality_id, name=name, kind=kind, next_date=next_date
    )
    new.members.set(members)
    return new


def round_action_create(
    *, coordination_round: CoordinationRound, actor: User, text: str, owner, deadline
) -> RoundAction:
    """A decision with its owner and deadline; the owner is told and finds it on the round's page."""
    action = RoundAction.objects.create(
        round=coordination_round, text=text.strip(), owner=owner, deadline=deadline
    )
    notify(
        recipients=[owner],
        kind=ROUND_ACTION_ASSIGNED,
        params={"round": coordination_round.name, "day": deadline.isoformat()},
        link="coaching:round_detail",
        link_kwargs={"pk": coordination_round.pk},
        target=action,
    )
    return action


def round_action_done(*, action: RoundAction, actor: User) -> RoundAction:
    if action.done_at is None:
        action.done_at = timezone.now()
        action.save(update_fields=["done_at"])
    notification_mark_read_for(user=actor, target=action)
    return action


def round_held(
    *, coordination_round: CoordinationRound, actor: User, held_on, next_date=None
) -> CoordinationRound:
    """The round met on ``held_on``: the next agenda counts the barriers flagged after that day."""
    coordination_round.last_held_on = held_on
    coordination_round.next_date = next_date
    coordination_round.save(update_fields=["last_held_on", "next_date"])
    return coordination_round


def round_actions_remind(*, today=None) -> int:
    """Daily (beat): each action past its deadline and not done is reminded once, to its owner and
    the municipality's coordinators. Returns the number of actions reminded."""
    today = today or timezone.localdate()
    reminded = 0
    overdue = RoundAction.objects.filter(
        done_at__isnull=True, reminded_at__isnull=True, deadline__lt=today
    ).select_related("round", "owner")
    for action in overdue:
        with transaction.atomic():
            # Claimed first: a second worker (or run) finds nothing left to remind.
            if not RoundAction.objects.filter(pk=action.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            ):
                continue
            coordinators = _members(municipality_id=action.round.municipality_id, roles=[Role.COORDINATOR])
            notify(
                recipients=[action.owner, *coordinators],
                kind=ROUND_ACTION_OVERDUE,
                params={"round": action.round.name, "day": action.deadline.isoformat()},
                link="coaching:round_detail",
                link_kwargs={"pk": action.round_id},
                target=action,
                dedupe_key=f"round-action-overdue-{action.pk}",
            )
            reminded += 1
    return reminded
