"""Demo employers and placements for `manage.py seed_demo`.

Forty local businesses (Faker de_DE names shaped by their trade), most verified, a few waiting
for the chamber's check, and eighty placements coded with real ESCO occupations. A placement
asks for a sample of its occupation's ESCO essential skills and a few optional ones, so that
matches against the demo candidates are partial and explainable, as in real life.

Demo only: never run this on a real system.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from accounts.roles import Role
from demo.candidates import CORE_SKILLS, DemoOccupation, load_occupations, skill_relations
from demo.organisations import REGION_PLACES
from employers.models import (
    CompanySize,
    EmployerProfile,
    Introduction,
    JobInterest,
    Placement,
    PlacementKind,
    PlacementSkill,
    PlacementStatus,
    Sector,
)
from organisations.models import Membership, Organisation, OrganisationKind, VerificationStatus
from taxonomy.models import OccupationSkill, Skill

# (sector, occupation family, name pattern, how many): 40 employers in all.
_EMPLOYER_PLAN: tuple[tuple[str, str, str, int], ...] = (
    (Sector.GASTRONOMIE, "gastro", "Gasthaus {last}", 2),
    (Sector.GASTRONOMIE, "gastro", "{last} Catering GmbH", 2),
    (Sector.GASTRONOMIE, "gastro", "Hotel {last} am Park", 1),
    (Sector.GASTRONOMIE, "gastro", "Kantine {last} & Partner GmbH", 1),
    (Sector.HANDWERK, "electrical", "Elektro {last} GmbH", 2),
    (Sector.HANDWERK, "shk", "{last} Haustechnik GmbH", 2),
    (Sector.HANDWERK, "construction", "Malerbetrieb {last}", 1),
    (Sector.HANDWERK, "wood", "Tischlerei {last}", 1),
    (Sector.HANDWERK, "vehicle", "Kfz-Meisterbetrieb {last}", 1),
    (Sector.HANDWERK, "beauty", "Friseursalon {first}", 1),
    (Sector.HANDWERK, "food", "Bäckerei {last}", 1),
    (Sector.HANDWERK, "food", "Metzgerei {last}", 1),
    (Sector.PFLEGE, "care", "Ambulanter Pflegedienst {last}", 2),
    (Sector.PFLEGE, "care", "Seniorenzentrum {last}-Stift gGmbH", 2),
    (Sector.PFLEGE, "care", "Kita {last}straße", 1),
    (Sector.LOGISTIK, "logistics", "{last} Logistik GmbH", 3),
    (Sector.LOGISTIK, "logistics", "Spedition {last} GmbH & Co. KG", 2),
    (Sector.LOGISTIK, "logistics", "{last} Kurierdienst e. K.", 1),
    (Sector.HANDEL, "retail", "{last} Frischemarkt e. K.", 2),
    (Sector.HANDEL, "retail", "Getränkemarkt {last}", 1),
    (Sector.HANDEL, "retail", "{last} Baumarkt GmbH", 2),
    (Sector.INDUSTRIE, "metal", "{last} Metallbau GmbH", 2),
    (Sector.INDUSTRIE, "metal", "{last} Maschinenbau AG", 1),
    (Sector.BAU, "construction", "{last} Bau GmbH", 2),
    (Sector.REINIGUNG, "cleaning", "{last} Gebäudeservice GmbH", 2),
    (Sector.IT, "it", "{last} IT-Service GmbH", 1),
)
_PENDING = 4  # employers still waiting for the chamber's check

_SECTOR_TEXT = {
    Sector.GASTRONOMIE: "Familiengeführter Gastronomiebetrieb mit regionaler Küche und festem Stammteam.",
    Sector.HANDWERK: "Meisterbetrieb im Handwerk; wir bilden seit vielen Jahren aus.",
    Sector.PFLEGE: "Pflege und Betreuung älterer Menschen im Landkreis, ambulant und stationär.",
    Sector.LOGISTIK: "Lager- und Transportdienstleistungen für Handel und Industrie in Nordhessen.",
    Sector.HANDEL: "Einzelhandel mit Filialen in Kassel und Umgebung.",
    Sector.INDUSTRIE: "Mittelständischer Industriebetrieb mit eigener Fertigung.",
    Sector.BAU: "Hoch- und Ausbau für private und öffentliche Auftraggeber.",
    Sector.REINIGUNG: "Unterhalts- und Glasreinigung für Büros, Praxen und Schulen.",
    Sector.IT: "IT-Betreuung für kleine und mittlere Unternehmen.",
}
_LANGUAGE_SUPPORT = [
    "Deutschkurs während der Arbeitszeit, zweimal pro Woche.",
    "Eine Sprachpatin bzw. ein Sprachpate im Team begleitet die Einarbeitung.",
    "Wir übernehmen die Freistellung für einen Berufssprachkurs (DeuFöV).",
    "Einarbeitung mit Bildkarten und einem Glossar der wichtigsten Fachbegriffe.",
    "Ausbildungsbegleitende Hilfen und Nachhilfe in Fachdeutsch für die Berufsschule.",
]


@dataclass
class DemoEmployers:
    created: bool
    employers: int
    placements: int
    login_employer: Organisation | None


def _german_minimum(rng: random.Random, demo: DemoOccupation, kind: str) -> str | None:
    if rng.random() < 0.1:
        return None  # no stated minimum
    if kind == PlacementKind.AUSBILDUNG:
        return rng.choices(("A2", "B1", "B2"), weights=(20, 70, 10))[0]
    if demo.family == "care" and demo.skilled:
        return rng.choices(("B1", "B2"), weights=(30, 70))[0]
    if demo.skilled:
        return rng.choices(("A2", "B1", "B2"), weights=(25, 55, 20))[0]
    return rng.choices(("A1", "A2", "B1"), weights=(25, 55, 20))[0]


def _employer_organisations(
    *, municipality: Any, rng: random.Random, faker: Faker, verified_by: Any
) -> list[tuple[Organisation, EmployerProfile, str]]:
    now = timezone.now()
    places = [(plz, city) for plz, city, _ in REGION_PLACES]
    weights = [w for _, _, w in REGION_PLACES]
    plan = [(sector, family, pattern) for sector, family, pattern, n in _EMPLOYER_PLAN for _ in range(n)]
    # The first employer is the demo employer's; it is always verified.
    pending = set(rng.sample(range(1, len(plan)), k=_PENDING))
    names: set[str] = set()
    out = []
    for i, (sector, family, pattern) in enumerate(plan):
        name = pattern.format(last=faker.last_name(), first=faker.first_name())
        while name in names:
            name = pattern.format(last=faker.last_name(), first=faker.first_name())
        names.add(name)
        domain = slugify(name.split(" GmbH")[0].split(" e. K.")[0])[:40] + ".example"
        postcode, city = rng.choices(places, weights=weights, k=1)[0]
        is_pending = i in pending
        org = Organisation(
            municipality=municipality,
            kind=OrganisationKind.EMPLOYER,
            name=name,
            street=f"{faker.street_name()} {rng.randint(1, 90)}",
            postcode=postcode,
            city=city,
            email=f"info@{domain}",
            phone=faker.phone_number(),
            verification_status=VerificationStatus.PENDING if is_pending else VerificationStatus.VERIFIED,
            verified_at=None if is_pending else now - timedelta(days=rng.randint(5, 400)),
            verified_by=None if is_pending else verified_by,
        )
        contact_first, contact_last = faker.first_name(), faker.last_name()
        if any(form in name for form in ("GmbH", "AG", "KG")):
            register = f"HRB {rng.randint(1000, 19999)}"
        elif "e. K." in name:
            register = f"HRA {rng.randint(1000, 9999)}"
        elif sector == Sector.HANDWERK:
            register = f"Handwerksrolle Nr. {rng.randint(10000, 99999)}"
        else:
            register = ""
        profile = EmployerProfile(
            sector=sector,
            size=rng.choices([c.value for c in CompanySize], weights=(35, 40, 18, 7))[0],
            contact_name=f"{contact_first} {contact_last}",
            contact_email=f"{slugify(contact_first)}.{slugify(contact_last)}@{domain}",
            contact_phone=faker.phone_number(),
            register_number=register,
            description=_SECTOR_TEXT[sector],
        )
        out.append((org, profile, family))
    return out


def seed(
    *,
    municipality: Any,
    employer_login: Any,
    verified_by: Any | None = None,
    placements: int = 80,
    seed: int = 2026,
    today: date | None = None,
) -> DemoEmployers:
    """Create 40 employers and ``placements`` placements in ``municipality`` unless it has employers.

    ``employer_login`` becomes the lead of the first (verified) employer.
    """
    existing = EmployerProfile.objects.filter(organisation__municipality=municipality)
    if existing.exists():
        login_employer = _join(employer_login, municipality=municipality)
        return DemoEmployers(
            created=False,
            employers=existing.count(),
            placements=Placement.objects.filter(municipality=municipality).count(),
            login_employer=login_employer,
        )

    rng = random.Random(seed)
    faker = Faker("de_DE")
    faker.seed_instance(seed)
    today = today or timezone.localdate()

    built = _employer_organisations(municipality=municipality, rng=rng, faker=faker, verified_by=verified_by)
    orgs = Organisation.objects.bulk_create([org for org, _, _ in built])
    profiles = []
    for org, (_, profile, _) in zip(orgs, built, strict=True):
        profile.organisation = org
        profiles.append(profile)
    EmployerProfile.objects.bulk_create(profiles)
    families = [family for _, _, family in built]
    Membership.objects.update_or_create(
        user=employer_login,
        organisation=orgs[0],
        role=Role.EMPLOYER,
        defaults={"is_lead": True, "is_active": True},
    )

    catalogue = load_occupations()
    relations = skill_relations([occupation.pk for _, occupation in catalogue])
    by_family: dict[str, list[tuple[DemoOccupation, Any]]] = {}
    for demo, occupation in catalogue:
        by_family.setdefault(demo.family, []).append((demo, occupation))

    # How many placements each employer has: the demo employer four, pending employers one draft,
    # every verified employer at least one, the rest spread by chance.
    counts = [1] * len(profiles)
    counts[0] = 4
    verified = [i for i, org in enumerate(orgs) if org.is_verified and i != 0]
    for _ in range(placements - sum(counts)):
        counts[rng.choice(verified)] += 1

    rows: list[tuple[Placement, list[tuple[int, str]]]] = []
    for i, (profile, family, n) in enumerate(zip(profiles, families, counts, strict=True)):
        org = profile.organisation
        options = by_family.get(family) or catalogue
        # Different occupations first, so that one employer's placements are not all alike.
        picks = rng.sample(options, k=min(n, len(options)))
        picks += [rng.choice(options) for _ in range(n - len(picks))]
        for demo, occupation in picks:
            kind = PlacementKind.JOB
            if demo.skilled:
                kind = rng.choices(
                    (PlacementKind.JOB, PlacementKind.AUSBILDUNG, PlacementKind.EQ, PlacementKind.PRAKTIKUM),
                    weights=(60, 25, 8, 7),
                )[0]
            elif rng.random() < 0.1:
                kind = PlacementKind.PRAKTIKUM
            if not org.is_verified:
                status = PlacementStatus.DRAFT  # a pending employer can prepare, not publish
            else:
                status = rng.choices(
                    (
                        PlacementStatus.OPEN,
                        PlacementStatus.DRAFT,
                        PlacementStatus.FILLED,
                        PlacementStatus.CLOSED,
                    ),
                    weights=(70, 10, 12, 8),
                )[0]
            hours = {PlacementKind.AUSBILDUNG: 39, PlacementKind.EQ: 35}.get(
                kind, rng.choice((20, 25, 30, 35, 38, 40, 40))
            )
            if status in (PlacementStatus.FILLED, PlacementStatus.CLOSED):
                start = today - timedelta(days=rng.randint(10, 200))
            elif kind == PlacementKind.AUSBILDUNG:
                start = date(today.year + (today.month >= 8), 8, 1)  # training starts on 1 August
            else:
                start = today + timedelta(days=rng.randint(7, 120))
            prefix = {
                PlacementKind.AUSBILDUNG: "Ausbildung ",
                PlacementKind.PRAKTIKUM: "Praktikum ",
                PlacementKind.EQ: "Einstiegsqualifizierung ",
            }.get(kind, "")
            suffix = "" if kind != PlacementKind.JOB else (" – Vollzeit" if hours >= 35 else " – Teilzeit")
            support = rng.random() < 0.4
            placement = Placement(
                employer=profile,
                municipality=municipality,
                title=f"{prefix}{demo.title}{suffix}",
                kind=kind,
                occupation=occupation,
                min_german_spoken=_german_minimum(rng, demo, kind),
                offers_language_support=support,
                language_support_details=rng.choice(_LANGUAGE_SUPPORT) if support else "",
                postcode=org.postcode,
                city=org.city,
                hours_per_week=hours,
                start_date=start,
                openings=rng.choices((1, 2, 3), weights=(75, 18, 7))[0],
                status=status,
                created_by=employer_login if i == 0 else None,
            )
            essential, optional = relations[occupation.pk]
            core = essential[:CORE_SKILLS]
            skills = [
                (s, OccupationSkill.Relation.ESSENTIAL)
                for s in rng.sample(core, k=min(len(core), rng.randint(8, 12)))
            ]
            skills += [
                (s, OccupationSkill.Relation.OPTIONAL)
                for s in rng.sample(optional, k=min(len(optional), rng.randint(2, 4)))
            ]
            rows.append((placement, skills))

    # The description names a few of the essential skills in German.
    labels = dict(
        Skill.objects.filter(pk__in={s for _, skills in rows for s, _ in skills}).values_list(
            "pk", "label_de"
        )
    )
    for placement, skills in rows:
        tasks = [
            labels[s]
            for s, relation in skills[:3]
            if relation == OccupationSkill.Relation.ESSENTIAL and labels.get(s)
        ]
        placement.description = (
            f"{placement.employer.organisation.name} sucht Verstärkung ({placement.get_kind_display()}). "
            + (f"Ihre Aufgaben unter anderem: {', '.join(tasks)}. " if tasks else "")
            + ("Wir unterstützen beim Deutschlernen. " if placement.offers_language_support else "")
            + "Bewerbungen mit Unterstützung Ihrer Jobcoachin oder Ihres Jobcoaches sind willkommen."
        )
    created = Placement.objects.bulk_create([p for p, _ in rows], batch_size=500)
    PlacementSkill.objects.bulk_create(
        [
            PlacementSkill(placement=p, skill_id=s, relation=relation)
            for p, (_, skills) in zip(created, rows, strict=True)
            for s, relation in skills
        ],
        batch_size=1000,
    )
    return DemoEmployers(
        created=True, employers=len(profiles), placements=len(created), login_employer=orgs[0]
    )


def _join(user: Any, *, municipality: Any) -> Organisation | None:
    """Make sure the demo employer login leads a verified demo employer (first by id)."""
    org = (
        Organisation.objects.filter(
            municipality=municipality,
            kind=OrganisationKind.EMPLOYER,
            verification_status=VerificationStatus.VERIFIED,
            employer_profile__isnull=False,
        )
        .order_by("pk")
        .first()
    )
    if org is not None:
        Membership.objects.update_or_create(
            user=user, organisation=org, role=Role.EMPLOYER, defaults={"is_lead": True, "is_active": True}
        )
    return org


def clear(*, municipality: Any) -> int:
    """Delete the municipality's placements, employer profiles and employer organisations (for --reset)."""
    from employers.models import SpeedDating

    SpeedDating.objects.filter(municipality=municipality).delete()
    deleted, _ = Placement.objects.filter(municipality=municipality).delete()
    n, _ = Organisation.objects.filter(municipality=municipality, kind=OrganisationKind.EMPLOYER).delete()
    return deleted + n


