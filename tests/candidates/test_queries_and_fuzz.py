"""The caseload costs the same number of queries for 3 or 25 cases; no input makes a profile form fail."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from candidates.models import Language, LanguageExam, LegalCircle
from taxonomy.cefr import CEFR
from tests.candidates.helpers import (
    FUZZ,
    OCCUPATION_VALUES,
    entries,
    plausible,
    posts,
    refused_as_unstorable,
)
from tests.clock import TODAY
from tests.factories import CaseFactory, GoalFactory, StepFactory
from tests.fixtures.users import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _fill(team, n: int) -> None:
    for i in range(n):
        case = CaseFactory(
            responsible_organisation=team.organisation,
            candidate__municipality=team.municipality,
            case_manager=team.own,
        )
        due = TODAY + datetime.timedelta(days=(i % 5) - 2)
        StepFactory(goal=GoalFactory(case=case), due_date=due)


def _count(client, url: str, django_assert_max_num_queries, limit: int) -> int:
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


CASELOAD_QUERIES = 10  # measured: 8 for 3, 25 and 60 cases


def test_the_caseload_query_count_does_not_grow_with_the_page(
    case_manager_team, django_assert_max_num_queries
):
    client = login_with_mfa(Client(), case_manager_team.own)
    url = reverse("candidates:case_list")
    _fill(case_manager_team, 3)
    few = _count(client, url, django_assert_max_num_queries, CASELOAD_QUERIES)
    _fill(case_manager_team, 22)
    many = _count(client, url, django_assert_max_num_queries, CASELOAD_QUERIES)
    assert many == few  # 25 cases cost what 3 cost


def test_the_candidate_page_query_count_does_not_grow_with_the_profile(desk, django_assert_max_num_queries):
    client = login_with_mfa(Client(), desk.user)
    url = reverse("candidates:detail", args=[desk.candidate.pk])
    StepFactory(goal=GoalFactory(case=desk.case), title="erster Schritt")
    client.get(url)  # the first view of the day writes its audit entry; compare the later ones
    small = _count(client, url, django_assert_max_num_queries, 20)
    for i in range(8):
        StepFactory(goal=GoalFactory(case=desk.case), title=f"s{i}")
    large = _count(client, url, django_assert_max_num_queries, 20)
    assert large == small


# --- property-based: arbitrary posts to the profile forms never give a 500 -----------------------

PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "nationality",
    "gender",
    "email",
    "phone",
    "street",
    "postcode",
    "city",
    "max_commute_km",
    "has_driving_licence",
    "has_car",
    "hours_per_week_min",
    "hours_per_week_max",
    "available_from",
    "residence_status",
    "residence_title_kind",
    "residence_expires",
    "work_permission",
    "work_permission_expires",
    "preferences_staff_notes",
    "preferences_own_words",
]
LANGUAGE_FIELDS = ["language", "spoken", "written", "is_native", "exam", "exam_level", "exam_date"]
OCCUPATION_FIELDS = ["occupation_label", "occupation_uri", "years_experience"]


def _row(candidate) -> dict:
    from candidates.models import Candidate

    return Candidate.objects.filter(pk=candidate.pk).values().get()


def assert_nothing_invalid_stored(response, candidate, before: dict) -> None:
    """A refused post changed nothing; an accepted one left a row that passes the model's own checks."""
    if response.status_code != 302:
        assert _row(candidate) == before
        return
    candidate.refresh_from_db()
    candidate.full_clean()


_LEVELS = ["", *CEFR.values]
LANGUAGE_VALUES = {
    "language": Language.values[:6],
    "spoken": _LEVELS,
    "written": _LEVELS,
    "is_native": ["on", ""],
    "exam": LanguageExam.values,
    "exam_level": _LEVELS,
    "exam_date": ["", "2020-05-01", " 2024-12-31 "],
}
INTAKE_VALUES = {
    "first_name": ["Amal", " Amal ", "Zoë", "Nguyễn Thị"],
    "last_name": ["Haddad", "Al-Hassan", "O'Neill"],
    "birth_date": ["", "1990-02-03"],
    "postcode": ["", "44135"],
    "email": ["", "amal@example.org"],
    "legal_circle": LegalCircle.values,
    "confirm_duplicate": ["on"],
}


@FUZZ
@given(data=posts(PROFILE_FIELDS))
def test_the_staff_profile_form_never_fails(desk, data):
    client = login_with_mfa(Client(), desk.user)
    before = _row(desk.candidate)
    response = client.post(reverse("candidates:edit", args=[desk.candidate.pk]), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)
    assert_nothing_invalid_stored(response, desk.candidate, before)


