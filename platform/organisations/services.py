"""Writes of the organisations package (keyword-only, ``<entity>_<action>``)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from notifications.links import absolute_url
from outbox.services import enqueue
from privacy.models import AuditEntry
from privacy.services import audit_record

from . import access
from .models import (
    Membership,
    MembershipInvitation,
    Municipality,
    Organisation,
    OrganisationKind,
    VerificationStatus,
    new_invitation_token,
)

if TYPE_CHECKING:
    from accounts.models import User

# Some roles belong to one kind of organisation only; every other role may be held anywhere
# except in an employer or a chamber (whose staff hold exactly their own role).
_ROLE_ONLY_IN = {
    Role.EMPLOYER: OrganisationKind.EMPLOYER,
    Role.CHAMBER_EDITOR: OrganisationKind.CHAMBER,
    Role.COORDINATOR: OrganisationKind.MUNICIPALITY_OFFICE,
    Role.IMMIGRATION_OFFICE: OrganisationKind.IMMIGRATION_OFFICE,
}
# Roles held in one of a few kinds: the employer service works for the Jobcenter or the Agentur.
_ROLE_ONLY_IN_ANY = {Role.EMPLOYER_SERVICE: (OrganisationKind.JOBCENTER, OrganisationKind.EMPLOYMENT_AGENCY)}


def roles_for_kind(kind: str) -> list[str]:
    """The membership roles an organisation of ``kind`` can give."""
    if kind == OrganisationKind.EMPLOYER:
        return [Role.EMPLOYER]
    if kind == OrganisationKind.CHAMBER:
        return [Role.CHAMBER_EDITOR]
    return [
        r
        for r in Role.values
        if r != Role.CANDIDATE
        and _ROLE_ONLY_IN.get(r, kind) == kind
        and kind in _ROLE_ONLY_IN_ANY.get(r, (kind,))
    ]


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    municipality: Municipality,
    kind: str,
    name: str,
    street: str = "",
    postcode: str = "",
    city: str = "",
    email: str = "",
    phone: str = "",
) -> Organisation:
    """Create a partner organisation. A coordinator's own entry counts as verified."""
    name = name.strip()
    taken = ValidationError(
        {"name": _("In dieser Kommune gibt es bereits eine Organisation mit diesem Namen.")}
    )
    # The municipality's row lock makes a double submit (several tabs) wait for the first one and
    # then see its organisation; the unique index still answers any writer that takes no lock.
    Municipality.objects.select_for_update().filter(pk=municipality.pk).first()
    if Organisation.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise taken
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                municipality=municipality,
                kind=kind,
                name=name,
                street=street,
                postcode=postcode,
                city=city,
                email=email,
                phone=phone,
                verification_status=VerificationStatus.VERIFIED,
                verified_at=timezone.now(),
                verified_by=actor,
            )
    except IntegrityError as exc:
        raise taken from exc
    audit_record(
        actor=actor, action=AuditEntry.Action.CREATE, record=organisation, municipality_id=municipality.pk
    )
    return organisation


# --- membership by invitation ------------------------------------------------------------------
# Nobody gains a role without accepting it, and the one who invites never learns whether an
# account exists: inviting never looks the address up, every address gets the same e-mail, and
# the lead sees the typed address until the person accepts.

INVITATION_VALID_FOR = datetime.timedelta(days=14)
# Per organisation and per inviting person, in a sliding hour: enough for onboarding a team,
# too few to probe addresses or to spam people from Lotse's mail server.
INVITATIONS_PER_HOUR = 20
_THROTTLE_WINDOW = 60 * 60


class InvitationThrottled(Exception):
    """Too many invitations in the last hour (per organisation or per inviting person)."""


class InvitationGone(Exception):
    """The invitation is used, declined, revoked or expired."""


def _count_invitation(key: str) -> int:
    # add() starts the window only once; incr() keeps its expiry, so the window is fixed.
    cache.add(key, 0, timeout=_THROTTLE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=_THROTTLE_WINDOW)
        return 1


def _check_invitation_throttle(*, actor: User, organisation: Organisation) -> None:
    counts = [
        _count_invitation(f"organisations:invitations:org:{organisation.pk}"),
        _count_invitation(f"organisations:invitations:user:{actor.pk}"),
    ]
    if max(counts) > INVITATIONS_PER_HOUR:
        raise InvitationThrottled