def seed_proposals(
    *, municipality: Any, case_manager: Any, candidate_user: Any, employer_organisation: Any
) -> tuple[int, int]:
    """One proposal of the demo case manager to the demo employer (stage "vorgeschlagen", with the
    person's agreement recorded) and one "interessiert mich" of the demo candidate, through the
    services, so that the demo logins find them with their notices. Idempotent: (proposals, interests) made."""
    from candidates.models import Candidate, Case, CasePhase, ConsentScope
    from employers import services
    from employers.jobs import open_placements

    placements = list(open_placements(municipality_id=municipality.pk).order_by("pk"))
    own = [
        p
        for p in placements
        if employer_organisation and p.employer.organisation_id == employer_organisation.pk
    ]
    made_proposals = made_interests = 0
    if (
        own
        and not Introduction.objects.filter(
            placement__municipality=municipality, source=Introduction.Source.STAFF_PROPOSAL
        ).exists()
    ):
        caseload = (
            Case.objects.filter(
                municipality=municipality, case_manager=case_manager, candidate__user__isnull=True
            )
            .exclude(phase=CasePhase.CLOSED)
            .filter(candidate__erased_at__isnull=True, candidate__employments__isnull=True)
            .values("candidate_id")
        )
        person = (
            Candidate.objects.filter(
                pk__in=caseload, consents__scope=ConsentScope.LISTING, consents__revoked_at__isnull=True
            )
            .exclude(introductions__placement__in=own)
            .order_by("pk")
            .first()
        )
        if person is not None:
            services.introduction_propose(
                placement=own[0],
                candidate=person,
                actor=case_manager,
                agreed=True,
                paper_form_reference="Demo: Zustimmung im Beratungsgespräch",
            )
            made_proposals = 1
    candidate = Candidate.objects.filter(user=candidate_user).first()
    if candidate is not None and placements and not JobInterest.objects.filter(candidate=candidate).exists():
        occupations = set(candidate.occupations.values_list("occupation_id", flat=True))
        fitting = [p for p in placements if p.occupation_id in occupations] or placements
        services.job_interest_register(candidate=candidate, placement=fitting[0], actor=candidate_user)
        made_interests = 1
    return made_proposals, made_interests


