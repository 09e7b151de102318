"""The municipality's key figures, as SQL aggregates scoped to the requesting user.

Every figure is a fixed number of queries (aggregate / values+annotate / one ordered slice for a
median), whatever the amount of data; nothing loops over rows in Python. Figures hold counts only:
no names, no ids of people. Staff in the caseload figures appear as "Fachkraft 1, 2, …".

Scope (who sees what):
- coordinator: their municipality (filterable by organisation and legal circle);
- team lead (Membership.is_lead as case manager or job coach): their organisation;
- case manager / job coach: their own caseload (cases they manage, employments they coach);
- everybody else: PermissionDenied.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from candidates.models import (
    Assessment,
    AssessmentEntry,
    Case,
    CasePhase,
    CasePhaseChange,
    LanguageSkill,
    LegalCircle,
    LifeDomain,
    NeedLevel,
)
from coaching.models import (
    OPEN_NEED_STATUSES,
    Barrier,
    BarrierCategory,
    FollowUpDue,
    Handover,
    LanguageMeasure,
    LanguageSupportNeed,
    Referral,
    Service,
    ServiceCategory,
    SupportRequest,
)
from employers.models import Employment, EmploymentEndReason, Introduction, PlacementKind, Sector
from organisations import access
from organisations.kept import kept_rows
from organisations.models import Membership, Municipality, Organisation
from taxonomy.cefr import CEFR_ORDER

from .models import MonitoringSettings

if TYPE_CHECKING:
    from accounts.models import User

# Time buckets (upper bounds in days, exclusive) for "time to first contact / to placement".
DAY_BUCKETS = (15, 31, 91, 181)
RETENTION_DAYS = {3: 91, 6: 182, 12: 365}
DUE_SOON_DAYS = 14
STAFF_ROWS_MAX = 200


# --- scope and filters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    kind: str  # "municipality" | "organisation" | "own"
    municipality_id: int
    organisation_id: int | None = None
    user_id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.municipality_id}:{self.organisation_id or '-'}:{self.user_id or '-'}"


def scope_for(*, user: User) -> Scope:
    """The widest view the user has: municipality > organisation (team lead) > own caseload."""
    coordinator = sorted(access.municipality_ids(user=user, roles=[Role.COORDINATOR]))
    if coordinator:
        return Scope("municipality", coordinator[0])
    mine = [m for m in access.memberships(user=user) if m.role in CASE_STAFF]
    leads = sorted((m for m in mine if m.is_lead), key=lambda m: m.organisation_id)
    if leads:
        return Scope(
            "organisation", leads[0].organisation.municipality_id, organisation_id=leads[0].organisation_id
        )
    if mine:
        return Scope("own", mine[0].organisation.municipality_id, user_id=user.pk)
    raise PermissionDenied


def may_see_dashboard(*, user: User) -> bool:
    try:
        scope_for(user=user)
    except PermissionDenied:
        return False
    return True


def filter_organisations(*, scope: Scope) -> QuerySet[Organisation]:
    """Organisations a coordinator may filter by: their municipality's, except employers."""
    if scope.kind != "municipality":
        return Organisation.objects.none()
    return _municipal_organisations(scope.municipality_id)


def filter_organisation_rows(*, scope: Scope) -> list[Organisation]:
    """:func:`filter_organisations` read, for the filter's choices on every dashboard request:
    through a kept statement (organisations.kept), run with the municipality's id."""
    if scope.kind != "municipality":
        return []
    return kept_rows(
        name="monitoring.filter_organisations",
        build=_municipal_organisations,
        values=(scope.municipality_id,),
    )


def _municipal_organisations(municipality_id: int) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(municipality_id=municipality_id).exclude(kind="employer").order_by("name")
    )


@dataclass(frozen=True)
class Filters:
    start: datetime.date
    end: datetime.date
    organisation_id: int | None = None
    legal_circle: str = ""

    @property
    def key(self) -> str:
        return f"{self.start.isoformat()}:{self.end.isoformat()}:{self.organisation_id or '-'}:{self.legal_circle or '-'}"

    @property
    def start_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_before(self) -> datetime.datetime:
        """The first moment after the period (the end date counts in full)."""
        return timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )


def default_filters(today: datetime.date | None = None) -> Filters:
    today = today or timezone.localdate()
    return Filters(start=datetime.date(today.year, 1, 1), end=today)


def settings_for(*, municipality_id: int) -> MonitoringSettings:
    found = MonitoringSettings.objects.filter(municipality_id=municipality_id).first()
    return found or MonitoringSettings(municipality_id=municipality_id)


# --- figures ------------------------------------------------------------------------------------


@dataclass
class Figure:
    """One figure: a table (first column the label) that the page also draws as a chart."""

    key: str
    title: str
    description: str
    columns: list[str]
    rows: list[list]
    chart: str = "bar"  # bar | stacked | doughnut
    note: str = ""
    summary: list[tuple[str, str]] = field(default_factory=list)
    # URL name and query of the list behind the figure, and the roles that may open that list.
    link: tuple[str, dict, tuple[str, ...]] | None = None
    target: int | None = None
    # False for figures that show the state today (open needs, caseloads), whatever the period.
    period_bound: bool = True

    @property
    def is_empty(self) -> bool:
        last = -1 if self.target is not None else None  # the target column is no data
        return not any(isinstance(v, int) and v for row in self.rows for v in row[1:last])


FIGURE_KEYS = (
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
    "network",  # issue 23
    "discrimination",  # issue 15 §3
    "business_funnel",
    "procedure_days",  # issue 14 §3
)


