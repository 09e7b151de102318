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

from .models import (
    Service,
    ServiceAreaPostcode,
    ServiceOrganisation,
    ServiceRequiredDocument,
    ServiceSchedule,
    Weekday,
)

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
    # Every change moves the offer's version (the API's ETag), also one of its own rows only.
    service.updated_at = timezone.now()
    Service.objects.filter(pk=service.pk).update(updated_at=service.updated_at)
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


def service_created(*, service: Service, actor: User) -> None:
    """An offer entered through the API (issue 17): audited like every later change."""
    _audit(actor=actor, service=service, fields=list(EDITABLE_FIELDS), note="created")


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


# --- providers (HSDS organizations; issue 17, the API's directory writes) ------------------------

PROVIDER_FIELDS = ("name", "description", "email", "phone", "website")


def _provider_audit(
    *, actor: User | None, provider: ServiceOrganisation, fields: list[str], note: str = ""
) -> None:
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        record=provider,
        municipality_id=provider.municipality_id,
        fields=fields,
        note=note,
    )


def _provider_clean(provider: ServiceOrganisation) -> None:
    provider.full_clean(exclude=["municipality", "organisation"], validate_constraints=False)
    others = ServiceOrganisation.objects.filter(
        municipality_id=provider.municipality_id, name__iexact=provider.name.strip()
    ).exclude(pk=provider.pk)
    if others.exists():
        raise ValidationError({"name": _("Einen Träger mit diesem Namen gibt es in der Kommune schon.")})


def provider_create(*, municipality_id: int, actor: User, **fields: Any) -> ServiceOrganisation:
    """A provider of the municipality's directory, without offers yet (they follow)."""
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    fields["name"] = (fields.get("name") or "").strip()
    provider = ServiceOrganisation(municipality_id=municipality_id, **fields)
    _provider_clean(provider)
    with transaction.atomic():
        provider.save()
        _provider_audit(actor=actor, provider=provider, fields=sorted(fields), note="created")
    return provider


def provider_update(*, provider: ServiceOrganisation, actor: User, **fields: Any) -> ServiceOrganisation:
    """Change the provider's own fields (its link to an organisation on Lotse stays); audited."""
    unknown = set(fields) - set(PROVIDER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    with transaction.atomic():
        locked = ServiceOrganisation.objects.select_for_update().get(pk=provider.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, fields[name])
        _provider_clean(locked)
        locked.save(update_fields=[*changed, "updated_at"])
        _provider_audit(actor=actor, provider=locked, fields=changed)
    return locked


def provider_set_active(*, provider: ServiceOrganisation, actor: User, active: bool) -> int:
    """Deactivate (or bring back) every offer of the provider; returns how many changed. A provider
    has no status of its own in HSDS: it is inactive when none of its offers is active."""
    changed = 0
    with transaction.atomic():  # all of its offers or none
        for service in provider.services.order_by("pk"):
            if service.is_active != active:
                service_set_active(service=service, actor=actor, active=active)
                changed += 1
        if changed:
            ServiceOrganisation.objects.filter(pk=provider.pk).update(updated_at=timezone.now())
    return changed
