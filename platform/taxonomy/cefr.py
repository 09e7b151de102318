"""CEFR levels (Gemeinsamer Europäischer Referenzrahmen), A1 to C2, with a rank to compare."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CEFR(models.TextChoices):
    A1 = "A1", _("A1 – Anfänger*in")
    A2 = "A2", _("A2 – Grundlegende Kenntnisse")
    B1 = "B1", _("B1 – Fortgeschrittene Sprachverwendung")
    B2 = "B2", _("B2 – Selbständige Sprachverwendung")
    C1 = "C1", _("C1 – Fachkundige Sprachkenntnisse")
    C2 = "C2", _("C2 – Annähernd muttersprachliche Kenntnisse")


CEFR_ORDER: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2")


def cefr_rank(level: str | None) -> int:
    """0 for no level, 1 for A1 … 6 for C2. Unknown strings raise ValueError."""
    if not level:
        return 0
    return CEFR_ORDER.index(level.upper()) + 1