def seed_acquisitions(*, municipality: Any, job_coach: Any, employer_organisation: Any) -> int:
    """Two placements the demo job coach found with businesses (issue 14): one the demo employer
    confirmed by its link (open, with the coach's notice), one of a business still waiting for the
    chamber whose confirmation is outstanding. Uses two of the seeded placements, so the demo's
    counts stay as they are. Idempotent: returns how many were made."""
    from employers import services
    from employers.models import PlacementAcquisition

    if PlacementAcquisition.objects.filter(placement__municipality=municipality).exists():
        return 0
    office = services.acquiring_office(user=job_coach)
    if office is None:
        return 0
    now = timezone.now()
    made = 0
    confirmed = (
        Placement.objects.filter(employer__organisation=employer_organisation, status=PlacementStatus.OPEN)
        .order_by("-pk")
        .first()
    )
    if confirmed is not None:
        Placement.objects.filter(pk=confirmed.pk).update(status=PlacementStatus.DRAFT, created_by=job_coach)
        acquisition = PlacementAcquisition.objects.create(
            placement=confirmed,
            found_by_organisation=office,
            created_by=job_coach,
            sent_to=confirmed.employer.contact_email or f"kontakt@{employer_organisation.pk}.demo.example",
            sent_at=now - timedelta(days=2),
        )
        services.placement_acquisition_confirm(acquisition=acquisition)
        made += 1
    waiting = (
        Placement.objects.filter(
            municipality=municipality,
            status=PlacementStatus.DRAFT,
            employer__organisation__verification_status=VerificationStatus.PENDING,
        )
        .order_by("pk")
        .first()
    )
    if waiting is not None:
        Placement.objects.filter(pk=waiting.pk).update(created_by=job_coach)
        PlacementAcquisition.objects.create(
            placement=waiting,
            found_by_organisation=office,
            created_by=job_coach,
            sent_to=waiting.employer.contact_email
            or f"kontakt@{waiting.employer.organisation_id}.demo.example",
            sent_at=now,
        )
        made += 1
    return made


