"""CEFR levels (Gemeinsamer Europäischer Referenzrahmen), A1 to C2, with a rank to compare."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The one list of levels, in order. It lives in the matching engine, which may not import Django
# (and so cannot import the TextChoices below); tests/taxonomy/test_cefr.py checks the choices against it.
from matching.engine.records import CEFR_LEVELS


class CEFR(models.TextChoices):
    A1 = "A1", _("A1 – Anfänger*in")
    A2 = "A2", _("A2 – Grundlegende Kenntnisse")
    B1 = "B1", _("B1 – Fortgeschrittene Sprachverwendung")
    B2 = "B2", _("B2 – Selbständige Sprachverwendung")
    C1 = "C1", _("C1 – Fachkundige Sprachkenntnisse")
    C2 = "C2", _("C2 – Annähernd muttersprachliche Kenntnisse")


CEFR_ORDER: tuple[str, ...] = CEFR_LEVELS


def cefr_rank(level: str | None) -> int:
    """0 for no level, 1 for A1 … 6 for C2. Unknown strings raise ValueError."""
    if not level:
        return 0
    return CEFR_ORDER.index(level.upper()) + 1
