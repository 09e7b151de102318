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

from .models import Service, ServiceAreaPostcode, ServiceRequiredDocument, ServiceSchedule, Weekday

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
    "wait_time",
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


def service_update(
    *,
    service: Service,
    actor: User,
    served_municipalities=(),
    area_postcodes: list[str] | None = None,
    required_documents: list[str] | None = None,
    **fields: Any,
) -> Service:
    """Change the offer's own fields, the municipalities it serves, the postcodes of its service
    area and its required documents (``None``: left as they are); audits the changed names."""
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
        if area_postcodes is not None and _set_area_postcodes(locked, area_postcodes):
            changed.append("area_postcodes")
        if required_documents is not None and _set_required_documents(locked, required_documents):
            changed.append("required_documents")
        if changed:
            _audit(actor=actor, service=locked, fields=changed)
    return locked


def _set_area_postcodes(service: Service, postcodes: list[str]) -> bool:
    """Make the area's postcodes exactly ``postcodes``; True if anything changed. Runs under the
    offer's row lock, and the unique constraint holds even without it."""
    wanted = set(postcodes)
    before = set(service.area_postcodes.values_list("postcode", flat=True))
    if wanted == before:
        return False
    service.area_postcodes.exclude(postcode__in=wanted).delete()
    ServiceAreaPostcode.objects.bulk_create(
        [ServiceAreaPostcode(service=service, postcode=p) for p in sorted(wanted - before)],
        ignore_conflicts=True,
    )
    return True


def _set_required_documents(service: Service, documents: list[str]) -> bool:
    """Make the required documents exactly ``documents`` in this order; a document kept keeps its
    row (and so its HSDS id and link). True if anything changed."""
    documents = list(dict.fromkeys(d.strip() for d in documents if d.strip()))
    rows = {row.document: row for row in service.required_documents.all()}
    if list(rows) == documents and all(rows[d].order == i for i, d in enumerate(documents)):
        return False
    service.required_documents.exclude(document__in=documents).delete()
    for i, document in enumerate(documents):
        row = rows.get(document)
        if row is None:
            ServiceRequiredDocument.objects.create(service=service, document=document, order=i)
        elif row.order != i:
            row.order = i
            row.save(update_fields=["order"])
    return True


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