class _Base:
    """The scoped base querysets, built once per computation."""

    def __init__(self, scope: Scope, filters: Filters, today: datetime.date) -> None:
        self.scope, self.f, self.today = scope, filters, today
        cases = Case.objects.filter(municipality_id=scope.municipality_id, candidate__erased_at__isnull=True)
        if scope.kind == "organisation":
            cases = cases.filter(responsible_organisation_id=scope.organisation_id)
        elif scope.kind == "own":
            cases = cases.filter(case_manager_id=scope.user_id)
        if filters.organisation_id:
            cases = cases.filter(responsible_organisation_id=filters.organisation_id)
        if filters.legal_circle:
            cases = cases.filter(legal_circle=filters.legal_circle)
        self.cases = cases
        self.candidate_ids = cases.values("candidate_id")
        # A job coach's own caseload is the employments they coach, whoever manages the case.
        employment_q = Q(candidate_id__in=self.candidate_ids)
        if scope.kind == "own":
            employment_q |= Q(follow_along__coach_id=scope.user_id, candidate__erased_at__isnull=True)
        self.employments = Employment.objects.filter(employment_q)
        self.narrowed = scope.kind != "municipality" or bool(filters.organisation_id or filters.legal_circle)

    def active_cases(self) -> QuerySet[Case]:
        """Cases open at some time in the period."""
        return self.cases.filter(opened_at__lt=self.f.end_before).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gte=self.f.start_at)
        )

    def opened_cases(self) -> QuerySet[Case]:
        return self.cases.filter(opened_at__gte=self.f.start_at, opened_at__lt=self.f.end_before)


