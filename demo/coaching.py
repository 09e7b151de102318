"""Demo data of the coaching app for `manage.py seed_demo`: a job coach's real caseload.

Twelve people with an open case at the welfare organisation are hired at verified demo employers
(through employers.services, as a real hire would be), with start dates spread over the last
fourteen months, so that their follow-along plans have a history of logged contacts, some planned
follow-ups overdue and some due in the coming days. Around them: language-support needs, risk
flags, two questions of the demo employer, a local services directory with referrals, a volunteer
with tutoring sessions and one warm handover in progress.

Everything goes through the apps' own services (consents through candidates.services), drawn from
a seeded random generator: two runs on the same day build the same demo. Idempotent: nothing is
added when the municipality already has employments; ``clear`` removes it all for ``--reset``.
Demo only: never run this on a real system.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.utils import timezone, translation

from accounts.roles import Role
from candidates.models import Candidate, Case, CasePhase, Consent, ConsentScope, LanguageSkill, LegalCircle
from candidates.services import consent_grant
from coaching import services
from coaching.models import (
    Barrier,
    CooperationAgreement,
    CoordinationRound,
    Cost,
    FollowAlong,
    FollowUp,
    FollowUpDue,
    Funding,
    Handover,
    HandoverKind,
    LanguageArea,
    LanguageMeasure,
    LanguageSupportNeed,
    Mode,
    NeedStatus,
    Referral,
    RequestTopic,
    RiskFlag,
    RiskKind,
    Service,
    ServiceCategory,
    ServiceOrganisation,
    Severity,
    SupportRequest,
    Topic,
    VolunteerAssignment,
    VolunteerFocus,
    WithWhom,
)
from coaching.workdays import add_working_days
from employers import services as employer_services
from employers.models import Employment, Introduction, IntroductionStage, Placement, PlacementStatus
from employers.quality import job_skill_level, minimum_wage_on, person_skill_level
from organisations.models import Membership, Organisation
from taxonomy.cefr import CEFR_ORDER, cefr_rank

# How the twelve employments sit in their plans today: (start, leave the latest past follow-up open).
# "due" ones have a planned follow-up within the next seven days, "overdue" ones missed the last one.
_STARTS: tuple[tuple[relativedelta, bool], ...] = (
    (relativedelta(months=14, days=-10), False),  # 15-month follow-up in about a month
    (relativedelta(months=12, days=-2), False),  # 12-month follow-up in 2 days (due)
    (relativedelta(months=6, days=12), True),  # 6-month follow-up 12 days overdue
    (relativedelta(months=3, days=20), True),  # 3-month follow-up 20 days overdue
    (relativedelta(weeks=4, days=3), True),  # 4-week follow-up 3 days overdue
    (relativedelta(months=12, days=25), True),  # 12-month follow-up 25 days overdue
    (relativedelta(days=5), False),  # first week: due in 2 days
    (relativedelta(months=3, days=-4), False),  # 3-month follow-up in 4 days (due)
    (relativedelta(months=6, days=-6), False),  # 6-month follow-up in 6 days (due)
    (relativedelta(months=8), False),  # next at 12 months
    (relativedelta(months=2), False),  # next at 3 months
    (relativedelta(months=13, days=15), False),  # next at 15 months
)
# How many of the hires are at the demo employer (who asks the coach two questions).
_AT_DEMO_EMPLOYER = 2

_NOTES = {
    Topic.TASKS: [
        "Einarbeitung läuft gut, arbeitet inzwischen selbstständig an der Station.",
        "Schichtplan besprochen; Aufgaben in der Frühschicht sind jetzt klar.",
        "Anleiter*in lobt Zuverlässigkeit, wünscht mehr Rückfragen bei Unklarheiten.",
    ],
    Topic.WORKPLACE_LANGUAGE: [
        "Verständigung im Team klappt, Telefonate fallen noch schwer.",
        "Glossar mit den wichtigsten Begriffen gemeinsam ergänzt.",
    ],
    Topic.TECHNICAL_LANGUAGE: [
        "Fachbegriffe aus der Berufsschule wiederholt; Lernkarten vereinbart.",
        "Sicherheitsunterweisung noch einmal in einfacher Sprache durchgegangen.",
    ],
    Topic.EXAM: [
        "Zwischenprüfung im Frühjahr; Prüfungsvorbereitung mit ausbildungsbegleitender Hilfe geplant."
    ],
    Topic.CONFLICT: ["Missverständnis im Team wegen Pausenregelung geklärt, beide Seiten zufrieden."],
    Topic.PERMITS: [
        "Verlängerung der Aufenthaltserlaubnis beantragt, Termin bei der Ausländerbehörde steht."
    ],
    Topic.HOUSING: ["Sucht eine Wohnung näher am Betrieb; Verweis an die Fachstelle Wohnen besprochen."],
    Topic.HEALTH: ["Rückenschmerzen nach langen Schichten; Termin beim Betriebsarzt empfohlen."],
    Topic.CHILDCARE: ["Betreuung des Kindes in den Ferien unklar; Kita-Platz-Beratung angesprochen."],
    Topic.MONEY: ["Erste Lohnabrechnung erklärt, Änderung beim Jobcenter mitgeteilt."],
}

# The local services directory (after Open Referral HSDS). Addresses and contacts are made up.
_SERVICES: tuple[dict[str, Any], ...] = (
    {
        "organisation_name": "Volkshochschule Region Musterland",
        "location_name": "VHS-Bildungszentrum Kassel",
        "street": "Wilhelmshöher Allee 19",
        "postcode": "34117",
        "city": "Kassel",
        "name": "Berufssprachkurs B1/B2 (DeuFöV)",
        "category": ServiceCategory.LANGUAGE_COURSE,
        "description": "Berufsbezogener Deutschkurs nach der Deutschsprachförderverordnung, auch berufsbegleitend "
        "am Abend und samstags. Abschluss mit telc-Prüfung.",
        "languages": ["de"],
        "eligible_residence_statuses": [],
        "cost": Cost.REDUCED,
        "cost_details": "kostenfrei mit Berechtigung des BAMF oder des Jobcenters, sonst 2,32 € je Unterrichtseinheit",
        "contact_name": "Frau Lehmann",
        "email": "berufssprache@vhs-musterland.example",
        "phone": "0561 0001001",
        "url": "https://vhs-musterland.example/berufssprachkurse",
        "wait_time": "Kursbeginn alle 6 Wochen; Einstufungstest innerhalb von 2 Wochen",
        "required_documents": ["Berechtigungsschein des BAMF oder des Jobcenters", "Aufenthaltstitel"],
    },
    {
        "organisation_name": "IQ Netzwerk Hessen",
        "location_name": "IQ Anlaufstelle Nordhessen",
        "street": "Ständeplatz 13",
        "postcode": "34117",
        "city": "Kassel",
        "name": "Anerkennungs- und Qualifizierungsberatung",
        "category": ServiceCategory.RECOGNITION,
        "description": "Beratung zur Anerkennung ausländischer Berufs- und Studienabschlüsse und zu "
        "Anpassungsqualifizierungen; Hilfe beim Antrag.",
        "languages": ["de", "en", "ar", "fa", "uk"],
        "eligible_residence_statuses": [],
        "cost": Cost.FREE,
        "contact_name": "Herr Demir",
        "email": "anerkennung@iq-nordhessen.example",
        "phone": "0561 0001002",
        "url": "https://iq-nordhessen.example",
        "wait_time": "etwa 3 Wochen bis zum Erstgespräch",
        "required_documents": ["Zeugnisse und Abschlüsse (Kopie)", "Lebenslauf"],
    },
    {
        "organisation_name": "Psychosoziales Zentrum für Geflüchtete Nordhessen",
        "location_name": "PSZ Kassel",
        "street": "Friedrich-Ebert-Straße 104",
        "postcode": "34119",
        "city": "Kassel",
        "name": "Psychosoziale Beratung für Geflüchtete",
        "category": ServiceCategory.PSYCHOSOCIAL,
        "description": "Beratung und Stabilisierung bei Belastungen nach Flucht; Gespräche mit Sprachmittlung.",
        "languages": ["de", "ar", "fa", "ku", "ti"],
        "eligible_residence_statuses": [],
        "cost": Cost.FREE,
        "contact_name": "Team Erstgespräch",
        "email": "beratung@psz-nordhessen.example",
        "phone": "0561 0001003",
        "url": "https://psz-nordhessen.example",
        "wait_time": "Erstgespräch in 4–8 Wochen, in Krisen sofort",
    },
    {
        "organisation_name": "Kita-Servicestelle Landkreis Musterland",
        "location_name": "Kreishaus",
        "street": "Rathausplatz 1",
        "postcode": "34117",
        "city": "Kassel",
        "name": "Kita-Platz-Beratung",
        "category": ServiceCategory.CHILDCARE,
        "description": "Hilfe bei der Suche nach einem Platz in Kita oder Kindertagespflege, auch bei "
        "Schichtarbeit der Eltern; Beratung zu Gebühren und Zuschüssen.",
        "languages": ["de", "en", "uk", "ar"],
        "eligible_residence_statuses": [],
        "cost": Cost.FREE,
        "contact_name": "Frau Nowak",
        "email": "kita-service@musterland.example",
        "phone": "0561 0001004",
        "url": "https://musterland.example/kita",
    },
    {
        "organisation_name": "Caritasverband Musterland",
        "location_name": "Fachstelle Wohnen Baunatal",
        "street": "Marktplatz 5",
        "postcode": "34225",
        "city": "Baunatal",
        "name": "Wohnungshilfe und Wohnberatung",
        "category": ServiceCategory.HOUSING,
        "description": "Unterstützung bei Wohnungssuche, Mietvertrag, Wohnberechtigungsschein und Umzug.",
        "languages": ["de", "ar", "tr"],
        "eligible_residence_statuses": [],
        "cost": Cost.FREE,
        "contact_name": "Herr Albrecht",
        "email": "wohnen@caritas-musterland.example",
        "phone": "0561 0001005",
        "url": "https://caritas-musterland.example/wohnen",
    },
    {
        "organisation_name": "Jobcenter Musterland",
        "location_name": "Jobcenter – Team Migration",
        "street": "Am Bahnhof 12",
        "postcode": "34117",
        "city": "Kassel",
        "name": "Beratung zu Bürgergeld, Förderung und Arbeit",
        "category": ServiceCategory.OTHER,
        "description": "Beratung zu Leistungen nach dem SGB II, Förderung von Sprachkursen und "
        "Weiterbildung, Eingliederungszuschuss für Betriebe.",
        "languages": ["de", "en", "ar", "uk"],
        "eligible_residence_statuses": ["aufenthaltserlaubnis", "niederlassungserlaubnis"],
        "cost": Cost.FREE,
        "contact_name": "Team Migration",
        "email": "team-migration@jobcenter-musterland.example",
        "phone": "0561 0001006",
        "url": "https://jobcenter-musterland.example",
    },
)


@dataclass
class DemoCoaching:
    created: bool
    employments: int
    follow_ups: int
    due_soon: int
    overdue: int
    services: int


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _counts(municipality: Any, coach: Any, today: date) -> DemoCoaching:
    dues = FollowUpDue.objects.filter(
        employment__follow_along__coach=coach,
        employment__end_reason="",
        done_at__isnull=True,
        employment__candidate__municipality=municipality,
    )
    return DemoCoaching(
        created=False,
        employments=Employment.objects.filter(candidate__municipality=municipality).count(),
        follow_ups=FollowUp.objects.filter(employment__candidate__municipality=municipality).count(),
        due_soon=dues.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7)).count(),
        overdue=dues.filter(due_date__lt=today).count(),
        services=Service.objects.filter(municipality=municipality).count(),
    )


def _pick_candidates(municipality: Any, welfare: Organisation, rng: random.Random) -> list[Case]:
    """Listed people with an open case at the welfare organisation (the demo job coach's office)."""
    listed = Consent.objects.live().filter(scope=ConsentScope.LISTING).values("candidate_id")
    cases = list(
        Case.objects.filter(
            municipality=municipality,
            responsible_organisation=welfare,
            candidate_id__in=listed,
            candidate__user__isnull=True,
            candidate__erased_at__isnull=True,
        )
        .exclude(phase__in=[CasePhase.CLOSED, CasePhase.INTAKE])
        .select_related("candidate")
        .order_by("pk")
    )
    rng.shuffle(cases)
    return cases


def _placement_for(
    candidate: Candidate, open_placements: list[Placement], rng: random.Random
) -> Placement | None:
    occupations = set(candidate.occupations.values_list("occupation_id", flat=True))
    same = [p for p in open_placements if p.occupation_id in occupations]
    pool = same or open_placements
    return rng.choice(pool) if pool else None


def _hire(*, case: Case, placement: Placement, coach: Any, actor: Any, start: date) -> Employment:
    """The employer picked the person, the person agreed (recorded by the coach), then the hire."""
    intro = Introduction.objects.create(
        placement=placement, candidate=case.candidate, stage=Introduction.Stage.SELECTED, created_by=actor
    )
    IntroductionStage.objects.create(introduction=intro, stage=Introduction.Stage.SELECTED, by=actor)
    intro = employer_services.introduction_answer(
        introduction=intro, actor=coach, accept=True, note=f"EW-{start.year}-{case.candidate_id:05d}-K"
    )
    employment = employer_services.introduction_hire(introduction=intro, actor=actor, start_date=start)
    # The plan is normally made after the hire commits (coaching.signals); the demo needs it now.
    services.follow_along_start(employment_id=employment.pk)
    return employment


_CONTRACT_BY_KIND = {"ausbildung": "apprenticeship", "praktikum": "internship", "eq": "eq"}


def _complete_quality(*, employment: Employment, coach: Any, rng: random.Random) -> None:
    """Plausible job-quality fields: some helper jobs at the minimum wage, a few Minijobs."""
    contract = employment.contract_type or _CONTRACT_BY_KIND.get(
        employment.kind, rng.choice(["permanent", "permanent", "fixed_term", "mini_job", "temporary_agency"])
    )
    minimum, _since = minimum_wage_on(employment.start_date)
    if contract == "apprenticeship":
        wage = Decimal("7.80")
    elif contract == "eq":
        # An EQ pays the allowance the Bundesagentur refunds (about 300 € a month), not a wage.
        wage = Decimal("2.10")
    else:
        wage = minimum + Decimal(rng.choice(["0.00", "0.00", "0.60", "1.40", "2.75", "4.10"]))
    person = person_skill_level(employment.candidate)
    employer_services.employment_quality_set(
        employment=employment,
        actor=coach,
        contract_type=contract,
        hours_per_week=employment.hours_per_week
        or (10 if contract == "mini_job" else rng.choice([25, 30, 38, 40])),
        fixed_term=contract in ("fixed_term", "internship", "eq"),
        social_insurance=contract != "mini_job",
        hourly_wage=wage,
        job_skill_level=job_skill_level(employment) or 1,
        person_skill_level=person,
        training_offered=rng.choice(["none", "induction", "induction", "further", "qualification"]),
        commute_minutes=rng.choice([None, 15, 25, 40, 55]),
    )


def _log_history(
    *, employment: Employment, coach: Any, leave_last_open: bool, today: date, rng: random.Random, place: str
) -> int:
    """Log a contact around each planned follow-up already past, as a diligent coach would have."""
    past = [d for d in (services.plan_entry(employment.start_date, s)[0] for s in range(40)) if d <= today]
    log_before = past[-1] if (leave_last_open and past) else today + timedelta(days=1)
    logged = 0
    while True:
        due = (
            FollowUpDue.objects.filter(employment=employment, done_at__isnull=True)
            .order_by("due_date", "sequence")
            .first()
        )
        if due is None or due.due_date >= log_before or due.due_date > today:
            return logged
        day = min(max(due.due_date + timedelta(days=rng.randint(-2, 3)), employment.start_date), today)
        topics = rng.sample(
            [
                Topic.TASKS,
                Topic.WORKPLACE_LANGUAGE,
                Topic.TECHNICAL_LANGUAGE,
                Topic.PERMITS,
                Topic.HOUSING,
                Topic.MONEY,
                Topic.CHILDCARE,
                Topic.HEALTH,
            ],
            k=rng.choice((1, 1, 2)),
        )
        mode = rng.choice((Mode.WORKPLACE, Mode.WORKPLACE, Mode.PHONE, Mode.OFFICE, Mode.VIDEO, Mode.MESSAGE))
        next_due = services.plan_entry(employment.start_date, due.sequence + 1)[0]
        services.follow_up_log(
            employment=employment,
            actor=coach,
            token=services.new_token(),
            date=day,
            mode=mode,
            with_whom=rng.choice((WithWhom.BOTH, WithWhom.BOTH, WithWhom.CANDIDATE, WithWhom.EMPLOYER)),
            place=place if mode == Mode.WORKPLACE else ("Beratungsstelle" if mode == Mode.OFFICE else ""),
            topics=[str(t) for t in topics],
            notes=" ".join(rng.choice(_NOTES[t]) for t in topics),
            next_date=next_due if next_due >= day else None,
        )
        logged += 1


def _german(candidate: Candidate) -> str:
    level = (
        LanguageSkill.objects.filter(candidate=candidate, language="de")
        .values_list("spoken", flat=True)
        .first()
    )
    return level if level in CEFR_ORDER else "A2"


def _above(level: str) -> str:
    # cefr_rank is 1-based: the rank of a level is the index of the level above it.
    return CEFR_ORDER[min(cefr_rank(level), len(CEFR_ORDER) - 1)]


def _seed_training_for_a_pathway(*, municipality: Any, cases: list[Case], actor: Any) -> None:
    """A Teilqualifizierung that teaches what the first hired person misses for the occupation their
    pathway proposes first (issue 20): so "Weg zum Zielberuf" shows a local course after `make demo`.
    Taken from the real ESCO relations, not invented; nothing when no occupation is proposed."""
    from candidates.pathways import person_pathway, person_proposals

    for case in cases:
        proposals = person_proposals(candidate=case.candidate)
        if not proposals:
            continue
        target = proposals[0].occupation
        missing = person_pathway(candidate=case.candidate, target=target).missing
        if not missing:
            continue
        services.service_create(
            municipality_id=municipality.pk,
            actor=actor,
            organisation_name="Bildungswerk der Wirtschaft Musterland",
            location_name="Bildungszentrum Kassel-Nord",
            street="Wolfhager Straße 150",
            postcode="34127",
            city="Kassel",
            name=f"Teilqualifizierung: {target.label_de}"[:200],
            category=ServiceCategory.TRAINING,
            description="Modulare Teilqualifizierung in Teilzeit, auch berufsbegleitend; mit Praxisphase im Betrieb.",
            languages=["de"],
            eligible_residence_statuses=[],
            cost=Cost.REDUCED,
            cost_details="förderfähig mit Bildungsgutschein der Agentur für Arbeit oder des Jobcenters",
            contact_name="Frau Yilmaz",
            email="tq@bildungswerk-musterland.example",
            phone="0561 0001077",
            skills=missing[:6],
        )
        return


def seed(
    *,
    municipality: Any,
    organisations: Mapping[str, Organisation],
    job_coach: Any,
    volunteer: Any,
    employer_user: Any,
    employer_organisation: Organisation | None,
    seed: int = 2026,
    today: date | None = None,
) -> DemoCoaching:
    """Build the coaching demo around ``job_coach`` unless the municipality already has employments.

    ``organisations`` needs the keys welfare and jobcenter (demo.organisations); ``employer_user``
    leads ``employer_organisation``, the demo employer.
    """
    today = today or timezone.localdate()
    if Employment.objects.filter(candidate__municipality=municipality).exists():
        return _counts(municipality, job_coach, today)

    rng = random.Random(seed)
    welfare, jobcenter = organisations["welfare"], organisations["jobcenter"]
    picked = _pick_candidates(municipality, welfare, rng)
    hired_cases = picked[: len(_STARTS)]
    # The handover is a Rechtskreiswechsel: someone under the AsylbLG, recognised, goes to the Jobcenter.
    handover_case = next((c for c in picked[len(_STARTS) :] if c.legal_circle == LegalCircle.ASYLBLG), None)

    # --- hires: the first few at the demo employer, always leaving it one open placement ---------
    verified = (
        Placement.objects.filter(
            municipality=municipality,
            status=PlacementStatus.OPEN,
            openings__gt=0,
            employer__organisation__verification_status="verified",
        )
        .select_related("employer__organisation")
        .order_by("pk")
    )
    own = [
        p
        for p in verified
        if employer_organisation and p.employer.organisation_id == employer_organisation.pk
    ]
    others = [
        p
        for p in verified
        if not employer_organisation or p.employer.organisation_id != employer_organisation.pk
    ]
    at_demo = min(_AT_DEMO_EMPLOYER, max(0, sum(p.openings for p in own) - 1))
    employments: list[tuple[Employment, bool]] = []
    for i, (case, (ago, leave_open)) in enumerate(zip(hired_cases, _STARTS, strict=False)):
        pool = own if i < at_demo else others
        placement = _placement_for(case.candidate, pool, rng)
        if placement is None:
            continue
        actor = employer_user if placement in own else job_coach
        employment = _hire(case=case, placement=placement, coach=job_coach, actor=actor, start=today - ago)
        placement.refresh_from_db(fields=["openings", "status"])
        if placement.openings == 0:
            pool.remove(placement)
        employments.append((employment, leave_open))

    follow_ups = 0
    for employment, leave_open in employments:
        follow_ups += _log_history(
            employment=employment,
            coach=job_coach,
            leave_last_open=leave_open,
            today=today,
            rng=rng,
            place=employment.employer.organisation.city,
        )

    # --- job quality (issue 20): completed by the coach for all but the newest hire ---------------
    for employment, _open in employments[:-1]:
        _complete_quality(employment=employment, coach=job_coach, rng=rng)

    # --- services directory -----------------------------------------------------------------------
    directory: dict[str, Service] = {}
    for entry in _SERVICES:
        data = dict(entry)
        existing = Service.objects.filter(municipality=municipality, name=data["name"]).first()
        directory[data["category"]] = existing or services.service_create(
            municipality_id=municipality.pk, actor=job_coach, **data
        )
    ServiceOrganisation.objects.filter(municipality=municipality, name=jobcenter.name).update(
        organisation=jobcenter
    )
    _seed_training_for_a_pathway(municipality=municipality, cases=hired_cases, actor=job_coach)

    # --- language support, risks, requests -----------------------------------------------------
    emp = [e for e, _ in employments]
    if len(emp) >= 3:
        needs = (
            (
                emp[2],
                LanguageArea.TECHNICAL,
                LanguageMeasure.BERUFSSPRACHKURS,
                directory.get(ServiceCategory.LANGUAGE_COURSE),
                NeedStatus.PLANNED,
                Funding.BAMF,
                "Abendkurs ab dem nächsten Modul, Freistellung mit dem Betrieb abgestimmt.",
            ),
            (
                emp[0],
                LanguageArea.WORKPLACE,
                LanguageMeasure.EMPLOYER_COURSE,
                None,
                NeedStatus.IN_PROGRESS,
                Funding.EMPLOYER,
                "Betrieb bietet zweimal pro Woche Deutsch während der Arbeitszeit.",
            ),
            (
                emp[1],
                LanguageArea.EXAM,
                LanguageMeasure.VOLUNTEER_TUTORING,
                None,
                NeedStatus.OPEN,
                Funding.FREE,
                "Lernpatenschaft zur Vorbereitung auf die Prüfung gewünscht.",
            ),
        )
        for employment, area, measure, provider, status, funding, note in needs:
            current = _german(employment.candidate)
            if current == CEFR_ORDER[-1]:
                current = CEFR_ORDER[-2]
            services.language_need_create(
                employment=employment,
                actor=job_coach,
                token=services.new_token(),
                area=area,
                current_level=current,
                target_level=_above(current),
                measure=measure,
                provider=provider,
                status=status,
                funding=funding,
                note=note,
            )
        services.risk_raise(
            employment=emp[3],
            actor=job_coach,
            kind=RiskKind.EXAM,
            severity=Severity.MEDIUM,
            note="Berufsschulnoten in Fachkunde gesunken; Nachhilfe wird gesucht.",
            token=services.new_token(),
        )
        services.risk_raise(
            employment=emp[2],
            actor=job_coach,
            kind=RiskKind.DROPOUT,
            severity=Severity.HIGH,
            note="Überlegt zu kündigen: lange Anfahrt und Schichtdienst, Kinderbetreuung ungeklärt.",
            escalate=True,
            token=services.new_token(),
        )

    if employer_organisation is not None:
        at_own = [e for e in emp if e.employer.organisation_id == employer_organisation.pk]
        first = at_own[0] if at_own else None
        second = at_own[1] if len(at_own) > 1 else first
        answered = services.support_request_create(
            actor=employer_user,
            organisation=employer_organisation,
            topic=RequestTopic.LANGUAGE,
            employment=first,
            message="Bei der Hygieneunterweisung gab es Verständnisprobleme. Gibt es die Unterlagen in einfacher "
            "Sprache oder eine Übersetzung?",
            token=services.new_token(),
            today=today - timedelta(days=12),
        )
        services.support_request_answer(
            request=answered,
            actor=job_coach,
            answer="Ich bringe beim nächsten Besuch die Hygieneregeln in einfacher Sprache und in der "
            "Herkunftssprache mit und gehe sie mit Ihnen beiden durch.",
        )
        asked = today - timedelta(days=1)
        while add_working_days(asked, services.RESPONSE_WORKING_DAYS) > today:
            asked -= timedelta(days=1)
        services.support_request_create(
            actor=employer_user,
            organisation=employer_organisation,
            topic=RequestTopic.PERMITS,
            employment=second,
            message="Die Arbeitserlaubnis läuft in zwei Monaten ab. Was müssen wir als Betrieb tun, damit die "
            "Beschäftigung weitergehen kann?",
            token=services.new_token(),
            today=asked,
        )

    # --- referrals --------------------------------------------------------------------------------------
    plan = (
        (
            ServiceCategory.RECOGNITION,
            "Berufsabschluss aus dem Herkunftsland prüfen lassen.",
            [
                (Referral.Status.ACCEPTED, ""),
                (
                    Referral.Status.COMPLETED,
                    "Bescheid: teilweise gleichwertig, Anpassungsqualifizierung empfohlen.",
                ),
            ],
        ),
        (
            ServiceCategory.CHILDCARE,
            "Betreuung für das Kind (3 Jahre) passend zur Frühschicht.",
            [(Referral.Status.ACCEPTED, "")],
        ),
        (
            ServiceCategory.PSYCHOSOCIAL,
            "Belastet seit dem Umzug; wünscht ein Gespräch mit Sprachmittlung.",
            [],
        ),
    )
    referred = 0
    for case in hired_cases:
        if referred == len(plan):
            break
        category, note, steps = plan[referred]
        service = directory.get(category)
        if service is None or not service.is_eligible(case.candidate.residence_status):
            continue
        referral = services.referral_create(case=case, service=service, actor=job_coach, note=note)
        for status, outcome in steps:
            referral = services.referral_update(
                referral=referral, actor=job_coach, status=status, outcome=outcome
            )
        referred += 1

    # --- volunteer tutoring for the exam-preparation need -----------------------------------------
    is_volunteer = Membership.objects.filter(
        user=volunteer, role=Role.VOLUNTEER, is_active=True, organisation__municipality=municipality
    ).exists()
    if len(emp) >= 2 and is_volunteer:
        candidate = emp[1].candidate
        started = today - timedelta(days=45)
        consent_grant(
            candidate=candidate,
            scope=ConsentScope.VOLUNTEER,
            actor=job_coach,
            recipient_user=volunteer,
            paper_form_reference=f"EW-{started.year}-{candidate.pk:05d}-E",
            granted_at=_at(started, 9),
        )
        assignment = services.volunteer_assign(
            candidate=candidate, volunteer=volunteer, actor=job_coach, focus=VolunteerFocus.LANGUAGE
        )
        # Demo only: the assignment began weeks ago, so that sessions can lie in the past.
        VolunteerAssignment.objects.filter(pk=assignment.pk).update(started_at=_at(started))
        assignment.refresh_from_db()
        for days, minutes, topic, notes in (
            (
                31,
                90,
                "Fachbegriffe aus dem Prüfungskatalog",
                "Lernkarten zu Werkzeugen und Sicherheit angelegt.",
            ),
            (
                10,
                60,
                "Mündliche Prüfung üben",
                "Fachgespräch durchgespielt; sicherer beim Erklären der Arbeitsschritte.",
            ),
        ):
            services.tutoring_session_log(
                assignment=assignment,
                actor=volunteer,
                token=services.new_token(),
                date=today - timedelta(days=days),
                minutes=minutes,
                topic=topic,
                notes=notes,
            )

    # --- a warm handover in progress: Rechtskreiswechsel to the Jobcenter ------------------------------
    services.handover_kinds_ensure()  # a flushed database (tests) has lost the migration's kinds
    kind = HandoverKind.objects.filter(slug="rechtskreiswechsel-asylblg-sgb2").first()
    if handover_case is not None and kind is not None:
        consent_grant(
            candidate=handover_case.candidate,
            scope=ConsentScope.CASE_DATA,
            actor=job_coach,
            recipient_organisation=jobcenter,
            paper_form_reference=f"EW-{today.year}-{handover_case.candidate_id:05d}-F",
        )
        handover = services.handover_propose(
            case=handover_case,
            actor=job_coach,
            kind=kind,
            to_organisation=jobcenter,
            note="Anerkennung als Flüchtling liegt vor; Antrag auf Bürgergeld ist gestellt. Sprachkurs B1 läuft "
            "bis Ende des Quartals.",
        )
        for item in handover.items.filter(required=True).order_by("order")[:2]:
            services.handover_item_set(item=item, actor=job_coach, done=True)

    counts = _counts(municipality, job_coach, today)
    counts.created = True
    return counts


# --- earlier placements for the equity figures (issue 20) ----------------------------------------------

HISTORY_PLACEMENTS = 90
# Organisations whose earlier placements the demo shows: the Jobcenter (SGB II), the employment
# agency (SGB III) and the municipal office (AsylbLG); not the welfare office, whose hires are the
# demo job coach's caseload above.
_HISTORY_ORGANISATIONS = ("jobcenter", "employment_agency", "municipal_office")


def _history_end(start: date, today: date, rng: random.Random) -> tuple[date, str]:
    """When and why an earlier placement ended: some in the probation period, some after a fixed
    term, many after a year or more (taken over into another job); never today or later."""
    room = (today - start).days - 1
    roll = rng.random()
    if roll < 0.25:
        days, reason = (
            rng.randint(20, 80),
            rng.choice(["probation", "candidate_resigned", "employer_terminated"]),
        )
    elif roll < 0.55:
        days, reason = rng.randint(120, 330), rng.choice(["completed", "mutual", "moved"])
    else:
        days, reason = rng.randint(380, 600), "taken_over"
    return start + timedelta(days=max(1, min(days, room))), reason


def seed_placement_history(
    *,
    municipality: Any,
    organisations: Mapping[str, Organisation],
    seed: int = 2026,
    today: date | None = None,
) -> int:
    """Earlier placements of the other teams over the last two years, ended, with their job quality,
    so that the equity figures (by gender, age, legal circle, retention) have cells of 5 and more.
    Bulk-created: they are history, no follow-along plan is started for them. Idempotent."""
    from employers.models import EmployerProfile, EmploymentQuality

    today = today or timezone.localdate()
    history = Employment.objects.filter(candidate__municipality=municipality, follow_along__isnull=True)
    if history.exclude(end_reason="").exists():
        return 0
    rng = random.Random(seed + 20)
    cases = list(
        Case.objects.filter(
            municipality=municipality,
            responsible_organisation__in=[
                organisations[k] for k in _HISTORY_ORGANISATIONS if k in organisations
            ],
            phase__in=[CasePhase.LINKING, CasePhase.MONITORING, CasePhase.CLOSED],
            candidate__user__isnull=True,
            candidate__employments__isnull=True,
            candidate__erased_at__isnull=True,
        )
        .select_related("candidate")
        .order_by("pk")
    )
    rng.shuffle(cases)
    employers = list(
        EmployerProfile.objects.filter(
            organisation__municipality=municipality, organisation__verification_status="verified"
        ).order_by("pk")
    )
    if not employers:
        return 0
    rows, qualities = [], []
    for case in cases[:HISTORY_PLACEMENTS]:
        start = today - timedelta(days=rng.randint(45, 720))
        end, reason = _history_end(start, today, rng)
        contract = rng.choice(
            ["permanent", "permanent", "fixed_term", "fixed_term", "mini_job", "temporary_agency"]
        )
        employment = Employment(
            candidate=case.candidate,
            employer=rng.choice(employers),
            start_date=start,
            end_date=end,
            end_reason=reason,
            contract_type=contract,
            hours_per_week=10 if contract == "mini_job" else rng.choice([20, 30, 38, 40]),
        )
        rows.append(employment)
        person = person_skill_level(case.candidate)
        job = rng.choice([1, 1, 1, 2, 2, 2, 2, 3])
        minimum, _since = minimum_wage_on(start)
        qualities.append(
            (
                employment,
                {
                    "social_insurance": contract != "mini_job",
                    "fixed_term": contract == "fixed_term",
                    "hourly_wage": minimum
                    + Decimal(rng.choice(["0.00", "0.00", "0.50", "1.20", "2.40", "4.00"])),
                    "minimum_wage": minimum,
                    "job_skill_level": job,
                    "person_skill_level": person,
                    "below_qualification": person is not None and job < person,
                },
            )
        )
    Employment.objects.bulk_create(rows)
    EmploymentQuality.objects.bulk_create(
        [EmploymentQuality(employment=employment, **fields) for employment, fields in qualities]
    )
    return len(rows)


def clear(*, municipality: Any) -> int:
    """Delete the municipality's coaching data and services directory (for --reset).

    Call before demo.candidates.clear: referrals keep their services (PROTECT), and the directory
    and employer requests would otherwise outlive the people they were about.
    """
    from coaching.models import DiscriminationReport

    deleted = 0
    for queryset in (
        Referral.objects.filter(case__municipality=municipality),
        DiscriminationReport.objects.filter(municipality=municipality),  # before their services
        Handover.objects.filter(case__municipality=municipality),
        SupportRequest.objects.filter(municipality=municipality),
        LanguageSupportNeed.objects.filter(municipality=municipality),
        RiskFlag.objects.filter(employment__candidate__municipality=municipality),
        VolunteerAssignment.objects.filter(candidate__municipality=municipality),
        FollowAlong.objects.filter(municipality=municipality),
        Service.objects.filter(municipality=municipality),
        ServiceOrganisation.objects.filter(municipality=municipality),
        Barrier.objects.filter(municipality=municipality),
        CoordinationRound.objects.filter(municipality=municipality),
        CooperationAgreement.objects.filter(municipality=municipality),
        municipality.practice_templates.all(),
    ):
        n, _ = queryset.delete()
        deleted += n
    return deleted


# --- messages (issue 22) ---


def seed_messages(*, municipality: Any, case_manager: Any, candidate_user: Any) -> int:
    """A short conversation between the demo candidate and the demo case manager: her answer (in
    Farsi, her language) waits unread in the case manager's messages and inbox. Idempotent."""
    from coaching import message_selectors
    from coaching.models import Message, MessageThread
    from coaching.notices import MESSAGE_NEW
    from notifications.services import notify

    case = (
        message_selectors.own_cases(user=candidate_user)
        .filter(municipality=municipality)
        .order_by("pk")
        .first()
    )
    if case is None or not message_selectors.staff_cases(user=case_manager).filter(pk=case.pk).exists():
        return 0
    thread, created = MessageThread.objects.get_or_create(case=case, assignment=None)
    if not created and thread.messages.exists():
        return 0
    now = timezone.now()
    Message.objects.create(
        thread=thread,
        author=case_manager,
        body="Guten Tag, bitte bringen Sie zu unserem nächsten Termin Ihr B1-Zertifikat mit. "
        "Wenn Sie es schon eingescannt haben, können Sie es hier als PDF anhängen.",
        body_lang="de",
        created_at=now - timedelta(days=2, hours=3),
        read_at=now - timedelta(days=1, hours=20),
    )
    Message.objects.create(
        thread=thread,
        author=candidate_user,
        from_candidate=True,
        body="سلام، ممنون. گواهی B1 را دارم و به جلسه بعدی می‌آورم.",
        body_lang="fa",
        created_at=now - timedelta(hours=5),
    )
    # In the inbox only: a demo never sends mail.
    notify(
        recipients=[case_manager],
        kind=MESSAGE_NEW,
        link="coaching:message_case",
        link_kwargs={"case_pk": case.pk},
        target=thread,
        email=False,
    )
    return 2


# --- systemic barriers (issue 23) ---

# category, organisation key, barriers a month (low, high), anonymous notes to pick from
_BARRIERS = (
    (
        "integration_course_wait",
        "welfare",
        (5, 9),
        (
            "Nächster Integrationskurs mit Kinderbetreuung beginnt frühestens in fünf Monaten.",
            "Alphabetisierungskurse sind bis Jahresende ausgebucht.",
        ),
    ),
    (
        "recognition_slow",
        "jobcenter",
        (4, 7),
        (
            "Anerkennung Pflegeausbildung: Bescheid steht seit über sechs Monaten aus.",
            "Kenntnisprüfung erst im nächsten Jahr möglich.",
        ),
    ),
    ("no_childcare", "welfare", (3, 6), ("Kein U3-Platz im Stadtteil; Kurs kann nicht begonnen werden.",)),
    (
        "immigration_office_silent",
        "jobcenter",
        (2, 6),
        ("Anfrage zur Beschäftigungserlaubnis seit sieben Wochen ohne Antwort.",),
    ),
    ("housing", "welfare", (1, 4), ()),
    ("other", "jobcenter", (0, 2), ()),
)


def seed_barriers(
    *,
    municipality: Any,
    organisations: Mapping[str, Organisation],
    seed: int = 2026,
    today: date | None = None,
) -> int:
    """Barriers flagged over the last fourteen months, so that the coordinator's network page and
    the dashboard figure show counts (and some suppressed cells). Idempotent."""
    if Barrier.objects.filter(municipality=municipality).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    rows = []
    for months_back in range(13, -1, -1):
        first = (today - relativedelta(months=months_back)).replace(day=1)
        last_day = today if months_back == 0 else first + relativedelta(months=1) - timedelta(days=1)
        for category, key, (low, high), notes in _BARRIERS:
            for _i in range(rng.randint(low, high)):
                day = first + timedelta(days=rng.randint(0, (last_day - first).days))
                note = rng.choice(notes) if notes and rng.random() < 0.3 else ""
                rows.append(
                    Barrier(
                        municipality=municipality,
                        organisation=organisations[key],
                        category=category,
                        note=note,
                        flagged_on=day,
                    )
                )
    Barrier.objects.bulk_create(rows)
    return len(rows)


def seed_rounds(
    *, municipality: Any, organisations: Mapping[str, Organisation], coordinator: Any, case_manager: Any
) -> int:
    """Two coordination rounds: the core group (met six weeks ago, so its agenda counts the barriers
    since then) with an overdue and an open action, and the round with the Ausländerbehörde. Idempotent."""
    from coaching import barrier_services

    seed_agreements(municipality=municipality, organisations=organisations, coordinator=coordinator)
    if CoordinationRound.objects.filter(municipality=municipality).exists():
        return 0
    today = timezone.localdate()
    core = barrier_services.round_create(
        actor=coordinator,
        municipality_id=municipality.pk,
        name="Bündniskerngruppe Arbeitsmarktintegration",
        kind="core_group",
        members=[organisations[k] for k in ("jobcenter", "ihk", "hwk", "welfare", "municipal_office")],
        next_date=today + timedelta(days=14),
    )
    barrier_services.round_held(
        coordination_round=core,
        actor=coordinator,
        held_on=today - timedelta(days=42),
        next_date=core.next_date,
    )
    for text, owner, days in (
        (
            "Mit dem BAMF-Regionalkoordinator zusätzliche Integrationskurse mit Kinderbetreuung klären.",
            coordinator,
            -5,
        ),
        (
            "Übersicht der Anerkennungsstellen und ihrer Bearbeitungszeiten für die Fachkräfte.",
            case_manager,
            21,
        ),
    ):
        barrier_services.round_action_create(
            coordination_round=core,
            actor=coordinator,
            text=text,
            owner=owner,
            deadline=today + timedelta(days=days),
        )
    barrier_services.round_create(
        actor=coordinator,
        municipality_id=municipality.pk,
        name="Austausch mit der Ausländerbehörde",
        kind="immigration_office",
        members=[organisations[k] for k in ("immigration_office", "jobcenter", "welfare")],
        next_date=today + timedelta(days=30),
    )
    return 2


def seed_agreements(*, municipality: Any, organisations: Mapping[str, Organisation], coordinator: Any) -> int:
    """Two cooperation agreements: one signed with the Jobcenter and the welfare organisation on the
    warm handover (its review a year away; the demo's consent for the handover names it), and one
    with the chambers due for review in three weeks (flagged on the list, counted on the network
    page). Idempotent."""
    from coaching import agreement_services

    if CooperationAgreement.objects.filter(municipality=municipality).exists():
        return 0
    today = timezone.localdate()
    agreement_services.agreement_create(
        actor=coordinator,
        municipality_id=municipality.pk,
        title="Kooperationsvereinbarung Übergang AsylbLG – SGB II",
        purpose="Nahtlose Begleitung beim Rechtskreiswechsel: gemeinsamer Übergabetermin, Checkliste, "
        "feste Ansprechpersonen in Jobcenter, Integrationsmanagement und Migrationsberatung.",
        data_exchange="Falldaten werden nur mit schriftlicher Einwilligung der Person und nur für die "
        "Übergabe ausgetauscht: Stammdaten, Aufenthaltsstatus, Sprachstand, Integrationsplan. Keine "
        "Gesundheitsdaten. Löschung beim abgebenden Träger nach Abschluss der Übergabe.",
        partners=[organisations[k] for k in ("jobcenter", "welfare")],
        signed_on=today - timedelta(days=200),
        review_on=today + timedelta(days=365),
    )
    agreement_services.agreement_create(
        actor=coordinator,
        municipality_id=municipality.pk,
        title="Kooperationsvereinbarung Anerkennung und Ausbildung",
        purpose="Gemeinsame Beratung zur Anerkennung ausländischer Abschlüsse und zur Ausbildung; "
        "Willkommenslotsen der Kammern sprechen Betriebe an.",
        data_exchange="Kein Austausch personenbezogener Daten; die Kammern erhalten nur anonyme Zahlen.",
        partners=[organisations[k] for k in ("ihk", "hwk")],
        signed_on=today - timedelta(days=700),
        review_on=today + timedelta(days=21),
    )
    return 2


# --- practice shared between municipalities (issue 23 §4) ---------------------------------------

# A neighbouring municipality of the demo that shares a template of its own, so that the demo
# coordinator finds something under "Von anderen Kommunen geteilt" to import. It has no members.
NEIGHBOUR_SLUG = "nachbarkreis-demo"
NEIGHBOUR_NAME = "Landkreis Nachbarkreis"

_PRACTICE = (
    # (kind, title, description, items, shared)
    (
        "handover_checklist",
        "Warme Übergabe beim Rechtskreiswechsel AsylbLG – SGB II",
        "Die Checkliste des gemeinsamen Übergabetermins von Integrationsmanagement und Jobcenter; "
        "bewährt seit der Kooperationsvereinbarung zum Übergang.",
        (
            "Einwilligung zur Weitergabe der Falldaten liegt vor",
            "Bescheid über den Aufenthaltstitel liegt vor",
            "Antrag auf Bürgergeld gestellt, Eingang bestätigt",
            "Gemeinsamer Termin mit der künftigen Ansprechperson im Jobcenter vereinbart",
            "Sprachstand und laufender Integrationskurs übergeben",
            "Offene Anerkennungsverfahren benannt",
            "Nächster Schritt im Integrationsplan mit der Person besprochen",
        ),
        True,
    ),
    (
        "assessment_guide",
        "Leitfaden zum Erstgespräch in den Lebensbereichen",
        "Fragen für das erste Gespräch, nach Lebensbereichen geordnet; die Person entscheidet, "
        "worüber sie spricht.",
        (
            "Wohnen: Wie sicher ist die Wohnsituation in den nächsten Monaten?",
            "Sprache: Welche Kurse wurden besucht, mit welchem Zertifikat?",
            "Familie: Gibt es Betreuungsbedarf für Kinder oder Angehörige?",
            "Gesundheit: Gibt es etwas, das bei der Arbeit berücksichtigt werden soll? (freiwillig)",
            "Beruf: Welche Abschlüsse und Erfahrungen bringt die Person mit?",
        ),
        False,
    ),
    (
        "event_format",
        "Speed-Dating mit Handwerksbetrieben",
        "Ein Vormittag mit zehn Betrieben der Kreishandwerkerschaft, je zehn Minuten pro Gespräch, "
        "Sprachmittlung an jedem Tisch.",
        (
            "Betriebe sechs Wochen vorher über die Kammer einladen",
            "Passende Klient*innen über den Abgleich vorschlagen, Einwilligung einholen",
            "Sprachmittler*innen für die häufigsten Sprachen buchen",
            "Namensschilder nur mit Vornamen",
            "Nachgespräch mit jedem Betrieb innerhalb einer Woche",
        ),
        False,
    ),
)
_NEIGHBOUR_PRACTICE = (
    "handover_checklist",
    "Checkliste Übergang in die Ausbildung",
    "Was vor dem Beginn einer Ausbildung geklärt sein soll, damit sie nicht im ersten Halbjahr abbricht.",
    (
        "Beschäftigungserlaubnis der Ausländerbehörde für die Ausbildung liegt vor",
        "Ausbildungsduldung oder Aufenthaltserlaubnis geprüft",
        "Berufsschulplatz und Fahrtweg geklärt",
        "Berufsausbildungsbeihilfe beantragt",
        "Ausbildungsbegleitende Hilfen bei der Agentur für Arbeit angefragt",
        "Ansprechperson im Betrieb und bei der Kammer benannt",
    ),
)


def seed_practice(*, municipality: Any, coordinator: Any) -> int:
    """Three practice templates of the demo municipality (the handover checklist shared), and a
    neighbouring municipality sharing a checklist the demo coordinator can import. Idempotent."""
    from coaching import practice_services
    from coaching.models import PracticeTemplate
    from organisations.models import Municipality

    created = 0
    neighbour, _ = Municipality.objects.get_or_create(
        slug=NEIGHBOUR_SLUG, defaults={"name": NEIGHBOUR_NAME, "state": "Hessen", "postcode": "34497"}
    )
    if not PracticeTemplate.objects.filter(municipality=neighbour).exists():
        kind, title, description, items = _NEIGHBOUR_PRACTICE
        template = practice_services.practice_create(
            actor=None,
            municipality_id=neighbour.pk,
            kind=kind,
            title=title,
            description=description,
            items=items,
        )
        practice_services.practice_share(template=template, actor=None)
        created += 1
    if PracticeTemplate.objects.filter(municipality=municipality).exists():
        return created
    for kind, title, description, items, shared in _PRACTICE:
        template = practice_services.practice_create(
            actor=coordinator,
            municipality_id=municipality.pk,
            kind=kind,
            title=title,
            description=description,
            items=items,
        )
        if shared:
            practice_services.practice_share(template=template, actor=coordinator)
        created += 1
    return created


# --- a neighbour's offer across the district line (issue 17) ----------------------------------------

# The neighbouring district's course takes people from three of the demo's postcodes: the demo's
# case manager finds it in the referral form of a person living there, and nowhere else.
NEIGHBOUR_AREA_POSTCODES = ("34225", "34246", "34253")
_NEIGHBOUR_SERVICE = {
    "organisation_name": "Bildungswerk Nachbarkreis",
    "location_name": "Bildungswerk Korbach",
    "street": "Bahnhofstraße 8",
    "postcode": "34497",
    "city": "Korbach",
    "name": "Fachsprachkurs Pflege B2",
    "category": ServiceCategory.LANGUAGE_COURSE,
    "description": "Deutsch für Pflegeberufe mit Praxistagen in Pflegeeinrichtungen; der Kurs nimmt auch "
    "Teilnehmende aus den angrenzenden Orten des Landkreises Musterland auf.",
    "languages": ["de"],
    "eligible_residence_statuses": [],
    "cost": Cost.REDUCED,
    "cost_details": "kostenfrei mit Bildungsgutschein",
    "contact_name": "Frau Schäfer",
    "email": "pflege-b2@bildungswerk-nachbarkreis.example",
    "phone": "05631 0002001",
    "wait_time": "nächster Kursbeginn in etwa 5 Wochen",
    "required_documents": ["Aufenthaltstitel", "Sprachzertifikat B1", "Bildungsgutschein"],
}


def seed_neighbour_service(*, municipality: Any) -> int:
    """The neighbouring district's language course whose service area names postcodes of the demo
    municipality (issue 17). Idempotent; returns how many offers it created."""
    from coaching import directory_services
    from organisations.models import Municipality

    neighbour, _ = Municipality.objects.get_or_create(
        slug=NEIGHBOUR_SLUG, defaults={"name": NEIGHBOUR_NAME, "state": "Hessen", "postcode": "34497"}
    )
    if Service.objects.filter(municipality=neighbour, name=_NEIGHBOUR_SERVICE["name"]).exists():
        return 0
    service = services.service_create(municipality_id=neighbour.pk, actor=None, **_NEIGHBOUR_SERVICE)
    directory_services.service_update(
        service=service, actor=None, area_postcodes=list(NEIGHBOUR_AREA_POSTCODES)
    )
    directory_services.service_set_hours(
        service=service,
        actor=None,
        hours=[(2, time(8, 30), time(13)), (4, time(8, 30), time(13))],
    )
    return 1


# --- reporting discrimination (issue 15 §3) ---------------------------------------------------------

_COUNSELLING = {
    "organisation_name": "Antidiskriminierungsnetzwerk Nordhessen",
    "email": "beratung@adn-nordhessen.example",
    "name": "Antidiskriminierungsberatung",
    "description": "Vertrauliche, kostenlose Beratung bei Diskriminierung im Beruf, bei Ämtern, bei der "
    "Wohnungssuche und im Alltag; Begleitung bei Beschwerden und nach dem AGG.",
    "languages": ["de", "en", "ar", "fa", "uk"],
    "contact_name": "Team Beratung",
    "phone": "0561 0001007",
    "url": "https://adn-nordhessen.example",
}
# (setting, share of reports): discrimination at businesses and in housing are reported most often.
_DISCRIMINATION_SETTINGS = (
    ("business", 0.35),
    ("housing", 0.25),
    ("office", 0.2),
    ("public", 0.1),
    ("education", 0.06),
    ("other", 0.04),
)
_DISCRIMINATION_GROUNDS = (
    "ethnic",
    "ethnic",
    "ethnic",
    "religion",
    "language",
    "residence_status",
    "gender",
    "",
)


def seed_discrimination(
    *,
    municipality: Any,
    candidate_user: Any,
    job_coach: Any,
    seed: int = 2026,
    today: date | None = None,
) -> int:
    """The anti-discrimination counselling service in the directory, about sixty anonymous reports of
    the last fourteen months (this month's reports at businesses reach the suppression threshold), a
    named report by the demo candidate referred to the counselling service with her consent, and one
    taken by the job coach. Idempotent."""
    from coaching.discrimination_selectors import Reporter, first_of_month
    from coaching.discrimination_services import report_create
    from coaching.models import (
        DiscriminationReport,
        Service,
        ServiceCategory,
        ServiceLocation,
        ServiceOrganisation,
    )

    provider, _created = ServiceOrganisation.objects.get_or_create(
        municipality=municipality,
        name=_COUNSELLING["organisation_name"],
        defaults={"email": _COUNSELLING["email"]},
    )
    service, _created = Service.objects.get_or_create(
        municipality=municipality,
        organisation=provider,
        name=_COUNSELLING["name"],
        defaults={
            "category": ServiceCategory.ANTI_DISCRIMINATION,
            **{
                k: _COUNSELLING[k]
                for k in ("description", "languages", "contact_name", "email", "phone", "url")
            },
        },
    )
    if not service.locations.exists():
        location, _created = ServiceLocation.objects.get_or_create(
            organisation=provider,
            name="ADN Beratungsstelle Kassel",
            defaults={"street": "Kölnische Straße 44", "postcode": "34117", "city": "Kassel"},
        )
        service.locations.add(location)
    if DiscriminationReport.objects.filter(municipality=municipality).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    businesses = list(
        Organisation.objects.filter(municipality=municipality, kind="employer").order_by("pk")[:10]
    )
    settings_, weights = zip(*_DISCRIMINATION_SETTINGS, strict=True)
    rows = []
    for months_back in range(13, -1, -1):
        month = first_of_month(today - relativedelta(months=months_back))
        count = rng.randint(2, 6)
        settings_this_month = list(rng.choices(settings_, weights=weights, k=count))
        if months_back == 0:
            settings_this_month += ["business"] * 5  # one cell above the threshold this month
        for setting in settings_this_month:
            rows.append(
                DiscriminationReport(
                    municipality=municipality,
                    reporter_kind=rng.choice(("candidate", "candidate", "staff", "volunteer")),
                    anonymous=True,
                    setting=setting,
                    ground=rng.choice(_DISCRIMINATION_GROUNDS),
                    occurred_on=first_of_month(month - relativedelta(months=rng.randint(0, 1))),
                    description="",
                    business=rng.choice(businesses) if setting == "business" and businesses else None,
                    reported_on=month,
                )
            )
    DiscriminationReport.objects.bulk_create(rows)
    candidate = Candidate.objects.filter(user=candidate_user).first()
    # The demo's reports are written in German: recorded so, whatever language the seed runs in.
    with translation.override("de"):
        if candidate is not None:
            report_create(
                actor=candidate_user,
                reporter=Reporter("candidate", municipality, candidate),
                setting="housing",
                ground="ethnic",
                occurred_on=today - timedelta(days=20),
                description="Bei der Wohnungsbesichtigung sagte der Vermieter, an Ausländer vermiete er nicht.",
                refer_to=service,
                consent=True,
                contact="Telefon über meine Case Managerin",
                today=today,
            )
        if job_coach is not None and Membership.objects.filter(user=job_coach, is_active=True).exists():
            org = (
                Membership.objects.filter(user=job_coach, is_active=True)
                .select_related("organisation")
                .first()
            )
            report_create(
                actor=job_coach,
                reporter=Reporter("staff", org.organisation.municipality),
                setting="business",
                ground="religion",
                occurred_on=today - timedelta(days=35),
                description="Beim Probearbeiten wurde einer Klientin gesagt, mit Kopftuch könne sie nicht an die Kasse.",
                business=businesses[0] if businesses else None,
                today=today,
            )
    return len(rows) + 2