def seed_speed_dating(*, municipality: Any, coordinator: Any, candidate_user: Any) -> int:
    """A speed dating of the demo municipality (issue 15), presented by the chamber's speed-dating
    event page when the website is seeded: six businesses, the matcher's proposals, invitations
    confirmed by the responsible case managers, the demo candidate among them, a plan, and one
    mutual interest waiting for its case manager's "Vorstellung anlegen". Idempotent: sessions made."""
    from django.apps import apps

    from candidates.models import Candidate
    from candidates.selectors import case_managers_for, in_caseload
    from employers import speeddating as sd
    from employers.jobs import open_placements
    from employers.models import SpeedDating, SpeedDatingBusiness, SpeedDatingCandidate, SpeedDatingFit

    if SpeedDating.objects.filter(municipality=municipality).exists():
        return 0
    event = (
        apps.get_model("cms", "EventPage")
        .objects.filter(kind="speed_dating", locale__language_code="de", speed_dating__isnull=True)
        .order_by("start")
        .first()
    )
    starts_at = event.start if event else timezone.now() + timedelta(days=42)
    session = sd.speed_dating_create(
        actor=coordinator,
        municipality_id=municipality.pk,
        title=event.title if event else "Azubi-Speed-Dating",
        starts_at=starts_at,
        place=event.place if event else "Rathaus, Großer Saal",
        event=event,
        rounds=8,
        minutes_per_round=10,
        pause_round=5,
        max_meetings=5,
        proposals_per_placement=8,
    )
    seen: set[int] = set()
    for placement in open_placements(municipality_id=municipality.pk).order_by("pk"):
        if placement.employer_id in seen:
            continue
        seen.add(placement.employer_id)
        sd.speed_dating_business_add(session=session, actor=coordinator, placement=placement, tables=2)
        if len(seen) == 6:
            break
    sd.speed_dating_propose(session=session, actor=coordinator)
    own = Candidate.objects.filter(user=candidate_user).first()
    if own is not None and not SpeedDatingCandidate.objects.filter(session=session, candidate=own).exists():
        # The demo login is shown among them whatever the matcher says of their profile.
        participant = SpeedDatingCandidate.objects.create(session=session, candidate=own, best_score=0.6)
        for business in SpeedDatingBusiness.objects.filter(session=session).order_by("pk")[:2]:
            SpeedDatingFit.objects.create(
                participant=participant, business=business, placement=business.placements.first(), score=0.6
            )
    for participant in SpeedDatingCandidate.objects.filter(session=session).select_related("candidate"):
        staff = [u for u in case_managers_for(candidate=participant.candidate) if u is not None]
        deciding = next((u for u in staff if in_caseload(user=u, candidate=participant.candidate)), None)
        if deciding is not None:
            sd.speed_dating_decide(participant=participant, actor=deciding, invite=True)
    if SpeedDatingCandidate.objects.filter(session=session, status="invited").exists():
        sd.speed_dating_schedule(session=session, actor=coordinator)
        meeting = session.meetings.order_by("round", "pk").first()
        if meeting is not None:
            sd.speed_dating_outcome(
                meeting=meeting, actor=coordinator, candidate_interest=True, business_interest=True
            )
    return 1