def _days(value: datetime.timedelta | int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        return value.days
    return int(value)


def _median(queryset: QuerySet, expression: str, n: int) -> float | None:
    """Median of ``expression`` over ``n`` rows: order in SQL and fetch the one or two middle rows."""
    if n <= 0:
        return None
    lo, hi = (n - 1) // 2, n // 2
    middle = [_days(v) for v in queryset.order_by(expression).values_list(expression, flat=True)[lo : hi + 1]]
    middle = [v for v in middle if v is not None]
    return sum(middle) / len(middle) if middle else None


def _bucket_labels() -> list[str]:
    labels, low = [], 0
    for high in DAY_BUCKETS:
        labels.append(_("%(a)s–%(b)s Tage") % {"a": low, "b": high - 1})
        low = high
    labels.append(_("%(a)s Tage und mehr") % {"a": low})
    return labels


def _duration_figure(key, title, description, queryset, duration, reached_label, note) -> Figure:
    """Distribution and median of a duration (cases as rows) in two queries.

    The duration is annotated, so the aggregate runs over a subquery that computes it once per row
    (PostgreSQL would otherwise evaluate the correlated subquery once per bucket).
    """
    qs = queryset.annotate(d=duration)
    aggregates = {"total": Count("pk"), "reached": Count("pk", filter=Q(d__isnull=False))}
    low = 0
    for i, high in enumerate(DAY_BUCKETS):
        aggregates[f"b{i}"] = Count(
            "pk", filter=Q(d__gte=datetime.timedelta(days=low), d__lt=datetime.timedelta(days=high))
        )
        low = high
    aggregates["last"] = Count("pk", filter=Q(d__gte=datetime.timedelta(days=low)))
    counts = qs.aggregate(**aggregates)
    median = _median(qs.filter(d__isnull=False), "d", counts["reached"])
    labels = _bucket_labels()
    rows = [[label, counts[f"b{i}"]] for i, label in enumerate(labels[:-1])]
    rows.append([labels[-1], counts["last"]])
    rows.append([_("noch nicht erreicht"), counts["total"] - counts["reached"]])
    summary = [
        (_("Fälle im Zeitraum eröffnet"), str(counts["total"])),
        (reached_label, str(counts["reached"])),
        (_("Median"), _("%(d)s Tage") % {"d": f"{median:.0f}"} if median is not None else "–"),
    ]
    return Figure(key, title, description, [_("Dauer"), _("Fälle")], rows, note=note, summary=summary)


def _choice_rows(counts: dict, choices) -> list[list]:
    return [[str(label), counts.get(value, 0)] for value, label in choices]


def figure_phases(b: _Base) -> Figure:
    counts = dict(
        b.active_cases().values("phase").annotate(n=Count("pk")).order_by().values_list("phase", "n")
    )
    return Figure(
        "phases",
        _("Klient*innen nach Phase des Fallmanagements"),
        _("Fälle, die im Zeitraum offen waren, nach ihrer heutigen Phase."),
        [_("Phase"), _("Fälle")],
        _choice_rows(counts, CasePhase.choices),
        link=(
            "candidates:case_list",
            {"legal_circle": b.f.legal_circle} if b.f.legal_circle else {},
            (Role.COORDINATOR, *CASE_STAFF),
        ),
    )


def figure_first_contact(b: _Base) -> Figure:
    # A grouped join (hash join in PostgreSQL) instead of a correlated subquery per case.
    intro_at = "candidate__introductions__created_at"
    qs = b.opened_cases().annotate(first=Min(intro_at, filter=Q(**{f"{intro_at}__gte": F("opened_at")})))
    duration = ExpressionWrapper(F("first") - F("opened_at"), output_field=DurationField())
    return _duration_figure(
        "first_contact",
        _("Zeit vom Erstgespräch bis zum ersten Arbeitgeberkontakt"),
        _("Für Fälle, die im Zeitraum eröffnet wurden: Tage bis zur ersten Vorstellung bei einem Betrieb."),
        qs,
        duration,
        _("davon mit Arbeitgeberkontakt"),
        _(
            "Erster Arbeitgeberkontakt = erste Vorstellung (vorgeschlagen oder ausgewählt) nach Eröffnung des Falls."
        ),
    )


def figure_time_to_placement(b: _Base) -> Figure:
    start = "candidate__employments__start_date"
    qs = b.opened_cases().annotate(
        opened_date=TruncDate("opened_at"),
        first=Min(start, filter=Q(**{f"{start}__gte": TruncDate("opened_at")})),
    )
    duration = ExpressionWrapper(F("first") - F("opened_date"), output_field=DurationField())
    return _duration_figure(
        "time_to_placement",
        _("Zeit vom Erstgespräch bis zur Vermittlung"),
        _("Für Fälle, die im Zeitraum eröffnet wurden: Tage bis zum Beginn der ersten Beschäftigung."),
        qs,
        duration,
        _("davon vermittelt"),
        _("Vermittlung = Beginn einer Beschäftigung (Arbeit, Ausbildung, Praktikum, EQ)."),
    )


def _placements(b: _Base) -> QuerySet[Employment]:
    return b.employments.filter(start_date__gte=b.f.start, start_date__lte=b.f.end)


def figure_placements_kind(b: _Base) -> Figure:
    counts = dict(_placements(b).values("kind").annotate(n=Count("pk")).order_by().values_list("kind", "n"))
    return Figure(
        "placements_kind",
        _("Vermittlungen nach Art"),
        _("Beschäftigungen, die im Zeitraum begonnen haben."),
        [_("Art"), _("Vermittlungen")],
        _choice_rows(counts, PlacementKind.choices),
        chart="doughnut",
    )


def figure_placements_sector(b: _Base) -> Figure:
    counts = dict(
        _placements(b)
        .values("employer__sector")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("employer__sector", "n")
    )
    return Figure(
        "placements_sector",
        _("Vermittlungen nach Branche"),
        _("Beschäftigungen, die im Zeitraum begonnen haben, nach Branche des Betriebs."),
        [_("Branche"), _("Vermittlungen")],
        _choice_rows(counts, Sector.choices),
    )


def figure_placements_source(b: _Base) -> Figure:
    """Hires by how the introduction came about (DESIGN.md "One source field", issue 14): employer
    search, staff proposal, candidate interest, event, API; hires recorded without an introduction
    in a row of their own."""
    counts = dict(
        _placements(b)
        .values("introduction__source")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("introduction__source", "n")
    )
    rows = _choice_rows(counts, Introduction.Source.choices)
    rows.append([_("ohne Vorstellung erfasst"), counts.get(None, 0)])
    return Figure(
        "placements_source",
        _("Vermittlungen nach Herkunft"),
        _(
            "Beschäftigungen, die im Zeitraum begonnen haben, nach dem Weg der Vorstellung: Suche des "
            "Betriebs, Vorschlag des Case Managements, Interesse der Person, Veranstaltung."
        ),
        [_("Herkunft"), _("Vermittlungen")],
        rows,
    )


def figure_retention(b: _Base) -> Figure:
    qs = _placements(b)
    aggregates = {}
    for months, days in RETENTION_DAYS.items():
        reached = ExpressionWrapper(F("start_date") + datetime.timedelta(days=days), output_field=DateField())
        eligible = Q(start_date__lte=b.today - datetime.timedelta(days=days))
        kept = Q(end_reason="") | Q(end_date__gte=reached)
        aggregates[f"eligible_{months}"] = Count("pk", filter=eligible)
        aggregates[f"retained_{months}"] = Count("pk", filter=eligible & kept)
    counts = qs.aggregate(**aggregates)
    rows, summary = [], []
    for months in RETENTION_DAYS:
        eligible, retained = counts[f"eligible_{months}"], counts[f"retained_{months}"]
        rows.append([_("nach %(m)s Monaten") % {"m": months}, retained, eligible - retained])
        summary.append(
            (
                _("nach %(m)s Monaten") % {"m": months},
                f"{round(100 * retained / eligible)} %" if eligible else "–",
            )
        )
    return Figure(
        "retention",
        _("Verbleib nach 3, 6 und 12 Monaten"),
        _("Von den im Zeitraum begonnenen Beschäftigungen, die den Zeitpunkt schon erreicht haben."),
        [_("Zeitpunkt"), _("noch beschäftigt"), _("beendet")],
        rows,
        chart="stacked",
        summary=summary,
        note=_(
            "Als beschäftigt zählt auch, wer vor dem Zeitpunkt in eine andere Stelle übernommen "
            "wurde, nur wenn das Ende danach liegt."
        ),
    )


def figure_apprenticeships_ended(b: _Base) -> Figure:
    qs = b.employments.filter(kind=PlacementKind.AUSBILDUNG).exclude(
        end_reason__in=["", EmploymentEndReason.COMPLETED]
    )
    counts = dict(
        qs.filter(end_date__gte=b.f.start, end_date__lte=b.f.end)
        .values("end_reason")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("end_reason", "n")
    )
    choices = [c for c in EmploymentEndReason.choices if c[0] != EmploymentEndReason.COMPLETED]
    return Figure(
        "apprenticeships_ended",
        _("Vorzeitig beendete Ausbildungen und Gründe"),
        _("Ausbildungen, die im Zeitraum vor dem Abschluss endeten, nach Grund."),
        [_("Grund"), _("Ausbildungen")],
        _choice_rows(counts, choices),
    )


def figure_language_levels(b: _Base) -> Figure:
    qs = LanguageSkill.objects.filter(language="de", candidate_id__in=b.active_cases().values("candidate_id"))
    intake = Coalesce("candidate__first_language_level__spoken", "spoken")
    aggregates = {"fallback": Count("pk", filter=Q(candidate__first_language_level__isnull=True))}
    for level in CEFR_ORDER:
        aggregates[f"intake_{level}"] = Count("pk", filter=Exact(intake, Value(level)))
        aggregates[f"now_{level}"] = Count("pk", filter=Q(spoken=level))
    counts = qs.aggregate(**aggregates)
    rows = [[level, counts[f"intake_{level}"], counts[f"now_{level}"]] for level in CEFR_ORDER]
    note = _(
        "„Beim Erstkontakt“ ist das erste erfasste Niveau. Für %(n)s Personen, deren Niveau vor "
        "Einführung des Monitorings oder per Import erfasst wurde, gibt es keinen früheren Wert; dort "
        "steht das heutige Niveau."
    ) % {"n": counts["fallback"]}
    return Figure(
        "language_levels",
        _("Deutsch (mündlich) beim Erstkontakt und heute"),
        _("Klient*innen mit im Zeitraum offenem Fall, nach GER-Niveau."),
        [_("Niveau"), _("beim Erstkontakt"), _("heute")],
        rows,
        note=note,
    )


def figure_language_needs(b: _Base) -> Figure:
    counts = dict(
        LanguageSupportNeed.objects.filter(status__in=OPEN_NEED_STATUSES, employment__in=b.employments)
        .values("measure")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("measure", "n")
    )
    return Figure(
        "language_needs",
        _("Offene Sprachförderbedarfe nach Maßnahme"),
        _("Offene und geplante Bedarfe, Stand heute."),
        [_("Maßnahme"), _("Bedarfe")],
        _choice_rows(counts, LanguageMeasure.choices),
        period_bound=False,
        link=("coaching:language_needs_overview", {}, (Role.COORDINATOR,)),
    )


def figure_follow_ups(b: _Base) -> Figure:
    today = b.today
    counts = FollowUpDue.objects.filter(employment__in=b.employments).aggregate(
        overdue=Count("pk", filter=Q(done_at__isnull=True, due_date__lt=today)),
        soon=Count(
            "pk",
            filter=Q(
                done_at__isnull=True,
                due_date__gte=today,
                due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
            ),
        ),
        done=Count("pk", filter=Q(done_at__gte=b.f.start_at, done_at__lt=b.f.end_before)),
        done_on_time=Count(
            "pk",
            filter=Q(done_at__gte=b.f.start_at, done_at__lt=b.f.end_before, done_at__date__lte=F("due_date")),
        ),
    )
    rows = [
        [_("überfällig (heute)"), counts["overdue"]],
        [_("fällig in den nächsten %(d)s Tagen") % {"d": DUE_SOON_DAYS}, counts["soon"]],
        [_("im Zeitraum erledigt, rechtzeitig"), counts["done_on_time"]],
        [_("im Zeitraum erledigt, verspätet"), counts["done"] - counts["done_on_time"]],
    ]
    return Figure(
        "follow_ups",
        _("Nachbetreuung: fällig und überfällig"),
        _("Geplante Nachbetreuungskontakte der Beschäftigungen."),
        [_("Stand"), _("Kontakte")],
        rows,
        period_bound=False,
        link=("coaching:home", {}, (Role.COORDINATOR, *CASE_STAFF)),
    )


def figure_requests(b: _Base) -> Figure:
    qs = SupportRequest.objects.filter(
        municipality_id=b.scope.municipality_id, created_at__gte=b.f.start_at, created_at__lt=b.f.end_before
    )
    if b.scope.kind == "own":
        qs = qs.filter(Q(assigned_to_id=b.scope.user_id) | Q(employment__in=b.employments))
    elif b.narrowed:
        qs = qs.filter(employment__in=b.employments)
    answered = Q(status=SupportRequest.Status.ANSWERED)
    counts = qs.aggregate(
        on_time=Count("pk", filter=answered & Q(answered_at__date__lte=F("due_date"))),
        answered=Count("pk", filter=answered),
        open_overdue=Count("pk", filter=~answered & Q(due_date__lt=b.today)),
        open=Count("pk", filter=~answered),
    )
    rows = [
        [_("fristgerecht beantwortet"), counts["on_time"]],
        [_("verspätet beantwortet"), counts["answered"] - counts["on_time"]],
        [_("offen, Frist läuft"), counts["open"] - counts["open_overdue"]],
        [_("offen, Frist überschritten"), counts["open_overdue"]],
    ]
    total = counts["answered"] + counts["open"]
    summary = [
        (_("Anfragen im Zeitraum"), str(total)),
        (_("fristgerecht beantwortet"), f"{round(100 * counts['on_time'] / total)} %" if total else "–"),
    ]
    return Figure(
        "requests",
        _("Anfragen von Betrieben: innerhalb der Frist beantwortet"),
        _("Anfragen („heißer Draht“), die im Zeitraum gestellt wurden."),
        [_("Stand"), _("Anfragen")],
        rows,
        chart="doughnut",
        summary=summary,
        link=("coaching:support_request_list", {}, (Role.COORDINATOR, *CASE_STAFF)),
    )


def _staff_figure(key, title, description, role, load, b: _Base, target: int, unit: str) -> Figure:
    """Each member of staff's load (a grouped count, zero for nobody) against the target; no names."""
    members = Membership.objects.filter(
        role=role, is_active=True, organisation__municipality_id=b.scope.municipality_id
    )
    if b.scope.organisation_id or b.f.organisation_id:
        members = members.filter(organisation_id=b.scope.organisation_id or b.f.organisation_id)
    people = get_user_model().objects.filter(pk__in=members.values("user_id"))
    if b.scope.kind == "own":
        people = people.filter(pk=b.scope.user_id)
    loads = list(people.annotate(n=load).order_by("-n").values_list("n", flat=True)[:STAFF_ROWS_MAX])
    own_label = _("Sie")
    rows = [
        [own_label if b.scope.kind == "own" else _("Fachkraft %(i)s") % {"i": i + 1}, n, target]
        for i, n in enumerate(loads)
    ]
    over = sum(1 for n in loads if n > target)  # at most STAFF_ROWS_MAX fetched values, not data rows
    summary = [(_("Zielwert"), str(target)), (_("über dem Zielwert"), f"{over} / {len(loads)}")]
    return Figure(
        key,
        title,
        description,
        [_("Fachkraft"), unit, _("Zielwert")],
        rows,
        summary=summary,
        target=target,
        period_bound=False,
        note=_("Ohne Namen: die Reihenfolge ist nach Zahl der Fälle sortiert."),
    )


def figure_caseload_case_managers(b: _Base, settings: MonitoringSettings) -> Figure:
    open_cases = b.cases.exclude(phase=CasePhase.CLOSED).values("pk")
    load = Count("managed_cases", filter=Q(managed_cases__in=open_cases))
    return _staff_figure(
        "caseload_case_managers",
        _("Fälle je Case Manager*in"),
        _("Offene Fälle je Case Manager*in, Stand heute, mit dem Zielwert der Kommune."),
        Role.CASE_MANAGER,
        load,
        b,
        settings.target_cases_per_case_manager,
        _("offene Fälle"),
    )


def figure_caseload_coaches(b: _Base, settings: MonitoringSettings) -> Figure:
    load = Count(
        "follow_alongs",
        filter=Q(
            follow_alongs__municipality_id=b.scope.municipality_id, follow_alongs__employment__end_reason=""
        ),
    )
    return _staff_figure(
        "caseload_coaches",
        _("Begleitungen je Jobcoach"),
        _("Laufende Nachbetreuungen je Jobcoach, Stand heute, mit dem Zielwert der Kommune."),
        Role.JOB_COACH,
        load,
        b,
        settings.target_cases_per_coach,
        _("Begleitungen"),
    )


def figure_referrals(b: _Base) -> Figure:
    grouped = (
        Referral.objects.filter(case__in=b.cases, created_at__gte=b.f.start_at, created_at__lt=b.f.end_before)
        .values("service__category", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {(r["service__category"], r["status"]): r["n"] for r in grouped}  # at most 8 × 4 groups
    statuses = Referral.Status.choices
    rows = [
        [str(label), *[counts.get((value, s), 0) for s, _l in statuses]]
        for value, label in ServiceCategory.choices
    ]
    return Figure(
        "referrals",
        _("Verweisungen nach Angebot und Ergebnis"),
        _("Verweisungen an Angebote, die im Zeitraum ausgesprochen wurden."),
        [_("Art des Angebots"), *[str(label) for _v, label in statuses]],
        rows,
        chart="stacked",
    )


def figure_handovers(b: _Base) -> Figure:
    qs = Handover.objects.filter(created_at__gte=b.f.start_at, created_at__lt=b.f.end_before)
    if b.scope.kind == "organisation" and not (b.f.organisation_id or b.f.legal_circle):
        qs = qs.filter(
            Q(from_organisation_id=b.scope.organisation_id) | Q(to_organisation_id=b.scope.organisation_id)
        )
    elif b.scope.kind == "own":
        qs = qs.filter(Q(proposed_by_id=b.scope.user_id) | Q(case__in=b.cases))
    else:
        qs = qs.filter(case__in=b.cases)
    counts = qs.aggregate(
        warm=Count("pk", filter=Q(joint_appointment_at__isnull=False)),
        total=Count("pk"),
        accepted=Count("pk", filter=Q(status=Handover.Status.ACCEPTED)),
        rejected=Count("pk", filter=Q(status=Handover.Status.REJECTED)),
    )
    rows = [
        [_("warm (mit gemeinsamem Termin)"), counts["warm"]],
        [_("ohne gemeinsamen Termin"), counts["total"] - counts["warm"]],
    ]
    summary = [
        (_("Übergaben im Zeitraum"), str(counts["total"])),
        (_("angenommen"), str(counts["accepted"])),
        (_("abgelehnt"), str(counts["rejected"])),
    ]
    return Figure(
        "handovers",
        _("Übergaben und wie viele davon warm"),
        _("Übergaben zwischen Organisationen, die im Zeitraum angefragt wurden."),
        [_("Art"), _("Übergaben")],
        rows,
        chart="doughnut",
        summary=summary,
        link=("coaching:handover_list", {}, CASE_STAFF),
    )


# --- life-domain assessment (issue 14) ---------------------------------------------------------


def figure_assessment_needs(b: _Base) -> Figure:
    """Open needs by life domain in the latest assessment of each open case, and how many of them
    find no service in the local directory that the person may use ("Bedarfe ohne Angebot", input
    for the network level). Counts only; cells of 1–4 are suppressed as in the comparison. Three
    queries: needs grouped by domain and residence status, the directory's categories and rules."""
    from coaching.selectors import DOMAIN_CATEGORIES, status_eligible

    from .comparison import suppress

    latest = (
        Assessment.objects.filter(case_id=OuterRef("assessment__case_id"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    grouped = (
        AssessmentEntry.objects.filter(
            assessment__case__in=b.cases.exclude(phase=CasePhase.CLOSED),
            need__in=[NeedLevel.SOME, NeedLevel.URGENT],
            assessment_id=Subquery(latest),
        )
        .values("domain", "assessment__case__candidate__residence_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    directory = list(
        # The municipality's own offers and its neighbours' that serve it across the district line.
        Service.objects.serving([b.scope.municipality_id])
        .filter(is_active=True)
        .values_list("category", "eligible_residence_statuses")
    )
    open_by_domain = dict.fromkeys(LifeDomain.values, 0)
    without = dict.fromkeys(LifeDomain.values, 0)
    for group in grouped:  # at most 11 domains × the residence statuses
        domain, status = group["domain"], group["assessment__case__candidate__residence_status"]
        open_by_domain[domain] += group["n"]
        categories = DOMAIN_CATEGORIES.get(domain, ())
        if not any(
            category in categories and status_eligible(eligible_statuses=rule, status=status)
            for category, rule in directory
        ):
            without[domain] += group["n"]
    shown_open, _total = suppress(open_by_domain)
    shown_without, _total = suppress(without)
    rows = [[str(label), shown_open[value], shown_without[value]] for value, label in LifeDomain.choices]
    return Figure(
        "assessment_needs",
        _("Offene Bedarfe nach Lebensbereich"),
        _(
            "Bedarfe (mit oder dringend) in der jeweils letzten Einschätzung offener Fälle, und wie viele "
            "davon kein Angebot vor Ort finden, das der Person offensteht (Bedarfe ohne Angebot)."
        ),
        [_("Lebensbereich"), _("offene Bedarfe"), _("davon ohne Angebot vor Ort")],
        rows,
        note=_("Zellen mit weniger als 5 Bedarfen sind unterdrückt (–)."),
        period_bound=False,
    )


# --- time in each phase (issue 14 §4) -------------------------------------------------------------


def figure_phase_days(b: _Base) -> Figure:
    """Median days a case stayed in each phase, over the stays that ended in the period (the phase
    history, candidates.CasePhaseChange). One query: window functions number the stays of each
    phase by length and fetch only the one or two middle ones. A phase with 1–4 stays shows no
    median and its count is suppressed as in the comparison."""
    from .comparison import THRESHOLD

    stays = (
        CasePhaseChange.objects.filter(
            case__in=b.cases, left_at__gte=b.f.start_at, left_at__lt=b.f.end_before
        )
        .exclude(to_phase=CasePhase.CLOSED)
        .annotate(d=ExpressionWrapper(F("left_at") - F("changed_at"), output_field=DurationField()))
        .annotate(
            rn=Window(RowNumber(), partition_by=[F("to_phase")], order_by=[F("d").asc(), F("pk").asc()]),
            n=Window(Count("pk"), partition_by=[F("to_phase")]),
        )
    )
    middle = stays.filter(
        Q(rn=ExpressionWrapper((F("n") + 1) / 2, output_field=IntegerField()))
        | Q(rn=ExpressionWrapper(F("n") / 2 + 1, output_field=IntegerField()))
    ).values_list("to_phase", "n", "d")
    counts = dict.fromkeys(CasePhase.values, 0)
    lengths: dict[str, list[float]] = {}
    for phase, n, d in middle:  # at most two rows per phase
        counts[phase] = n
        lengths.setdefault(phase, []).append(d.total_seconds() / 86400 if d is not None else 0.0)
    del counts[CasePhase.CLOSED]
    # A case counts once in each phase it left and no total is shown, so there is nothing to
    # subtract from: the small cells themselves (1–4) are hidden, as the comparison's primary rule.
    shown = {k: (None if 0 < v < THRESHOLD else v) for k, v in counts.items()}
    rows = []
    for value, label in CasePhase.choices:
        if value == CasePhase.CLOSED:
            continue
        median = None
        if shown[value] and lengths.get(value):
            median = int(sum(lengths[value]) / len(lengths[value]) + 0.5)
        rows.append([str(label), median, shown[value]])
    return Figure(
        "phase_days",
        _("Tage in jeder Phase (Median)"),
        _("Wie lange Fälle in jeder Phase waren: Median in Tagen über die Phasen, die im Zeitraum endeten."),
        [_("Phase"), _("Median in Tagen"), _("beendete Phasen")],
        rows,
        note=_("Phasen mit weniger als 5 Fällen zeigen keinen Median; kleine Zahlen sind unterdrückt (–)."),
    )


# --- the network level (issue 23) ---------------------------------------------------------------


def _barrier_periods(start: datetime.date, end: datetime.date) -> tuple[list[tuple[int, int]], bool]:
    """The (year, month) of every month of the period; quarters instead when it spans over a year."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if len(months) <= 12:
        return months, False
    return sorted({(y, (m - 1) // 3 + 1) for y, m in months}), True


def figure_barriers(b: _Base) -> Figure:
    """Systemic barriers flagged from cases, by category over time (one query). A barrier carries no
    case and no person, only municipality, organisation and day: the legal-circle filter and the
    own caseload do not narrow it (it is the municipality's, or the organisation's for a team lead).
    Every period's row is suppressed like the comparison (cells of 1–4 shown as –)."""
    from privacy.disclosure import suppress

    qs = Barrier.objects.filter(
        municipality_id=b.scope.municipality_id, flagged_on__gte=b.f.start, flagged_on__lte=b.f.end
    )
    organisation_id = b.scope.organisation_id or b.f.organisation_id
    if organisation_id:
        qs = qs.filter(organisation_id=organisation_id)
    periods, quarterly = _barrier_periods(b.f.start, b.f.end)
    raw = {p: dict.fromkeys(BarrierCategory.values, 0) for p in periods}
    grouped = (
        qs.values("category", "flagged_on__year", "flagged_on__month").annotate(n=Count("pk")).order_by()
    )
    for row in grouped:  # at most 9 categories × the months of the period
        year, month = row["flagged_on__year"], row["flagged_on__month"]
        key = (year, (month - 1) // 3 + 1) if quarterly else (year, month)
        raw[key][row["category"]] += row["n"]
    rows = []
    for (year, part), cells in raw.items():
        shown, _total = suppress(cells)
        label = _("%(q)s. Quartal %(y)s") % {"q": part, "y": year} if quarterly else f"{part:02d}/{year}"
        rows.append([label, *[shown[value] for value in BarrierCategory.values]])
    return Figure(
        "barriers",
        _("Systemische Hürden nach Art im Zeitverlauf"),
        _("Hürden, die Fachkräfte im Zeitraum aus ihren Fällen gemeldet haben, ohne Bezug zur Person."),
        [_("Zeitraum"), *[str(label) for _v, label in BarrierCategory.choices]],
        rows,
        chart="stacked",
        note=_("Zellen mit weniger als 5 Hürden sind unterdrückt (–)."),
        link=("coaching:barrier_overview", {}, (Role.COORDINATOR,)),
    )


def figure_discrimination(b: _Base) -> Figure:
    """Reported discrimination by setting over time (issue 15 §3; one query). A report is counted for
    its municipality; it carries no case and (anonymous) no person, so neither the legal-circle and
    organisation filters nor a team lead's scope narrow it — a team lead's dashboard counts none
    (the counts are the coordinator's). Every period's row suppressed like the comparison."""
    from coaching.models import DiscriminationReport, DiscriminationSetting
    from privacy.disclosure import suppress

    qs = DiscriminationReport.objects.filter(
        municipality_id=b.scope.municipality_id, reported_on__gte=b.f.start, reported_on__lte=b.f.end
    )
    if b.scope.organisation_id:
        qs = qs.none()
    periods, quarterly = _barrier_periods(b.f.start, b.f.end)
    raw = {p: dict.fromkeys(DiscriminationSetting.values, 0) for p in periods}
    grouped = (
        qs.values("setting", "reported_on__year", "reported_on__month").annotate(n=Count("pk")).order_by()
    )
    for row in grouped:  # at most 6 settings × the months of the period
        year, month = row["reported_on__year"], row["reported_on__month"]
        key = (year, (month - 1) // 3 + 1) if quarterly else (year, month)
        raw[key][row["setting"]] += row["n"]
    rows = []
    for (year, part), cells in raw.items():
        shown, _total = suppress(cells)
        label = _("%(q)s. Quartal %(y)s") % {"q": part, "y": year} if quarterly else f"{part:02d}/{year}"
        rows.append([label, *[shown[value] for value in DiscriminationSetting.values]])
    return Figure(
        "discrimination",
        _("Gemeldete Diskriminierung nach Ort im Zeitverlauf"),
        _("Meldungen von Diskriminierung im Zeitraum, für die ganze Kommune, ohne Texte und ohne Personen."),
        [_("Zeitraum"), *[str(label) for _v, label in DiscriminationSetting.choices]],
        rows,
        chart="stacked",
        note=_("Zellen mit weniger als 5 Meldungen sind unterdrückt (–)."),
        link=("coaching:discrimination_overview", {}, (Role.COORDINATOR,)),
    )


def figure_network(b: _Base) -> Figure:
    """The network level's actions and agreements (issue 23; two queries): the actions of the
    municipality's rounds open and overdue today and done in the period, the agreements signed and
    in force and those due for review (within 30 days or past, as the coordinator's reminder). Rounds
    and agreements belong to the municipality, not to a case or an organisation: only the
    coordinator's dashboard counts them (a team lead's or the own caseload's counts none), and the
    organisation and legal-circle filters do not narrow them."""
    from coaching.agreement_selectors import REVIEW_DAYS, agreements_due_for_review
    from coaching.models import CooperationAgreement, RoundAction

    if b.scope.kind != "municipality":
        actions = dict.fromkeys(("open", "overdue", "done"), 0)
        agreements = dict.fromkeys(("in_force", "due"), 0)
    else:
        actions = RoundAction.objects.filter(round__municipality_id=b.scope.municipality_id).aggregate(
            open=Count("pk", filter=Q(done_at__isnull=True)),
            overdue=Count("pk", filter=Q(done_at__isnull=True, deadline__lt=b.today)),
            done=Count("pk", filter=Q(done_at__gte=b.f.start_at, done_at__lt=b.f.end_before)),
        )
        due = agreements_due_for_review(today=b.today).values("pk")
        agreements = CooperationAgreement.objects.filter(municipality_id=b.scope.municipality_id).aggregate(
            in_force=Count("pk", filter=Q(signed_on__isnull=False, ended_on__isnull=True)),
            due=Count("pk", filter=Q(pk__in=due)),
        )
    rows = [
        [_("Maßnahmen offen (heute)"), actions["open"]],
        [_("davon überfällig"), actions["overdue"]],
        [_("Maßnahmen im Zeitraum erledigt"), actions["done"]],
        [_("Vereinbarungen unterzeichnet und in Kraft"), agreements["in_force"]],
        [
            _("Vereinbarungen zur Überprüfung fällig (in %(d)s Tagen oder überfällig)") % {"d": REVIEW_DAYS},
            agreements["due"],
        ],
    ]
    return Figure(
        "network",
        _("Netzwerk: Maßnahmen und Vereinbarungen"),
        _(
            "Beschlüsse der Koordinationsrunden und Kooperationsvereinbarungen der ganzen Kommune. "
            "Sie gehören zur Kommune, nicht zu einer Organisation: nur das Dashboard der Koordination "
            "zählt sie, Filter nach Organisation oder Rechtskreis ändern sie nicht."
        ),
        [_("Stand"), _("Anzahl")],
        rows,
        period_bound=False,
        link=("coaching:round_list", {}, (Role.COORDINATOR,)),
    )


def dashboard_figures(*, scope: Scope, filters: Filters, today: datetime.date | None = None) -> list[Figure]:
    """Every figure of the dashboard, in the order shown. About 20 queries, whatever the data size."""
    b = _Base(scope, filters, today or timezone.localdate())
    settings = settings_for(municipality_id=scope.municipality_id)
    return [
        figure_phases(b),
        figure_first_contact(b),
        figure_time_to_placement(b),
        figure_placements_kind(b),
        figure_placements_sector(b),
        figure_placements_source(b),
        figure_retention(b),
        figure_apprenticeships_ended(b),
        figure_language_levels(b),
        figure_language_needs(b),
        figure_follow_ups(b),
        figure_requests(b),
        figure_caseload_case_managers(b, settings),
        figure_caseload_coaches(b, settings),
        figure_referrals(b),
        figure_handovers(b),
        figure_assessment_needs(b),
        figure_phase_days(b),
        figure_barriers(b),
        figure_network(b),  # issue 23
        figure_discrimination(b),  # issue 15 §3
        figure_business_funnel(b),
        figure_procedure_days(b),  # issue 14 §3
    ]


def data_basis(*, scope: Scope, filters: Filters) -> str:
    """One sentence that says whose data the figures rest on (for exports and the funders' report)."""
    municipality = (
        Municipality.objects.filter(pk=scope.municipality_id).values_list("name", flat=True).first()
    )
    if scope.kind == "organisation":
        org = Organisation.objects.filter(pk=scope.organisation_id).values_list("name", flat=True).first()
        text = _("Fälle der Organisation „%(o)s“ in %(m)s") % {"o": org, "m": municipality}
    elif scope.kind == "own":
        text = _("eigene Fälle und Begleitungen in %(m)s") % {"m": municipality}
    else:
        text = _("alle Fälle der Kommune %(m)s") % {"m": municipality}
    if filters.organisation_id:
        org = Organisation.objects.filter(pk=filters.organisation_id).values_list("name", flat=True).first()
        text += _(", zuständige Organisation „%(o)s“") % {"o": org}
    if filters.legal_circle:
        text += _(", Rechtskreis %(r)s") % {"r": LegalCircle(filters.legal_circle).label}
    return text + _(" (ohne gelöschte Personen; nur Anzahlen, keine personenbezogenen Daten).")


# --- the business funnel (issue 15 §1) --------------------------------------------------------------

BUSINESS_FUNNEL_DAYS = 182  # "still employed at 6 months", as in the retention figure


def figure_business_funnel(b: _Base) -> Figure:
    """Businesses on the way from a first contact to a lasting hire, by partner level and by sector
    (one query). Each stage counts the businesses that reached it and every stage before: contacted
    (a contact in the shared record) → registered (someone of the business has a login) → verified →
    first placement (published) → first hire → someone still employed 6 months after the start. The
    state today; a team lead's (or the organisation filter's) funnel counts the businesses their
    organisation contacted, an own caseload those the person contacted or owns. Each stage's column
    is suppressed like the comparison, per partition (levels, sectors)."""
    from employers.models import BusinessContactLog, PartnerLevel, Placement, PlacementStatus
    from organisations.models import OrganisationKind
    from privacy.disclosure import suppress

    six_months = b.today - datetime.timedelta(days=BUSINESS_FUNNEL_DAYS)
    kept = Employment.objects.filter(
        employer__organisation=OuterRef("pk"), start_date__lte=six_months
    ).filter(
        Q(end_reason="")
        | Q(
            end_date__gte=ExpressionWrapper(
                F("start_date") + datetime.timedelta(days=BUSINESS_FUNNEL_DAYS), output_field=DateField()
            )
        )
    )
    contacts = BusinessContactLog.objects.filter(organisation=OuterRef("pk"))
    organisation_id = b.scope.organisation_id or b.f.organisation_id
    if organisation_id:
        contacts = contacts.filter(by_organisation_id=organisation_id)
    elif b.scope.kind == "own":
        contacts = contacts.filter(by_id=b.scope.user_id)
    businesses = Organisation.objects.filter(
        municipality_id=b.scope.municipality_id, kind=OrganisationKind.EMPLOYER
    ).annotate(
        contacted=Exists(contacts),
        registered=Exists(
            Membership.objects.filter(organisation=OuterRef("pk"), role=Role.EMPLOYER, is_active=True)
        ),
        placed=Exists(
            Placement.objects.filter(employer__organisation=OuterRef("pk")).exclude(
                status=PlacementStatus.DRAFT
            )
        ),
        hired=Exists(Employment.objects.filter(employer__organisation=OuterRef("pk"))),
        kept=Exists(kept),
        level=Coalesce(F("business_relation__partner_level"), Value(PartnerLevel.FIRST_CONTACT)),
        sector=Coalesce(F("employer_profile__sector"), Value(Sector.SONSTIGES)),
    )
    if b.scope.kind == "own":
        businesses = businesses.filter(Q(contacted=True) | Q(business_relation__owner_id=b.scope.user_id))
    stages = [
        ("contacted", Q(contacted=True)),
        ("registered", Q(registered=True)),
        ("verified", Q(verification_status="verified")),
        ("placed", Q(placed=True)),
        ("hired", Q(hired=True)),
        ("kept", Q(kept=True)),
    ]
    aggregates, reached = {}, Q()
    for name, condition in stages:
        reached &= condition
        aggregates[f"n_{name}"] = Count("pk", filter=reached)
    grouped = businesses.values("level", "sector").annotate(**aggregates).order_by()
    levels = {value: dict.fromkeys(aggregates, 0) for value in PartnerLevel.values}
    sectors = {value: dict.fromkeys(aggregates, 0) for value in Sector.values}
    for row in grouped:  # at most 3 levels × 10 sectors
        for name in aggregates:
            levels.setdefault(row["level"], dict.fromkeys(aggregates, 0))[name] += row[name]
            sectors.setdefault(row["sector"], dict.fromkeys(aggregates, 0))[name] += row[name]
    rows = []
    for prefix, cells, choices in (
        (_("Partnerstufe"), levels, PartnerLevel.choices),
        (_("Branche"), sectors, Sector.choices),
    ):
        shown = {
            name: suppress({value: cells[value][name] for value, _l in choices})[0] for name in aggregates
        }
        rows += [
            [f"{prefix}: {label}", *[shown[name][value] for name in aggregates]] for value, label in choices
        ]
    return Figure(
        "business_funnel",
        _("Betriebe vom Erstkontakt bis zur dauerhaften Einstellung"),
        _(
            "Betriebe nach Partnerstufe und Branche: wie viele kontaktiert, bei Lotse angemeldet, geprüft "
            "wurden, eine Stelle veröffentlicht, jemanden eingestellt und nach 6 Monaten noch beschäftigt "
            "haben (jede Stufe setzt die vorigen voraus). Stand heute."
        ),
        [
            _("Gruppe"),
            _("kontaktiert"),
            _("angemeldet"),
            _("geprüft"),
            _("erste Stelle"),
            _("erste Einstellung"),
            _("nach 6 Monaten beschäftigt"),
        ],
        rows,
        note=_("Zellen mit weniger als 5 Betrieben sind unterdrückt (–)."),
        link=("employers:business_list", {}, (Role.COORDINATOR, Role.EMPLOYER_SERVICE, *CASE_STAFF)),
        period_bound=False,
    )


# --- permits and recognition as procedures (issue 14 §3) ----------------------------------------


def _median_and_count(queryset: QuerySet, days) -> tuple[float | None, int]:
    """(median, count) of an integer day expression in one aggregate query (PostgreSQL's
    percentile_cont over the rows, no rows fetched). SQLite (the embedded demo) has no
    percentile_cont: there the days are fetched and their median taken here."""
    from django.db.models import Aggregate, FloatField

    class _Median(Aggregate):
        function = "percentile_cont"
        template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
        output_field = FloatField()

    rows = queryset.annotate(d=days).filter(d__isnull=False, d__gte=0)
    if connections[queryset.db].vendor != "postgresql":
        values = [d for _pk, d in rows.values_list("pk", "d")]  # with the key: repeated days all count
        return (float(statistics.median(values)) if values else None), len(values)
    found = rows.aggregate(m=_Median("d"), n=Count("pk"))
    return found["m"], found["n"]


class _DayDifference(Func):
    """``later - earlier`` of two dates as whole days: PostgreSQL's date minus date is an integer;
    SQLite would subtract the dates' text as numbers (their years), so there through julianday."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _day_difference(later, earlier) -> Func:
    """``later - earlier`` of two dates as whole days."""
    return _DayDifference(later, earlier)


def figure_procedure_days(b: _Base) -> Figure:
    """Median days from an offer to the work permission decision and from a recognition application
    to its decision, over the procedures decided in the period (two queries, one per row). A row of
    1–4 procedures shows no median and its count is suppressed as in the comparison."""
    from candidates.models import RECOGNITION_DECISIONS, PermitDecision, Qualification, WorkPermitProcedure
    from employers.models import IntroductionStage

    from .comparison import THRESHOLD

    first_offer = (
        IntroductionStage.objects.filter(
            introduction__candidate_id=OuterRef("case__candidate_id"), stage=Introduction.Stage.OFFER
        )
        .annotate(day=TruncDate("at"))
        .order_by("at")
        .values("day")[:1]
    )
    permits = WorkPermitProcedure.objects.filter(
        case__in=b.cases, decided_on__gte=b.f.start, decided_on__lte=b.f.end
    ).exclude(decision=PermitDecision.PENDING)
    permit_days = _day_difference(F("decided_on"), Subquery(first_offer, output_field=DateField()))
    recognitions = Qualification.objects.filter(
        candidate_id__in=b.candidate_ids,
        recognition_status__in=RECOGNITION_DECISIONS,
        recognition_applied_on__isnull=False,
        recognition_decided_on__gte=b.f.start,
        recognition_decided_on__lte=b.f.end,
    )
    recognition_days = _day_difference(F("recognition_decided_on"), F("recognition_applied_on"))
    rows = []
    for label, (median, n) in (
        (
            _("Angebot bis Entscheidung über die Beschäftigungserlaubnis"),
            _median_and_count(permits, permit_days),
        ),
        (_("Antrag auf Anerkennung bis Entscheidung"), _median_and_count(recognitions, recognition_days)),
    ):
        small = 0 < n < THRESHOLD
        rows.append(
            [str(label), None if small or median is None else int(median + 0.5), None if small else n]
        )
    return Figure(
        "procedure_days",
        _("Dauer der Verfahren (Median)"),
        _(
            "Tage vom ersten Angebot bis zur Entscheidung der Ausländerbehörde und vom Antrag auf "
            "Anerkennung bis zur Entscheidung, über die im Zeitraum entschiedenen Verfahren."
        ),
        [_("Verfahren"), _("Median in Tagen"), _("entschiedene Verfahren")],
        rows,
        note=_(
            "Verfahren mit weniger als 5 Fällen zeigen keinen Median; kleine Zahlen sind unterdrückt (–)."
        ),
    )
