"""The candidates app's kinds of notice, registered in CandidatesConfig.ready."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications import registry

RESIDENCE_EXPIRING = "candidates.residence_expiring.staff"
WORK_PERMISSION_EXPIRING = "candidates.work_permission_expiring.staff"


def _expiry(params: dict[str, Any]) -> str:
    return _("läuft am {day} ab – bitte klären Sie rechtzeitig die Verlängerung").format(
        day=registry.show_date(params["day"])
    )


def register_kinds() -> None:
    registry.register(
        RESIDENCE_EXPIRING,
        gettext_lazy("Ein Aufenthaltstitel einer Person aus Ihrer Fallverantwortung läuft bald ab"),
        detail=_expiry,
        mail_detail=_expiry,
    )
    registry.register(
        WORK_PERMISSION_EXPIRING,
        gettext_lazy("Eine Arbeitserlaubnis einer Person aus Ihrer Fallverantwortung läuft bald ab"),
        detail=_expiry,
        mail_detail=_expiry,
    )
