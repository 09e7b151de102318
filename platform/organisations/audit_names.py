"""How the audit log names organisations, memberships, invitations and user accounts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from privacy.registry import record_types

from .models import Membership, MembershipInvitation, Organisation


def _ints(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def organisation_names(ids: list[str]) -> dict[str, str]:
    return {
        str(pk): name for pk, name in Organisation.objects.filter(pk__in=_ints(ids)).values_list("pk", "name")
    }


def user_names(ids: list[str]) -> dict[str, str]:
    return {
        str(user.pk): f"{user.display_name or user.get_full_name() or user.email} <{user.email}>"
        for user in User.objects.filter(pk__in=_ints(ids)).only(
            "pk", "display_name", "first_name", "last_name", "email"
        )
    }


def membership_names(ids: list[str]) -> dict[str, str]:
    rows = Membership.objects.filter(pk__in=_ints(ids)).select_related("user", "organisation")
    return {str(m.pk): f"{m.user.email} · {m.get_role_display()} · {m.organisation.name}" for m in rows}


def invitation_names(ids: list[str]) -> dict[str, str]:
    rows = MembershipInvitation.objects.filter(pk__in=_ints(ids)).select_related("organisation")
    return {str(i.pk): f"{i.email} · {i.organisation.name}" for i in rows}


def register() -> None:
    record_types.register("organisations.organisation", label=_("Organisation"), describe=organisation_names)
    record_types.register("accounts.user", label=_("Konto"), describe=user_names)
    record_types.register("organisations.membership", label=_("Mitgliedschaft"), describe=membership_names)
    record_types.register(
        "organisations.membershipinvitation", label=_("Einladung"), describe=invitation_names
    )
