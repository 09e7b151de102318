"""The dashboard, exports and report as a coordinator uses them; bad input never 500s."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring.models import MonitoringSettings
from tests.clock import TODAY
from tests.monitoring.helpers import pdf_text
from tests.monitoring.world import populate

# The page counts from 1 January of the Berlin year: the clock stands at noon in Berlin on tests.clock.TODAY.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def coordinator(monitoring_world, signed_in):
    return signed_in(monitoring_world["coordinator"])


def test_dashboard_shows_charts_with_tables_and_no_names(monitoring_world, coordinator):
    populate(monitoring_world, 12)
    response = coordinator.get(reverse("monitoring:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    # a table under each chart, and the three equity tables below the charts (issue 20)
    assert html.count("<canvas") == 23 and html.count('<table class="kern-table monitoring-table"') == 23 + 3
    assert html.count('data-testid="equity-') == 3 + 1  # the tables and the note on children
    assert html.count('aria-describedby="table-') == 23  # each chart points to its table
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "Geheim" not in html and "Person0" not in html  # counts only, never a name
    assert 'data-testid="computed-at"' in html


def test_figures_link_to_the_lists_the_user_may_open(monitoring_world, coordinator, signed_in):
    populate(monitoring_world, 6)
    html = coordinator.get(reverse("monitoring:dashboard") + "?legal_circle=sgb2").content.decode()
    case_list = reverse("candidates:case_list")
    assert f'href="{case_list}?legal_circle=sgb2&amp;phase=intake"' in html  # each phase row opens its list
    assert reverse("coaching:language_needs_overview") in html
    assert reverse("coaching:handover_list") not in html  # coordinators may not open the handover list
    coach_html = (
        signed_in(monitoring_world["job_coach"]).get(reverse("monitoring:dashboard")).content.decode()
    )
    assert reverse("coaching:handover_list") in coach_html
    assert reverse("coaching:language_needs_overview") not in coach_html
    # Every link shown really opens for that person.
    assert coordinator.get(f"{case_list}?legal_circle=sgb2&phase=intake").status_code == 200


def test_period_that_ends_before_it_starts_gets_a_clear_message(coordinator):
    response = coordinator.get(reverse("monitoring:dashboard"), {"start": "2026-06-01", "end": "2026-05-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Der Zeitraum endet vor seinem Beginn" in html and 'value="2026-06-01"' in html
    assert "<canvas" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"start": "gestern"},
        {"end": "2026-13-45"},
        {"organisation": "999999"},
        {"organisation": "abc"},
        {"legal_circle": "sgb9"},
        {"start": "1800-01-01"},
        {"start": "2026-01-01", "end": "9999-12-31"},
    ],
)
def test_tampered_filters_answer_with_a_message_not_a_500(coordinator, query):
    response = coordinator.get(reverse("monitoring:dashboard"), query)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    export = coordinator.get(reverse("monitoring:export", args=("phases", "xlsx")), query)
    assert export.status_code == 302


def test_empty_period_shows_empty_charts_with_a_note_and_exports_still_work(monitoring_world, coordinator):
    populate(monitoring_world, 6)
    query = {"start": "2001-01-01", "end": "2001-12-31"}
    html = coordinator.get(reverse("monitoring:dashboard"), query).content.decode()
    assert "Für diesen Zeitraum und diese Filter gibt es noch keine Daten" in html
    assert 'data-testid="empty-note"' in html
    response = coordinator.get(reverse("monitoring:export", args=("placements_kind", "csv")), query)
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "01.01.2001 – 31.12.2001" in text
    assert "keine Daten" in text


def test_export_a_figure_to_xlsx_with_period_and_data_basis(monitoring_world, coordinator):
    populate(monitoring_world, 12)
    response = coordinator.get(reverse("monitoring:export", args=("placements_kind", "xlsx")))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="lotse-placements_kind-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Vermittlungen nach Art"
    assert values[1][0] == "Zeitraum" and values[1][1].startswith(f"01.01.{TODAY.year}")
    assert values[2][0] == "Datengrundlage" and "Dortmund" in values[2][1]
    header = next(i for i, r in enumerate(values) if r[0] == "Art")
    kinds = {r[0]: r[1] for r in values[header + 1 : header + 5]}
    assert set(kinds) == {"Arbeitsstelle", "Ausbildung", "Praktikum", "Einstiegsqualifizierung (EQ)"}
    assert sum(kinds.values()) > 0
    assert coordinator.get(reverse("monitoring:export", args=("nonsense", "xlsx"))).status_code == 404
    assert coordinator.get(reverse("monitoring:export", args=("phases", "docx"))).status_code == 404


def test_funders_report_as_page_and_pdf_states_period_and_basis(monitoring_world, coordinator):
    populate(monitoring_world, 8)
    year = TODAY.year
    page = coordinator.get(reverse("monitoring:report"), {"year": year})
    html = page.content.decode()
    assert page.status_code == 200
    assert f"01.01.{year} – 31.12.{year}" in html and "alle Fälle der Kommune Dortmund" in html
    assert "data-lotse-print" in html and "monitoring/print.js" in html  # no inline handler (CSP)
    pdf = coordinator.get(reverse("monitoring:report_pdf"), {"year": year})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 2000
    text = pdf_text(pdf.content)
    assert "Datengrundlage" in text and f"31.12.{year}" in text and "Dortmund" in text
    # A year that is no year: a message, not a 500.
    bad = coordinator.get(reverse("monitoring:report"), {"year": "zwanzig"})
    assert bad.status_code == 400 and "Bitte ein Jahr angeben" in bad.content.decode()
    assert coordinator.get(reverse("monitoring:report_pdf"), {"year": "1200"}).status_code == 302


def test_settings_set_the_caseload_target_shown_in_the_figure(monitoring_world, coordinator):
    populate(monitoring_world, 6)
    response = coordinator.post(
        reverse("monitoring:settings"),
        {"target_cases_per_case_manager": "3", "target_cases_per_coach": "2", "comparison_opt_in": "on"},
    )
    assert response.status_code == 302
    saved = MonitoringSettings.objects.get(municipality=monitoring_world.municipality)
    assert saved.comparison_opt_in and saved.target_cases_per_case_manager == 3
    html = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert "über dem Zielwert" in html and "1 / 3" in html  # the case manager with 5 open cases is over 3
    bad = coordinator.post(
        reverse("monitoring:settings"), {"target_cases_per_case_manager": "0", "target_cases_per_coach": "x"}
    )
    assert bad.status_code == 400 and 'value="0"' in bad.content.decode()


def test_last_refresh_time_is_shown_and_the_task_refreshes_the_cache(monitoring_world, coordinator):
    from monitoring.tasks import refresh_dashboards

    populate(monitoring_world, 4)
    first = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert "zwischengespeichert" not in first  # computed now
    assert "zwischengespeichert" in coordinator.get(reverse("monitoring:dashboard")).content.decode()
    populate(monitoring_world, 3)
    assert refresh_dashboards.delay().get() >= 1
    html = coordinator.get(reverse("monitoring:dashboard")).content.decode()
    assert "zwischengespeichert" in html
    response = coordinator.get(reverse("monitoring:export", args=("phases", "csv")))
    assert response.content.decode("utf-8-sig").count("\n") > 5
    # the refreshed numbers include the 3 new cases
    from monitoring import cache as monitoring_cache
    from monitoring import selectors

    data = monitoring_cache.dashboard(
        scope=selectors.Scope("municipality", monitoring_world.municipality.pk),
        filters=selectors.default_filters(),
    )
    assert data.from_cache and sum(r[1] for r in data.figures[0].rows) == 7
    assert timezone.now() - data.computed_at < datetime.timedelta(minutes=1)


def test_beat_refreshes_the_dashboards_every_quarter_hour():
    from django.conf import settings

    from monitoring.tasks import refresh_dashboards

    entry = settings.CELERY_BEAT_SCHEDULE["monitoring-refresh-dashboards"]
    assert entry == {"task": refresh_dashboards.name, "schedule": 15 * 60}


def test_comparison_with_a_period_that_ends_before_it_starts(coordinator):
    response = coordinator.get(reverse("monitoring:compare"), {"start": "2026-06-01", "end": "2025-06-01"})
    assert response.status_code == 400
    assert "Der Zeitraum endet vor seinem Beginn" in response.content.decode()
