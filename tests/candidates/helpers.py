"""Helpers and constants shared by several candidates test modules (no fixtures: see conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from inputs.middleware import UNSTORABLE
from privacy.models import AuditEntry

# --- property-based posts to the forms -----------------------------------------------------------

values = st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789-.:/", max_size=12),
    st.sampled_from(
        [
            "",
            "A1",
            "C2",
            "D9",
            "2001-01-01",
            "2099-12-31",
            "9999-99-99",
            "-1",
            "1e9",
            "NaN",
            "unrestricted",
            "duldung",
            "<script>x</script>",
            "0" * 5000,
            "\x00",
            "de",
            "telc",
        ]
    ),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)


def refused_as_unstorable(response, data) -> bool:
    """A NUL byte or lone surrogate is refused by the input middleware with a 400 before any form."""
    return response.status_code == 400 and any(UNSTORABLE.search(f"{k}{v}") for k, v in data.items())


def posts(fields):
    return st.dictionaries(st.sampled_from(fields), values, max_size=len(fields))


def plausible(good: dict[str, list[str]]):
    """Any of the fields, each a plausible value or anything at all: so that accepted posts happen
    often enough for their stored values to be checked, not only refused ones."""
    return st.fixed_dictionaries(
        {}, optional={k: st.one_of(st.sampled_from(v), values) for k, v in good.items()}
    )


OCCUPATION_VALUES = {"years_experience": ["0", "3", " 12.5 ", "60"]}

FUZZ = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def entries(model, candidate) -> list[dict]:
    return list(model.objects.filter(candidate=candidate).order_by("pk").values())


# --- erasure -------------------------------------------------------------------------------------


def all_candidate_data_as_text() -> str:
    """Every value of every row of every candidates table, plus the audit log, as one string."""
    chunks = []
    for model in [*apps.get_app_config("candidates").get_models(), AuditEntry]:
        for row in model.objects.values():
            chunks.extend(str(value) for value in row.values())
    return "\n".join(chunks)


# --- the access matrix's world (fixture ``matrix_world`` in conftest.py) -------------------------

FILE_MARKER = "Matrix-Notiz: nur für Zuständige"


@dataclass
class World:
    case: object
    goal: object
    step: object
    language: object
    consent: object
    qualification: object
    own_occupation: object
    users: dict
    own_step: object = None  # issue 22: a step of the person's own (she may tick it)
    appointment: object = None  # issue 22: an appointment on the case
    closed_case: object = None  # issue 14 §4: a case of the own organisation closed with an employment
    question: object = None  # issue 14 §3: a question of the case to the municipality's Ausländerbehörde
    procedure: object = None  # issue 14 §3: the case's work permission procedure

    @property
    def pk(self) -> int:
        return self.case.candidate_id
