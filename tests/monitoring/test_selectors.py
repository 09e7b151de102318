"""The figures count what a coordinator expects, for the right people, in SQL."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from employers.models import Employment
from monitoring import selectors
from tests.clock import TODAY
from tests.factories import CaseFactory, EmploymentFactory, LanguageSkillFactory
from tests.monitoring.helpers import bare_candidate
from tests.monitoring.world import populate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def _fig(figures, key):
    return next(f for f in figures if f.key == key)


def _figures(user, **filters):
    scope = selectors.scope_for(user=user)
    base = selectors.default_filters()
    return selectors.dashboard_figures(
        scope=scope,
        filters=selectors.Filters(
            start=filters.pop("start", base.start), end=filters.pop("end", base.end), **filters
        ),
    )


def test_coordinator_sees_every_figure_of_the_municipality(monitoring_world):
    populate(monitoring_world, 24)
    figures = _figures(monitoring_world["coordinator"])
    # Written out, not read from selectors.FIGURE_KEYS: a figure dropped there must fail here.
    assert [f.key for f in figures] == [
        "phases",
        "first_contact",
        "time_to_placement",
        "placements_kind",
        "placements_sector",
        "placements_source",
        "retention",
        "apprenticeships_ended",
        "language_levels",
        "language_needs",
        "follow_ups",
        "requests",
        "caseload_case_managers",
        "caseload_coaches",
        "referrals",
        "handovers",
        "assessment_needs",
        "phase_days",
        "barriers",
        "network",
        "discrimination",
        "business_funnel",
        "procedure_days",
    ]
    assert [r[1] for r in _fig(figures, "phases").rows] == [4, 4, 4, 4, 4, 4]
    kinds = dict(_fig(figures, "placements_kind").rows)
    assert sum(kinds.values()) == Employment.objects.count() and kinds["Ausbildung"] > 0


def test_filters_by_legal_circle_and_organisation(monitoring_world):
    populate(monitoring_world, 24)
    populate(monitoring_world, 5, organisation=monitoring_world.jobcenter)
    coordinator = monitoring_world["coordinator"]
    assert sum(r[1] for r in _fig(_figures(coordinator, legal_circle="sgb2"), "phases").rows) == 6 + 1
    jobcenter = _figures(coordinator, organisation_id=monitoring_world.jobcenter.pk)
    assert sum(r[1] for r in _fig(jobcenter, "phases").rows) == 5


def test_time_to_first_contact_median_and_distribution(monitoring_world):
    cases = populate(monitoring_world, 3)  # introductions after 3 and 4 days; the third has none
    figure = _fig(_figures(monitoring_world["coordinator"]), "first_contact")
    assert figure.rows[0] == ["0–14 Tage", 2]
    assert figure.rows[-1] == ["noch nicht erreicht", 1]
    assert dict(figure.summary)["Median"] == "4 Tage"  # (3 + 4) / 2 = 3.5, shown rounded
    assert len(cases) == 3


def test_retention_counts_only_employments_that_reached_the_mark(monitoring_world):
    populate(monitoring_world, 0)
    world = monitoring_world
    today = TODAY
    for i, (started_days_ago, ended_after) in enumerate([(200, None), (200, 30), (120, None), (30, None)]):
        candidate = bare_candidate(municipality=world.municipality, first_name="A", last_name=str(i))

        CaseFactory(
            candidate=candidate,
            municipality=world.municipality,
            responsible_organisation=world.office,
            opened_at=timezone.now() - datetime.timedelta(days=300),
        )
        start = today - datetime.timedelta(days=started_days_ago)
        EmploymentFactory(
            candidate=candidate,
            employer=world.employer_profile,
            placement=None,
            start_date=start,
            end_date=start + datetime.timedelta(days=ended_after) if ended_after else None,
            end_reason="employer_terminated" if ended_after else "",
        )
    figure = _fig(
        _figures(world["coordinator"], start=today - datetime.timedelta(days=365), end=today), "retention"
    )
    assert figure.rows[0][1:] == [2, 1]  # 3 months: three reached it, the one ended after 30 days is gone
    assert figure.rows[1][1:] == [1, 1]  # 6 months: two reached it
    assert figure.rows[2][1:] == [0, 0]  # 12 months: nobody yet


def test_language_level_at_intake_is_the_first_recorded(monitoring_world):
    populate(monitoring_world, 0)
    candidate = bare_candidate(municipality=monitoring_world.municipality, first_name="A", last_name="B")

    CaseFactory(
        candidate=candidate,
        municipality=monitoring_world.municipality,
        responsible_organisation=monitoring_world.office,
    )
    skill = LanguageSkillFactory(candidate=candidate, language="de", spoken="A1", written=None)
    skill.spoken = "B1"
    skill.save()
    rows = {r[0]: r[1:] for r in _fig(_figures(monitoring_world["coordinator"]), "language_levels").rows}
    assert rows["A1"] == [1, 0] and rows["B1"] == [0, 1]


def test_job_coach_counts_the_employments_they_coach(monitoring_world):
    populate(monitoring_world, 12)
    coach = _figures(monitoring_world["job_coach"])
    coordinator = _figures(monitoring_world["coordinator"])
    assert _fig(coach, "placements_kind").rows == _fig(coordinator, "placements_kind").rows
    assert [r[0] for r in _fig(coach, "caseload_coaches").rows] == ["Sie"]


@pytest.mark.parametrize("role", ["candidate", "volunteer", "employer", "chamber_editor"])
def test_roles_without_figures_get_no_scope(monitoring_world, role):
    with pytest.raises(PermissionDenied):
        selectors.scope_for(user=monitoring_world[role])


def test_erasing_a_candidate_erases_their_first_level_but_keeps_the_counts(monitoring_world):
    from candidates.services import candidate_erase
    from monitoring.models import FirstLanguageLevel

    cases = populate(monitoring_world, 3)
    assert FirstLanguageLevel.objects.filter(candidate=cases[0].candidate).exists()
    candidate_erase(candidate=cases[0].candidate, actor=monitoring_world["case_manager"])
    assert not FirstLanguageLevel.objects.filter(candidate=cases[0].candidate).exists()
    phases = _fig(_figures(monitoring_world["coordinator"]), "phases")
    assert sum(r[1] for r in phases.rows) == 2  # erased people drop out of every figure


def test_leads_of_employers_or_volunteer_initiatives_are_no_team_leads(monitoring_world):
    from accounts.roles import Role
    from tests.fixtures.users import new_member

    for role in (Role.EMPLOYER, Role.VOLUNTEER, Role.CHAMBER_EDITOR):
        lead = new_member(role, municipality=monitoring_world.municipality, lead=True)
        with pytest.raises(PermissionDenied):
            selectors.scope_for(user=lead)
