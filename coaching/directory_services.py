"""Writes of the services directory beyond creating an entry (issue 17): coordinators edit and
deactivate an offer of their municipality, set its weekly opening hours and the further
municipalities it serves across a district line. Every change is audited.

An offer is never deleted here: referrals point at it (``Referral.service`` is PROTECT) and keep
showing it; a deactivated offer leaves the directory, the referral form and the pathway offers.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from privacy.models import AuditEntry
from privacy.services import audit_record

from .models import Service, ServiceSchedule, Weekday

if TYPE_CHECKING:
    from accounts.models import User

# The fields of the edit form that are the offer's own (provider and locations are shared).
EDITABLE_FIELDS = (
    "name",
    "category",
    "description",
    "languages",
    "eligible_residence_statuses",
    "cost",
    "cost_details",
    "contact_name",
    "email",
    "phone",
    "url",
)

Hours = list[tuple[int, datetime.time, datetime.time]]


def _audit(*, actor: User | None, service: Service, fields: list[str], note: str = "") -> None:
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        record=service,
        municipality_id=service.municipality_id,
        fields=fields,
        note=note,
    )


def service_update(*, service: Service, actor: User, served_municipalities=(), **fields: Any) -> Service:
    """Change the offer's own fields and the municipalities it serves; audits the changed names."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            locked.full_clean(
                exclude=["organisation", "municipality", "locations", "skills", "served_municipalities"],
                validate_constraints=False,
            )
            locked.save(update_fields=changed)
        # The owning municipality always serves its own people; it is never in the list.
        wanted = {m.pk for m in served_municipalities} - {locked.municipality_id}
        before = set(locked.served_municipalities.values_list("pk", flat=True))
        if wanted != before:
            locked.served_municipalities.set(wanted)
            changed.append("served_municipalities")
        if changed:
            _audit(actor=actor, service=locked, fields=changed)
    return locked


def service_set_active(*, service: Service, actor: User, active: bool) -> Service:
    """Deactivate (or bring back) an offer. Its referrals stay as they are."""
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        if locked.is_active == active:
            return locked
        locked.is_active = active
        locked.deactivated_at = None if active else timezone.now()
        locked.save(update_fields=["is_active", "deactivated_at"])
        _audit(
            actor=actor, service=locked, fields=["is_active"], note="reactivated" if active else "deactivated"
        )
    return locked


def hours_overlap(hours: Hours) -> str:
    """The first clash of two opening times on the same day as a message, else ""."""
    ordered = sorted(hours)
    for (day, opens, closes), (next_day, next_opens, _next_closes) in zip(ordered, ordered[1:], strict=False):
        if day == next_day and next_opens < closes:
            return _("{day}: {a}–{b} überschneidet sich mit der Zeit ab {c}.").format(
                day=Weekday(day).label, a=f"{opens:%H:%M}", b=f"{closes:%H:%M}", c=f"{next_opens:%H:%M}"
            )
    return ""


def hours_errors(hours: Hours) -> list[str]:
    """What is wrong with a weekly schedule (the form and the HSDS import both ask)."""
    errors = []
    for day, opens, closes in hours:
        if day not in Weekday.values:
            errors.append(_("Unbekannter Wochentag {day}.").format(day=day))
        elif closes <= opens:
            errors.append(
                _("{day}: Die Schließzeit muss nach der Öffnungszeit liegen.").format(day=Weekday(day).label)
            )
    if not errors and (clash := hours_overlap(hours)):
        errors.append(clash)
    return errors


def service_set_hours(*, service: Service, actor: User | None, hours: Hours) -> list[ServiceSchedule]:
    """Replace the offer's weekly opening hours with ``hours`` (weekday 1–7, opens, closes)."""
    errors = hours_errors(hours)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Service.objects.select_for_update().get(pk=service.pk)
        before = sorted(locked.schedules.values_list("weekday", "opens", "closes"))
        if before == sorted(hours):
            return list(locked.schedules.all())
        locked.schedules.all().delete()
        rows = ServiceSchedule.objects.bulk_create(
            ServiceSchedule(service=locked, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in sorted(hours)
        )
        _audit(actor=actor, service=locked, fields=["schedules"])
    return rows
