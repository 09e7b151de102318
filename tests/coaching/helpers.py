"""Plain helpers shared by the coaching tests (and the browser tests of the same features)."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from coaching.models import HandoverKind
from employers.models import EmploymentQuality
from privacy.models import AuditEntry
from tests.factories import (
    EmploymentQualityFactory,
    HandoverChecklistTemplateFactory,
    HandoverKindFactory,
    OccupationFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    SkillFactory,
)

ESCO = "http://esco.test/"

# A valid edit of a service in the directory (every field the coordinator's form has).
EDIT = {
    "name": "Berufssprachkurs B2 (Abendkurs)",
    "category": "language_course",
    "description": "Dienstags und donnerstags",
    "languages": ["de", "ar"],
    "cost": "reduced",
    "cost_details": "mit Berechtigungsschein kostenlos",
    "contact_name": "Frau Yilmaz",
    "email": "kurse@vhs.example",
    "phone": "0231 5020",
    "url": "https://vhs.example/b2",
}

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def occupation(key, label, isco):
    return OccupationFactory(uri=f"{ESCO}occupation/{key}", label_de=label, isco_code=isco)


def skill(key, label, kind="skill/competence"):
    return SkillFactory(uri=f"{ESCO}skill/{key}", label_de=label, skill_type=kind)


def service(municipality, name, skills, *, active=True, statuses=()):
    """A training of the municipality's 'Bildungswerk' teaching ``skills``."""
    provider = ServiceOrganisationFactory(municipality=municipality, name="Bildungswerk")  # get or create
    service = ServiceFactory(
        organisation=provider,
        municipality=municipality,
        name=name,
        category="training",
        is_active=active,
        eligible_residence_statuses=list(statuses),
    )
    service.skills.set(skills)
    return service


def quality(employment, *, job_level: int, below: bool = False) -> EmploymentQuality:
    """The quality record of ``employment`` at ISCO skill level ``job_level``, above the minimum wage."""
    return EmploymentQualityFactory(
        employment=employment,
        social_insurance=True,
        hourly_wage=Decimal("14.00"),
        minimum_wage=Decimal("13.90"),
        job_skill_level=job_level,
        person_skill_level=3 if below else None,
        below_qualification=below,
    )


def audits(service, **filters):
    """The audit entries written about ``service``."""
    return AuditEntry.objects.filter(record_type="coaching.service", record_id=str(service.pk), **filters)


def png_upload(name: str = "zeugnis.png", content: bytes = PNG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def handover_kind() -> HandoverKind:
    kind = HandoverKind.objects.filter(slug="test-rechtskreiswechsel").first()
    if kind is None:
        kind = HandoverKindFactory(slug="test-rechtskreiswechsel", name="Rechtskreiswechsel AsylbLG → SGB II")
        HandoverChecklistTemplateFactory(kind=kind, label="Bescheid liegt vor", required=True, order=0)
        HandoverChecklistTemplateFactory(kind=kind, label="Termin vereinbart", required=False, order=1)
    return kind


def handover_to_jobcenter(world):
    """A handover of ``world``'s case proposed to a new Jobcenter of the municipality, with the
    person's consent to pass the case data there."""
    from candidates.models import ConsentScope
    from candidates.services import consent_grant
    from coaching import services
    from organisations.models import OrganisationKind
    from tests.factories import OrganisationFactory

    org = OrganisationFactory(municipality=world.municipality, kind=OrganisationKind.JOBCENTER)
    consent_grant(
        candidate=world.candidate,
        scope=ConsentScope.CASE_DATA,
        actor=world.case_manager,
        recipient_organisation=org,
    )
    return services.handover_propose(
        case=world.case, actor=world.case_manager, kind=handover_kind(), to_organisation=org
    )