def assert_stored_as_accepted(row, form, data: dict) -> None:
    """Every posted field of an accepted form is stored as the form read it: nothing cut off or lost
    on the way to the database (the form's reading is the normalised input: stripped text, parsed
    dates and numbers, choices as given)."""
    assert form.is_valid(), form.errors
    for name in data:
        if name in form.Meta.fields:
            assert getattr(row, name) == form.cleaned_data[name], name


def _outcome(response) -> None:
    # Shown by --hypothesis-show-statistics: how many posts were accepted, how many refused.
    event("accepted" if response.status_code == 302 else "refused")


def _on_top(base: dict, data: dict, use_base: bool) -> dict:
    """The fuzzed fields over a valid post (so accepted posts happen too), or on their own."""
    return {**base, **data} if use_base else data


@FUZZ
@given(data=posts(LANGUAGE_FIELDS) | plausible(LANGUAGE_VALUES), use_base=st.booleans())
def test_the_language_form_never_fails(desk, data, use_base):
    from candidates.forms import LanguageForm
    from candidates.models import LanguageSkill

    data = _on_top({"language": "de", "exam": "none"}, data, use_base)
    client = login_with_mfa(Client(), desk.user)
    before = entries(LanguageSkill, desk.candidate)
    response = client.post(reverse("candidates:language_add", args=[desk.candidate.pk]), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)
    _outcome(response)
    if response.status_code != 302:
        assert entries(LanguageSkill, desk.candidate) == before
        return
    form = LanguageForm(data)
    stored = LanguageSkill.objects.get(candidate=desk.candidate, language=data["language"])
    assert_stored_as_accepted(stored, form, data)


@FUZZ
@given(data=posts(OCCUPATION_FIELDS) | plausible(OCCUPATION_VALUES), real_uri=st.booleans())
def test_the_occupation_form_never_fails(desk, welder, data, real_uri):
    from candidates.forms import OccupationAddForm
    from candidates.models import CandidateOccupation

    if real_uri:
        data = {**data, "occupation_uri": welder.uri}  # reach the service with arbitrary years
    client = login_with_mfa(Client(), desk.user)
    before = entries(CandidateOccupation, desk.candidate)
    response = client.post(reverse("candidates:occupation_add", args=[desk.candidate.pk]), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)
    _outcome(response)
    # No real ESCO URI can be guessed: without the welder's every post is refused.
    assert real_uri or response.status_code != 302
    if response.status_code != 302:
        assert entries(CandidateOccupation, desk.candidate) == before
        return
    form = OccupationAddForm(data)
    assert form.is_valid(), form.errors
    stored = CandidateOccupation.objects.get(candidate=desk.candidate, occupation=welder)
    assert stored.years_experience == form.cleaned_data["years_experience"]


@FUZZ
@given(data=posts([f for f in PROFILE_FIELDS if f not in ("first_name", "last_name")]))
def test_the_self_service_form_never_fails(desk, candidate_team, data):
    from candidates.models import Candidate

    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    client = login_with_mfa(Client(), candidate_team.own, mfa=False)
    before = _row(desk.candidate)
    response = client.post(reverse("candidates:my_profile_edit"), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)
    assert_nothing_invalid_stored(response, desk.candidate, before)


INTAKE_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "postcode",
    "responsible_organisation",
    "legal_circle",
    "confirm_duplicate",
    "email",
]


@FUZZ
@given(data=posts(INTAKE_FIELDS) | plausible(INTAKE_VALUES), use_base=st.booleans())
def test_the_intake_form_never_fails(desk, data, use_base):
    from candidates.forms import IntakeForm
    from candidates.models import Candidate, Case
    from organisations.models import Organisation

    organisation = desk.case.responsible_organisation
    base = {"first_name": "Amal", "last_name": "Haddad", "responsible_organisation": str(organisation.pk)}
    data = _on_top({**base, "legal_circle": "sgb2", "confirm_duplicate": "on"}, data, use_base)
    client = login_with_mfa(Client(), desk.user)
    people, cases = set(Candidate.objects.values_list("pk", flat=True)), Case.objects.count()
    response = client.post(reverse("candidates:create"), data)
    assert response.status_code in (200, 302) or refused_as_unstorable(response, data)
    _outcome(response)
    made = Candidate.objects.exclude(pk__in=people)
    if response.status_code != 302:
        assert not made.exists() and Case.objects.count() == cases
        return
    person = made.get()
    form = IntakeForm(data, organisations=Organisation.objects.filter(pk=organisation.pk))
    assert_stored_as_accepted(person, form, data)
    case = person.cases.get()
    assert case.responsible_organisation == form.cleaned_data["responsible_organisation"]
    assert case.legal_circle == form.cleaned_data["legal_circle"]
