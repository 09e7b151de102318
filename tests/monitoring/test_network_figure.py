"""Issue 23 on the dashboard: the network figure counts the actions of the municipality's rounds
(open, overdue, done in the period) and its cooperation agreements (in force, due for review) for the
coordinator; a team lead's or a case manager's dashboard counts none, and the exports carry it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from coaching import agreement_services, barrier_services
from coaching.models import RoundAction
from monitoring import selectors
from tests.clock import TODAY

# Dates are built from TODAY: the clock stands at noon in Berlin that day (tests/clock.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def _round_with_actions(municipality, actor, deadlines):
    current = barrier_services.round_create(
        actor=actor, municipality_id=municipality.pk, name="Runde", kind="core_group", members=[]
    )
    return [
        barrier_services.round_action_create(
            coordination_round=current, actor=actor, text="Maßnahme", owner=actor, deadline=d
        )
        for d in deadlines
    ]


def _agreement(municipality, actor, title, **dates):
    return agreement_services.agreement_create(
        actor=actor,
        municipality_id=municipality.pk,
        title=title,
        purpose="Zusammenarbeit",
        partners=[],
        **dates,
    )


@pytest.fixture
def network(monitoring_world, other_municipality):
    coordinator = monitoring_world["coordinator"]
    elsewhere = monitoring_world["coordinator_elsewhere"]
    municipality = monitoring_world.municipality
    made = _round_with_actions(
        municipality, coordinator, [days(-10), days(-1), days(0), days(5), days(-20), days(-30)]
    )
    barrier_services.round_action_done(action=made[4], actor=coordinator)  # done today: in the period
    # Done long before the period: neither open nor done in it.
    RoundAction.objects.filter(pk=made[5].pk).update(
        done_at=timezone.make_aware(datetime.datetime(TODAY.year - 1, 6, 1, 12))
    )
    _round_with_actions(other_municipality, elsewhere, [days(-3), days(-3), days(4)])  # not theirs
    _agreement(municipality, coordinator, "Überfällig", signed_on=days(-800), review_on=days(-5))
    _agreement(municipality, coordinator, "Später", signed_on=days(-100), review_on=days(90))
    _agreement(municipality, coordinator, "Entwurf, in 30 Tagen", review_on=days(30))
    _agreement(municipality, coordinator, "In 31 Tagen", signed_on=days(-10), review_on=days(31))
    ended = _agreement(municipality, coordinator, "Beendet", signed_on=days(-400), review_on=days(2))
    agreement_services.agreement_end(agreement=ended, actor=coordinator)
    _agreement(other_municipality, elsewhere, "fremd", signed_on=days(-5), review_on=days(1))
    return monitoring_world


def _network_rows(user) -> dict:
    scope = selectors.scope_for(user=user)
    figures = selectors.dashboard_figures(scope=scope, filters=selectors.default_filters())
    figure = next(f for f in figures if f.key == "network")
    return figure, [row[1] for row in figure.rows]


def test_the_coordinator_counts_the_municipalitys_actions_and_agreements(network):
    figure, values = _network_rows(network["coordinator"])
    # open 4 (two overdue), 1 done in the period; in force 3 (signed, not ended), due 2 (-5, +30).
    assert values == [4, 2, 1, 3, 2]
    assert figure.title == "Netzwerk: Maßnahmen und Vereinbarungen"
    assert figure.link[0] == "coaching:round_list"
    assert [row[0] for row in figure.rows][1] == "davon überfällig"


def test_the_figure_needs_two_queries(network, django_assert_num_queries):
    scope = selectors.scope_for(user=network["coordinator"])
    base = selectors._Base(scope, selectors.default_filters(), TODAY)
    with django_assert_num_queries(2):
        selectors.figure_network(base)


def test_a_team_lead_and_a_case_manager_count_none(network):
    for role in ("lead", "case_manager"):
        figure, values = _network_rows(network[role])
        assert values == [0, 0, 0, 0, 0], role
        assert "nur das Dashboard der Koordination" in figure.description


def test_the_dashboard_shows_it_with_the_link_to_the_rounds_and_the_exports_carry_it(network, signed_in):
    coordinator = signed_in(network["coordinator"])
    html = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert "Netzwerk: Maßnahmen und Vereinbarungen" in html and reverse("coaching:round_list") in html

    from openpyxl import load_workbook

    xlsx = coordinator.get(reverse("monitoring:export", args=["network", "xlsx"]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Maßnahmen offen (heute)"] == 4 and cells["davon überfällig"] == 2
    pdf = coordinator.get(reverse("monitoring:report_pdf"), {"year": TODAY.year})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    lead = signed_in(network["lead"])
    html = lead.get(reverse("monitoring:dashboard")).content.decode()
    assert "Netzwerk: Maßnahmen und Vereinbarungen" in html and reverse("coaching:round_list") not in html
