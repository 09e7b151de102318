"""Reads of reported discrimination (issue 15 §3).

Who reads what:

* The text of a named report: the person who wrote it, and — for a candidate's own report — the case
  staff responsible for that person's open case (case manager or job coach of the responsible
  organisation, or the assigned case manager). Nobody else: a coordinator sees counts only, and no
  employer ever reaches a report (not even the business it names: no page of an employer role asks
  these selectors, and none of them filters by business).
* An anonymous report is read by nobody on the platform, not even its writer (nothing links it to
  them); only the counselling service it was referred to sees it, through its signed link.
* Counts: the coordinators of the municipality, by setting and month (quarter when the period spans
  more than a year), small cells suppressed as in the monitoring comparison.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CASE_STAFF, Role
from candidates.models import Candidate, Case, CasePhase
from candidates.selectors import own_candidate
from organisations import access
from organisations.models import Municipality, Organisation, OrganisationKind
from privacy.disclosure import THRESHOLD, suppress

# The coordinator's municipality and a column of counts: as for the barriers.
from .barrier_selectors import PeriodColumn, coordinated_municipality  # noqa: F401 (the views read it here)
from .models import (
    DiscriminationReferral,
    DiscriminationReport,
    DiscriminationSetting,
    ReporterKind,
    Service,
    ServiceCategory,
)

if TYPE_CHECKING:
    from accounts.models import User

MONTH = "month"
QUARTER = "quarter"
# The signed link of a counselling service (django.core.signing, keyed by SECRET_KEY).
REFERRAL_LINK_SALT = "coaching.discrimination-referral"
REFERRAL_LINK_VALID_FOR = datetime.timedelta(days=90)


@dataclass(frozen=True)
class Reporter:
    """Who is reporting, as what, for which municipality (and, for a candidate, their record)."""

    kind: str
    municipality: Municipality
    candidate: Candidate | None = None


def reporter_of(*, user: User) -> Reporter | None:
    """How the user may report: as case staff, as a volunteer or as a candidate; None if not at all."""
    for roles, kind in ((CASE_STAFF, ReporterKind.STAFF), ([Role.VOLUNTEER], ReporterKind.VOLUNTEER)):
        ids = sorted(access.municipality_ids(user=user, roles=roles))
        if ids:
            return Reporter(kind, Municipality.objects.get(pk=ids[0]))
    candidate = own_candidate(user=user)
    if candidate is not None:
        return Reporter(ReporterKind.CANDIDATE, candidate.municipality, candidate)
    return None


def may_report(*, user: User) -> bool:
    return reporter_of(user=user) is not None


def _responsible_candidates(*, user: User) -> QuerySet[Case]:
    staff_orgs = access.organisation_ids(user=user, roles=CASE_STAFF)
    return (
        Case.objects.exclude(phase=CasePhase.CLOSED)
        .filter(Q(case_manager=user) | Q(responsible_organisation_id__in=staff_orgs))
        .values("candidate_id")
    )


def readable_reports(*, user: User) -> QuerySet[DiscriminationReport]:
    """Named reports whose text the user may read (see the module's docstring), newest first."""
    if not getattr(user, "is_authenticated", False):
        return DiscriminationReport.objects.none()
    return (
        DiscriminationReport.objects.filter(anonymous=False)
        .filter(Q(reporter=user) | Q(candidate_id__in=_responsible_candidates(user=user)))
        .select_related("business", "candidate", "reporter")
        .prefetch_related("referrals__service")
    )


def report_get(*, user: User, pk: int) -> DiscriminationReport:
    return access.first_visible(readable_reports(user=user).filter(pk=pk))


def business_choices(*, municipality_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        municipality_id=municipality_id, kind=OrganisationKind.EMPLOYER
    ).order_by("name", "pk")


def counselling_services(*, municipality_id: int) -> QuerySet[Service]:
    """The anti-discrimination counselling services of the municipality's directory, a neighbour's
    that serves it included."""
    return (
        Service.objects.serving([municipality_id])
        .filter(category=ServiceCategory.ANTI_DISCRIMINATION, is_active=True)
        .select_related("organisation")
        .order_by("name", "pk")
    )


@dataclass
class CountTable:
    start: datetime.date
    end: datetime.date  # the first day of the last month shown
    period: str
    rows: list[tuple[str, str]]
    columns: list[PeriodColumn]
    threshold: int = THRESHOLD

    def row_cells(self) -> list[tuple[str, list[int | None]]]:
        return [(label, [c.cells[code] for c in self.columns]) for code, label in self.rows]


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def default_period(*, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, this one included."""
    end = first_of_month(today or timezone.localdate())
    return end - relativedelta(months=11), end


def report_counts(*, municipality_id: int, start: datetime.date, end: datetime.date) -> CountTable:
    """Reports of the municipality received from the month of ``start`` to the month of ``end``, by
    setting (rows) and month — by quarter when the period spans more than twelve months. Each column
    is suppressed on its own (privacy.disclosure). One query."""
    start, end = first_of_month(start), first_of_month(end)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    period = QUARTER if months > 12 else MONTH
    grouped = (
        DiscriminationReport.objects.filter(
            municipality_id=municipality_id,
            reported_on__gte=start,
            reported_on__lt=end + relativedelta(months=1),
        )
        .values("setting", "reported_on__year", "reported_on__month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    keys: list[tuple[int, int]] = []
    labels: list[str] = []
    day = start if period == MONTH else start.replace(month=(start.month - 1) // 3 * 3 + 1)
    while day <= end:
        if period == MONTH:
            keys.append((day.year, day.month))
            labels.append(day.strftime("%m/%Y"))
            day += relativedelta(months=1)
        else:
            quarter = (day.month - 1) // 3 + 1
            keys.append((day.year, quarter))
            labels.append(_("%(q)s. Quartal %(y)s") % {"q": quarter, "y": day.year})
            day += relativedelta(months=3)
    raw = {key: dict.fromkeys(DiscriminationSetting.values, 0) for key in keys}
    for row in grouped:  # at most 6 settings × the months of the period
        year, month = row["reported_on__year"], row["reported_on__month"]
        key = (year, month) if period == MONTH else (year, (month - 1) // 3 + 1)
        raw[key][row["setting"]] += row["n"]
    columns = []
    for label, key in zip(labels, keys, strict=True):
        shown, total = suppress(raw[key])
        columns.append(PeriodColumn(label, shown, total))
    return CountTable(
        start, end, period, [(v, str(label)) for v, label in DiscriminationSetting.choices], columns
    )


def referral_from_token(*, token: str) -> DiscriminationReferral:
    """The referral a counselling service's signed link names (no login: the link is the authority),
    else NotFound. Only what the person consented to share is reachable from it."""
    try:
        data = signing.loads(token, salt=REFERRAL_LINK_SALT, max_age=REFERRAL_LINK_VALID_FOR)
    except signing.BadSignature as exc:
        raise access.NotFound from exc
    return access.first_visible(
        DiscriminationReferral.objects.filter(
            pk=data.get("r") if isinstance(data, dict) else None
        ).select_related("report__business", "service__organisation")
    )