def membership_invite(
    *, actor: User, organisation: Organisation, email: str, role: str, is_lead: bool = False
) -> MembershipInvitation:
    """Invite an address to a role; the e-mail goes out after commit. Gives nobody a role.

    The answer is the same whether or not an account exists for ``email``, and whether or not
    that account is a member already (it is never looked up here).
    """
    from .tasks import send_membership_invitation

    if not organisation.is_verified:
        # An unverified (self-registered) employer could otherwise pull people in before anyone
        # checked that it is a real business.
        raise PermissionDenied(
            _("Ihre Organisation wird noch geprüft. Personen einladen können Sie, sobald sie geprüft ist.")
        )
    if role not in roles_for_kind(organisation.kind):
        raise ValidationError({"role": _("Diese Rolle passt nicht zur Art der Organisation.")})
    if role == Role.COORDINATOR and not access.has_role(
        user=actor, roles=[Role.COORDINATOR], municipality_id=organisation.municipality_id
    ):
        # A team lead may invite colleagues, but only coordinators make coordinators.
        raise ValidationError({"role": _("Nur Koordinator*innen der Kommune können diese Rolle vergeben.")})
    email = email.strip().lower()
    if email == (actor.email or "").strip().lower():
        # Nobody gives themselves a role (a lead would otherwise make themselves coordinator).
        raise ValidationError(
            {
                "email": _(
                    "Sie können nicht Ihre eigene E-Mail-Adresse einladen. Eine weitere Rolle für Sie vergibt "
                    "eine andere Person mit Leitungs- oder Koordinationsrechten."
                )
            }
        )
    _check_invitation_throttle(actor=actor, organisation=organisation)

    now = timezone.now()
    with transaction.atomic():
        open_ones = MembershipInvitation.objects.select_for_update().filter(
            organisation=organisation, email=email, status=MembershipInvitation.Status.PENDING
        )
        open_ones.filter(expires_at__lte=now).update(
            status=MembershipInvitation.Status.EXPIRED, decided_at=now
        )
        invitation = open_ones.filter(expires_at__gt=now).first()
        if invitation is None:
            try:
                with transaction.atomic():
                    invitation = MembershipInvitation.objects.create(
                        organisation=organisation,
                        email=email,
                        role=role,
                        is_lead=is_lead,
                        invited_by=actor,
                        expires_at=now + INVITATION_VALID_FOR,
                    )
            except IntegrityError:  # a simultaneous invitation to the same address won
                invitation = MembershipInvitation.objects.select_for_update().get(
                    organisation=organisation, email=email, status=MembershipInvitation.Status.PENDING
                )
        # Inviting again re-sends: a fresh link (the old one stops working) with the latest role.
        invitation.role, invitation.is_lead, invitation.invited_by = role, is_lead, actor
        invitation.token = new_invitation_token()
        invitation.expires_at = now + INVITATION_VALID_FOR
        invitation.save(update_fields=["role", "is_lead", "invited_by", "token", "expires_at"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            record=invitation,
            municipality_id=organisation.municipality_id,
            fields=["email", "role", "is_lead"],
            note="membership invitation sent",
        )
        enqueue(send_membership_invitation, invitation.pk)
    return invitation


def invitation_email_send(*, invitation_id: int) -> bool:
    """Send the invitation link (called by the Celery task). The same text for every address."""
    invitation = (
        MembershipInvitation.objects.filter(pk=invitation_id, status=MembershipInvitation.Status.PENDING)
        .select_related("organisation__municipality")
        .first()
    )
    if invitation is None or not invitation.is_open:
        return False
    link = absolute_url(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    with translation.override("de"):
        send_mail(
            subject=_("[Lotse] Einladung: %(organisation)s") % {"organisation": invitation.organisation.name},
            message=_(
                "Guten Tag,\n\n%(organisation)s (%(municipality)s) lädt Sie ein, bei Lotse in der Rolle "
                "„%(role)s“ mitzuarbeiten.\n\nÖffnen Sie diesen Link und melden Sie sich mit dieser "
                "E-Mail-Adresse an (oder legen Sie damit ein Konto an). Dann können Sie die Einladung "
                "annehmen oder ablehnen:\n\n%(link)s\n\nDer Link gilt bis %(until)s. Wenn Sie diese "
                "Einladung nicht erwartet haben, können Sie diese E-Mail einfach ignorieren.\n"
            )
            % {
                "organisation": invitation.organisation.name,
                "municipality": invitation.organisation.municipality.name,
                "role": invitation.get_role_display(),
                "link": link,
                "until": formats.date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT"),
            },
            from_email=None,
            recipient_list=[invitation.email],
        )
    return True


def acceptance_refusal(
    *, user: User, organisation: Organisation, role: str, invitation: MembershipInvitation | None = None
) -> str | None:
    """Why ``user`` may not take ``role`` in ``organisation``, or None.

    Accepting never widens what an account sees across municipalities or across sides:
    - a candidate's own account takes no staff role (it would read other people's data, and
      the second factor every staff role needs would stand between the person and their consents);
    - employer roles and the public side's roles (municipality, Jobcenter, counselling, volunteers,
      chambers) exclude each other: an employer never reads case files, a case manager never turns
      into an employer who sees hired candidates' contact data;
    - on the public side, an account works for one municipality. Someone who changes employer ends
      the old membership first (or uses an account of their own for each).
    """
    if not organisation.is_verified:
        return _("Die Einladung kann nicht angenommen werden: Die Organisation ist derzeit nicht geprüft.")
    if invitation is not None and invitation.invited_by_id == user.pk:
        # Also when the inviter's own address changed to the invited one after sending it.
        return _(
            "Die Einladung kann nicht angenommen werden: Sie haben sie selbst verschickt. Eine Rolle für Sie "
            "vergibt eine andere Person mit Leitungs- oder Koordinationsrechten."
        )
    if getattr(user, "is_candidate", False):
        return _(
            "Die Einladung kann nicht angenommen werden: Sie nutzen dieses Konto als Klient*in. Bitte legen "
            "Sie für Ihre Arbeit ein eigenes Konto mit Ihrer beruflichen E-Mail-Adresse an."
        )
    employer_side = role == Role.EMPLOYER
    # Every active membership counts, an unverified employer's too: it is a role on that side.
    for held in Membership.objects.filter(user=user, is_active=True).select_related(
        "organisation__municipality"
    ):
        if held.organisation_id == organisation.pk:
            continue
        if (held.role == Role.EMPLOYER) != employer_side:
            return _(
                "Die Einladung kann nicht angenommen werden: Rollen bei Arbeitgebern und Rollen in Kommune, "
                "Jobcenter, Beratung, Ehrenamt oder Kammer schließen sich aus. Sie haben bereits die Rolle "
                "„%(role)s“ bei %(organisation)s."
            ) % {"role": held.get_role_display(), "organisation": held.organisation.name}
        if not employer_side and held.organisation.municipality_id != organisation.municipality_id:
            return _(
                "Die Einladung kann nicht angenommen werden: Ihr Konto hat bereits eine Rolle in der Kommune "
                "%(municipality)s, und ein Konto arbeitet nur für eine Kommune. Bitte beenden Sie zuerst die "
                "bisherige Mitgliedschaft."
            ) % {"municipality": held.organisation.municipality.name}
    return None


def _lock_open(invitation: MembershipInvitation) -> MembershipInvitation:
    locked = (
        MembershipInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not locked.is_open:
        raise InvitationGone
    return locked


def addressee_refusal(*, user: User, invitation: MembershipInvitation) -> str | None:
    """Why ``user`` may not answer the invitation at all (another address), or None."""
    # The link proves access to the mailbox; the login proves who answers. Both must agree.
    if (user.email or "").strip().lower() != invitation.email:
        return _(
            "Diese Einladung gilt für eine andere E-Mail-Adresse. Bitte melden Sie sich mit der "
            "Adresse an, an die die Einladung geschickt wurde."
        )
    return None


def _check_addressee(*, user: User, invitation: MembershipInvitation) -> None:
    refusal = addressee_refusal(user=user, invitation=invitation)
    if refusal:
        raise PermissionDenied(refusal)


@transaction.atomic
def invitation_accept(*, user: User, invitation: MembershipInvitation) -> Membership:
    """The invited person takes the role: only now does a membership exist.

    The user's row is locked first, as ``employers.services.employer_register`` does: accepts
    (and registrations) of one account run one after the other, so each sees the roles the one
    before gave, and no two of them give roles on both sides or in two municipalities.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    invitation = _lock_open(invitation)
    _check_addressee(user=user, invitation=invitation)
    organisation = invitation.organisation
    refusal = acceptance_refusal(
        user=user, organisation=organisation, role=invitation.role, invitation=invitation
    )
    if refusal:
        raise PermissionDenied(refusal)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=invitation.role, defaults={"is_lead": invitation.is_lead}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.is_lead = invitation.is_lead
        membership.save(update_fields=["is_active", "is_lead"])
    invitation.status = MembershipInvitation.Status.ACCEPTED
    invitation.decided_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["status", "decided_at", "accepted_by"])
    access.forget(user=user)
    audit_record(
        actor=user,
        action=AuditEntry.Action.CREATE if created else AuditEntry.Action.CHANGE,
        record=membership,
        municipality_id=organisation.municipality_id,
        fields=["role", "is_lead", "is_active"],
        note="membership invitation accepted",
    )
    return membership


@transaction.atomic
def invitation_decline(*, user: User, invitation: MembershipInvitation) -> MembershipInvitation:
    invitation = _lock_open(invitation)
    _check_addressee(user=user, invitation=invitation)
    return _close_invitation(
        invitation=invitation, actor=user, status=MembershipInvitation.Status.DECLINED, note="declined"
    )


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: MembershipInvitation) -> MembershipInvitation:
    """The organisation withdraws an open invitation; its link stops working at once."""
    invitation = MembershipInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status == MembershipInvitation.Status.PENDING:
        _close_invitation(
            invitation=invitation, actor=actor, status=MembershipInvitation.Status.REVOKED, note="revoked"
        )
    return invitation


def _close_invitation(
    *, invitation: MembershipInvitation, actor: User, status: str, note: str
) -> MembershipInvitation:
    # Declined by the person or revoked by the organisation: the same record, audited alike.
    invitation.status = status
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=actor,
        action=AuditEntry.Action.CHANGE,
        record=invitation,
        municipality_id=invitation.organisation.municipality_id,
        fields=["status"],
        note=f"membership invitation {note}",
    )
    return invitation


@transaction.atomic
def membership_deactivate(*, actor: User, membership: Membership) -> Membership:
    """End a membership; the row stays for the record, the rights go at once."""
    if membership.is_active:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=AuditEntry.Action.CHANGE,
            record=membership,
            municipality_id=membership.organisation.municipality_id,
            fields=["is_active"],
        )
    access.forget(user=membership.user)
    return membership