def seed_business_records(
    *, municipality: Any, organisations: dict[str, Any], job_coach: Any, case_manager: Any, coordinator: Any
) -> int:
    """The shared company record (issue 15 §1): five businesses with partner levels, flags, their
    chamber, contact persons and a contact log by coordination, case management and the job coach;
    one of the job coach's businesses is due for its next contact today (reminded in the inbox).
    Idempotent: the number of records made."""
    from employers.models import BusinessContact, BusinessContactLog, BusinessRelation, PartnerLevel
    from employers.services import business_contact_reminders_send

    verified = (
        Organisation.objects.filter(
            municipality=municipality,
            kind=OrganisationKind.EMPLOYER,
            verification_status=VerificationStatus.VERIFIED,
            business_relation__isnull=True,
        )
        .select_related("employer_profile")
        .order_by("name")
    )
    # Members of both chambers: three businesses of the IHK, two crafts businesses of the HWK.
    crafts = ("handwerk", "bau")
    businesses = list(verified.exclude(employer_profile__sector__in=crafts)[:3])
    businesses += list(verified.filter(employer_profile__sector__in=crafts)[:2])
    if BusinessRelation.objects.filter(organisation__municipality=municipality).exists() or not businesses:
        return 0
    today = timezone.localdate()
    offices = {
        user.pk: next(
            (m.organisation for m in user.memberships.all() if m.organisation.kind != "employer"), None
        )
        for user in (job_coach, case_manager, coordinator)
    }
    plan = [
        # level, training company, EQ, owner, next contact in days (None: none), contacts logged
        (
            PartnerLevel.STRATEGIC,
            True,
            True,
            coordinator,
            30,
            [("award", 120, coordinator), ("visit", 20, job_coach)],
        ),
        (
            PartnerLevel.ACTIVE,
            True,
            False,
            job_coach,
            0,
            [("breakfast", 60, coordinator), ("call", 9, job_coach)],
        ),
        (PartnerLevel.ACTIVE, False, True, job_coach, 14, [("call", 3, case_manager)]),
        (PartnerLevel.FIRST_CONTACT, False, False, None, None, [("call", 40, coordinator)]),
        (PartnerLevel.FIRST_CONTACT, False, False, case_manager, -5, [("complaint", 12, case_manager)]),
    ]
    first_names = ["Petra", "Murat", "Svenja", "Olga", "Karim"]
    last_names = ["Hoffmann", "Yıldız", "Brandt", "Kowalski", "Haddad"]
    notes = {
        "award": "Auszeichnung „Fairer Ausbildungsbetrieb“ überreicht.",
        "visit": "Betrieb besucht, zwei Ausbildungsplätze ab August in Aussicht.",
        "breakfast": "Beim Unternehmerfrühstück: Interesse an Einstiegsqualifizierung.",
        "call": "Telefonat mit der Inhaberin: sucht Verstärkung im Lager, Deutsch A2 reicht.",
        "complaint": "Beschwerde: Rückmeldung zu einer Vorstellung kam zu spät. Geklärt.",
    }
    for i, (organisation, (level, training, eq, owner, next_in, log)) in enumerate(
        zip(businesses, plan, strict=False)
    ):
        sector = getattr(getattr(organisation, "employer_profile", None), "sector", "")
        chamber = organisations.get("hwk" if sector in ("handwerk", "bau") else "ihk")
        BusinessRelation.objects.create(
            organisation=organisation,
            partner_level=level,
            training_company=training,
            eq_ready=eq,
            chamber=chamber,
            owner=owner,
            next_contact_on=today + timedelta(days=next_in) if next_in is not None else None,
            next_contact_note="Nachfassen: Ausbildungsplätze" if next_in is not None else "",
        )
        contact = BusinessContact.objects.create(
            organisation=organisation,
            name=f"{first_names[i]} {last_names[i]}",
            function="Inhaber*in" if i % 2 == 0 else "Personalleitung",
            email=f"kontakt{i + 1}@betrieb.demo.example",
            phone=f"0561 70{i + 1} 00",
            preferred_channel="phone" if i % 2 == 0 else "email",
        )
        for kind, days_ago, by in log:
            BusinessContactLog.objects.create(
                organisation=organisation,
                kind=kind,
                happened_on=today - timedelta(days=days_ago),
                contact=contact,
                note=notes[kind],
                by=by,
                by_organisation=offices.get(by.pk),
            )
    business_contact_reminders_send(today=today)
    return len(businesses)


# --- permits and recognition as procedures (issue 14 §3) ----------------------------------------

# (days since the offer, days since the work permission decision) of the demo's decided procedures:
# six, so the dashboard's median (offer to decision) is shown and not suppressed.
DEMO_PERMIT_DAYS = ((95, 40), (80, 52), (70, 31), (64, 20), (50, 12), (41, 6))
# (days since the application, days since the decision, decision) of the demo's recognition decisions
DEMO_RECOGNITION_DAYS = ((260, 120, "full"), (210, 95, "full"), (190, 60, "compensation"), (150, 45, "full"))


def seed_procedures(*, municipality: Any, case_manager: Any) -> int:
    """Decided work permission procedures after an offer, and recognition procedures: the case
    manager's first qualification partly recognised with an adaptation training under way (issue 14
    §3). Idempotent: nothing happens when the demo already has a decided procedure."""
    from candidates import services as candidate_services
    from candidates.models import Case, CasePhase, Qualification, WorkPermitProcedure
    from employers.models import IntroductionStage

    if WorkPermitProcedure.objects.filter(case__municipality=municipality, decided_on__isnull=False).exists():
        return 0
    today = timezone.localdate()
    made = 0
    open_cases = (
        Case.objects.filter(municipality=municipality, candidate__user__isnull=True)
        .exclude(phase=CasePhase.CLOSED)
        .exclude(work_permit_procedures__isnull=False)
        .select_related("candidate")
    )
    placement = (
        Placement.objects.filter(municipality=municipality, status=PlacementStatus.OPEN)
        .exclude(employer__organisation__memberships__user__email__endswith="@demo.lotse.example")
        .order_by("pk")
        .first()
    )
    if placement is not None:
        cases = list(
            open_cases.exclude(candidate__introductions__placement=placement).order_by("-pk")[
                : len(DEMO_PERMIT_DAYS)
            ]
        )
        for case, (offer_days, decided_days) in zip(cases, DEMO_PERMIT_DAYS, strict=False):
            intro = Introduction.objects.create(
                placement=placement, candidate=case.candidate, stage=Introduction.Stage.OFFER
            )
            stage = IntroductionStage.objects.create(introduction=intro, stage=Introduction.Stage.OFFER)
            IntroductionStage.objects.filter(pk=stage.pk).update(
                at=timezone.now() - timedelta(days=offer_days)
            )
            candidate_services.work_permit_procedure_save(
                case=case,
                actor=case_manager,
                applied_on=today - timedelta(days=offer_days - 3),
                ba_approval="zustimmung",
                ba_requested_on=today - timedelta(days=offer_days - 5),
                ba_decision="granted",
                ba_decided_on=today - timedelta(days=decided_days + 4),
                decision="granted",
                decided_on=today - timedelta(days=decided_days),
            )
            made += 1
    # The case manager's own case: a vocational qualification partly recognised, adaptation running.
    qualifications = Qualification.objects.filter(
        candidate__cases__municipality=municipality, candidate__user__isnull=True, kind="vocational"
    ).exclude(candidate__cases__phase=CasePhase.CLOSED)
    own = (
        qualifications.filter(
            candidate__cases__case_manager=case_manager, candidate__occupations__isnull=False
        )
        .order_by("pk")
        .first()
    )
    if own is not None:
        occupation = own.candidate.occupations.select_related("occupation").first()
        candidate_services.recognition_procedure_save(
            qualification=own,
            actor=case_manager,
            recognition_occupation=occupation.occupation if occupation else None,
            recognition_authority=own.recognition_authority or "IHK FOSA",
            recognition_applied_on=today - timedelta(days=170),
            recognition_status="partial",
            recognition_decided_on=today - timedelta(days=70),
            adaptation_training="Praxisphase im Betrieb und Fachkundeprüfung",
            adaptation_provider="Bildungszentrum Handwerk",
            adaptation_from=today - timedelta(days=30),
            adaptation_until=today + timedelta(days=150),
            adaptation_funding="zuschuss",
        )
        made += 1
    others = qualifications.exclude(pk=getattr(own, "pk", None)).exclude(
        candidate__cases__case_manager=case_manager
    )
    for q, (applied, decided, decision) in zip(
        others.order_by("pk").distinct()[: len(DEMO_RECOGNITION_DAYS)], DEMO_RECOGNITION_DAYS, strict=False
    ):
        candidate_services.recognition_procedure_save(
            qualification=q,
            actor=case_manager,
            recognition_authority=q.recognition_authority or "IHK FOSA",
            recognition_applied_on=today - timedelta(days=applied),
            recognition_status=decision,
            recognition_decided_on=today - timedelta(days=decided),
        )
        made += 1
    return made
