"""factory_boy factories: the one place where tests build their rows.

The shared platform (users, municipalities, organisations, memberships), the ESCO taxonomy,
candidates with their profiles, cases and consents, employers with placements, introductions and
employments, and the services directory. ``make_candidate`` builds a whole listed person (the
one helper for that; ``CandidateFactory`` alone is a bare row), ``make_profile``,
``make_placement`` and ``open_case`` the employer side and the case around a person.

Every user can log in with the password ``pw`` and has a verified, primary allauth e-mail
address, so the real login form works for them without the verification step.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.roles import Role
from candidates.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    Consent,
    ConsentScope,
    Gender,
    Goal,
    LanguageSkill,
    Qualification,
    Step,
    WorkPermission,
)
from coaching.models import Service, ServiceOrganisation
from employers.models import (
    EmployerProfile,
    Employment,
    Introduction,
    Placement,
    PlacementSkill,
    PlacementStatus,
    Sector,
)
from organisations.models import Membership, Municipality, Organisation, OrganisationKind, VerificationStatus
from taxonomy.models import Occupation, Skill

PASSWORD = "pw"

# Identifying details every person built by ``make_candidate`` carries, so tests can look for leaks.
SECRET_FIRST = "Zainab"
SECRET_LAST = "Qasemi"
SECRET_NATIONALITY = "afghanisch"
SECRET_BIRTH = date(1993, 4, 27)
SECRET_STREET = "Geheimweg 17"
SECRET_EMAIL_DOMAIN = "private-mail.example"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@lotse.example")
    display_name = factory.Faker("name", locale="de_DE")
    password = factory.django.Password(PASSWORD)
    is_candidate = False

    class Params:
        candidate = factory.Trait(is_candidate=True)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):  # noqa: N805
        """The allauth e-mail address; ``UserFactory(verified_email=False)`` leaves it unconfirmed."""
        if not create:
            return
        EmailAddress.objects.update_or_create(
            user=obj,
            email=obj.email,
            defaults={"verified": extracted is None or bool(extracted), "primary": True},
        )


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    slug = factory.Sequence(lambda n: f"musterstadt-{n}")
    state = "Nordrhein-Westfalen"
    postcode = "44135"


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Verified by default; ``OrganisationFactory(unverified=True)`` for a pending employer."""

    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = OrganisationKind.WELFARE
    name = factory.Sequence(lambda n: f"Organisation {n:04d}")
    street = "Hauptstraße 1"
    postcode = "44135"
    city = "Dortmund"
    verification_status = VerificationStatus.VERIFIED

    class Params:
        unverified = factory.Trait(verification_status=VerificationStatus.PENDING)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASE_MANAGER
    is_lead = False
    is_active = True


# --- taxonomy -------------------------------------------------------------------------------


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation

    uri = factory.Sequence(lambda n: f"http://esco.test/occupation/{n}")
    label_de = factory.Sequence(lambda n: f"Beruf {n}")
    isco_code = "9999"


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    uri = factory.Sequence(lambda n: f"http://esco.test/skill/{n}")
    label_de = factory.Sequence(lambda n: f"Kompetenz {n}")


# --- candidates -----------------------------------------------------------------------------


class CandidateFactory(factory.django.DjangoModelFactory):
    """A bare candidate row: no profile, no consent, the work permission not yet known;
    ``make_candidate`` builds a listed person with a profile."""

    class Meta:
        model = Candidate

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Sequence(lambda n: f"Amina{n:04d}")
    last_name = factory.Sequence(lambda n: f"Haddad{n:04d}")
    birth_date = date(1990, 5, 17)
    email = factory.Sequence(lambda n: f"amina{n:04d}@mail.example")
    phone = factory.Sequence(lambda n: f"+49 231 55{n:04d}")
    postcode = "44135"
    city = "Dortmund"


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case; the responsible organisation lies in the candidate's municipality."""

    class Meta:
        model = Case

    candidate = factory.SubFactory(CandidateFactory)
    municipality = factory.SelfAttribute("candidate.municipality")
    responsible_organisation = factory.SubFactory(
        OrganisationFactory,
        municipality=factory.SelfAttribute("..candidate.municipality"),
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    """A live grant to the anonymous listing unless told otherwise."""

    class Meta:
        model = Consent

    candidate = factory.SubFactory(CandidateFactory)
    scope = ConsentScope.LISTING


class LanguageSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageSkill

    candidate = factory.SubFactory(CandidateFactory)
    language = "de"
    spoken = "B1"
    written = "A2"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Ziel {n}")


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Schritt {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))


class CandidateOccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateOccupation

    candidate = factory.SubFactory(CandidateFactory)
    occupation = factory.SubFactory(OccupationFactory)
    years_experience = 3


class CandidateSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateSkill

    candidate = factory.SubFactory(CandidateFactory)
    skill = factory.SubFactory(SkillFactory)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    candidate = factory.SubFactory(CandidateFactory)
    title = "Abschluss"
    kind = "vocational"
    country = "Türkei"


def make_candidate(
    municipality, *, occupation=None, years=3, skills=(), german="B1", listed=True, user=None, **fields
) -> Candidate:
    """A person with identifying details (the SECRET_* values, numbered), an occupation with
    ``years`` of experience, ``skills``, German at ``german`` (none when falsy), Arabic as native
    language and, when ``listed``, a live consent to the anonymous listing. ``fields`` override
    the candidate's own columns."""
    n = next(_candidate_numbers)
    defaults = dict(
        first_name=f"{SECRET_FIRST}{n}",
        last_name=f"{SECRET_LAST}{n}",
        nationality=SECRET_NATIONALITY,
        birth_date=SECRET_BIRTH,
        gender=Gender.FEMALE,
        street=SECRET_STREET,
        postcode="44135",
        city="Dortmund",
        email=f"zq{n}@{SECRET_EMAIL_DOMAIN}",
        phone=f"+49 170 99{n:05d}",
        hours_per_week_min=20,
        hours_per_week_max=40,
        work_permission=WorkPermission.UNRESTRICTED,
        available_from=timezone.localdate() + timedelta(days=14),
    )
    defaults.update(fields)
    candidate = CandidateFactory(municipality=municipality, user=user, **defaults)
    if occupation is not None:
        CandidateOccupationFactory(candidate=candidate, occupation=occupation, years_experience=years)
    for skill in skills:
        CandidateSkillFactory(candidate=candidate, skill=skill)
    if german:
        LanguageSkillFactory(candidate=candidate, language="de", spoken=german, written=german)
    LanguageSkillFactory(candidate=candidate, language="ar", spoken="C2", written="C1", is_native=True)
    if listed:
        ConsentFactory(candidate=candidate, scope=ConsentScope.LISTING)
    return candidate


_candidate_numbers = itertools.count(1)


def open_case(candidate, coach) -> Case:
    """An open case of ``candidate`` with ``coach`` as case manager, at the coach's organisation."""
    membership = coach.memberships.first()
    return CaseFactory(
        candidate=candidate,
        municipality=candidate.municipality,
        responsible_organisation=membership.organisation,
        case_manager=coach,
    )


# --- employers ------------------------------------------------------------------------------


class EmployerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmployerProfile
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)
    sector = Sector.GASTRONOMIE
    contact_name = "Frau Chefin"


class PlacementFactory(factory.django.DjangoModelFactory):
    """An open full-time cook's placement asking for German A2 spoken."""

    class Meta:
        model = Placement

    employer = factory.SubFactory(EmployerProfileFactory)
    municipality = factory.SelfAttribute("employer.organisation.municipality")
    title = "Koch (m/w/d)"
    occupation = factory.SubFactory(OccupationFactory)
    postcode = "44135"
    openings = 1
    status = PlacementStatus.OPEN
    min_german_spoken = "A2"
    hours_per_week = 40


class PlacementSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementSkill

    placement = factory.SubFactory(PlacementFactory)
    skill = factory.SubFactory(SkillFactory)
    relation = "essential"


class IntroductionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Introduction

    placement = factory.SubFactory(PlacementFactory)
    candidate = factory.SubFactory(
        CandidateFactory, municipality=factory.SelfAttribute("..placement.municipality")
    )


class EmploymentFactory(factory.django.DjangoModelFactory):
    """An employment without a placement (as a hire recorded by the coach is); pass ``placement``."""

    class Meta:
        model = Employment

    candidate = factory.SubFactory(CandidateFactory)
    employer = factory.SubFactory(EmployerProfileFactory)
    placement = None
    start_date = date(2026, 1, 1)


def make_employment(case: Case, employer_org: Organisation, *, start: date, **kwargs) -> Employment:
    """The case's person employed by ``employer_org`` (a craft business unless it has a profile)."""
    profile = EmployerProfileFactory(organisation=employer_org, sector=Sector.HANDWERK)
    return EmploymentFactory(candidate=case.candidate, employer=profile, start_date=start, **kwargs)


def make_profile(organisation) -> EmployerProfile:
    """The organisation's employer profile, created once."""
    return EmployerProfileFactory(organisation=organisation)


def make_placement(
    profile: EmployerProfile, occupation, *, skills=(), openings=1, status=PlacementStatus.OPEN, **fields
) -> Placement:
    """A placement of ``profile`` for ``occupation``; ``skills`` are (skill, relation) pairs."""
    placement = PlacementFactory(
        employer=profile, occupation=occupation, openings=openings, status=status, **fields
    )
    for skill, relation in skills:
        PlacementSkillFactory(placement=placement, skill=skill, relation=relation)
    return placement


# --- the services directory -----------------------------------------------------------------


class ServiceOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOrganisation
        django_get_or_create = ("municipality", "name")

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Träger {n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    """A language course in the provider's municipality."""

    class Meta:
        model = Service

    organisation = factory.SubFactory(ServiceOrganisationFactory)
    municipality = factory.SelfAttribute("organisation.municipality")
    name = factory.Sequence(lambda n: f"Angebot {n}")
    category = "language_course"


def make_service(municipality, name="Deutschkurs B1") -> Service:
    """A language course in German and Arabic, offered by the municipality's adult education centre."""
    return ServiceFactory(
        organisation=ServiceOrganisationFactory(municipality=municipality, name=f"VHS {municipality.name}"),
        municipality=municipality,
        name=name,
        languages=["de", "ar"],
        url="https://vhs.example/kurs",
    )


# --- factories added by t19c ---

# Imported here so that the shared import block above stays as it is (other blocks append too).
from decimal import Decimal  # noqa: E402

from django.contrib.admin.models import CHANGE, LogEntry  # noqa: E402
from django_celery_beat.models import IntervalSchedule, PeriodicTask  # noqa: E402

from candidates.models import CaseNote, CasePhaseChange, WorkPermitProcedure  # noqa: E402
from coaching.models import (  # noqa: E402
    FollowUpDue,
    Handover,
    HandoverKind,
    LanguageSupportNeed,
    Referral,
    SupportRequest,
)
from employers.models import (  # noqa: E402
    BusinessContactLog,
    BusinessRelation,
    EmploymentQuality,
    IntroductionStage,
)
from monitoring.models import MonitoringSettings  # noqa: E402
from privacy.models import AuditEntry  # noqa: E402


class CaseNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseNote

    case = factory.SubFactory(CaseFactory)
    text = factory.Sequence(lambda n: f"Notiz {n}")


class WorkPermitProcedureFactory(factory.django.DjangoModelFactory):
    """A work permission procedure with nothing entered yet; pass the dates the test needs."""

    class Meta:
        model = WorkPermitProcedure

    case = factory.SubFactory(CaseFactory)


class IntervalScheduleFactory(factory.django.DjangoModelFactory):
    """Every second (the beat tests' schedule), shared: django-celery-beat keeps one row per interval."""

    class Meta:
        model = IntervalSchedule
        django_get_or_create = ("every", "period")

    every = 1
    period = IntervalSchedule.SECONDS


class PeriodicTaskFactory(factory.django.DjangoModelFactory):
    """A beat entry; pass ``task`` and ``queue`` (a worker consumes only its own queue)."""

    class Meta:
        model = PeriodicTask

    name = factory.Sequence(lambda n: f"test task {n}")
    interval = factory.SubFactory(IntervalScheduleFactory)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    """A line of the audit log about a candidate, written by nobody in particular."""

    class Meta:
        model = AuditEntry

    action = AuditEntry.Action.VIEW
    record_type = "candidates.candidate"
    record_id = factory.Sequence(str)


class LogEntryFactory(factory.django.DjangoModelFactory):
    """A line of the Django admin's change log; pass ``user_id``, ``content_type`` and ``object_id``."""

    class Meta:
        model = LogEntry

    object_repr = "x"
    action_flag = CHANGE
    change_message = ""


class CasePhaseChangeFactory(factory.django.DjangoModelFactory):
    """A case's move into a phase; pass ``changed_at`` when the day matters."""

    class Meta:
        model = CasePhaseChange

    case = factory.SubFactory(CaseFactory)
    to_phase = factory.SelfAttribute("case.phase")


class IntroductionStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntroductionStage

    introduction = factory.SubFactory(IntroductionFactory)
    stage = factory.SelfAttribute("introduction.stage")


class EmploymentQualityFactory(factory.django.DjangoModelFactory):
    """A job paying above the minimum wage, subject to social insurance, at the person's level."""

    class Meta:
        model = EmploymentQuality

    employment = factory.SubFactory(EmploymentFactory)
    social_insurance = True
    hourly_wage = factory.LazyFunction(lambda: Decimal("15.00"))
    minimum_wage = factory.LazyFunction(lambda: Decimal("12.82"))
    job_skill_level = 2
    person_skill_level = 2


class BusinessRelationFactory(factory.django.DjangoModelFactory):
    """One relation per business (a second call for the same business returns the first row)."""

    class Meta:
        model = BusinessRelation
        django_get_or_create = ("organisation",)

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)


class BusinessContactLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessContactLog

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)
    kind = "call"
    happened_on = date(2026, 3, 1)


class HandoverKindFactory(factory.django.DjangoModelFactory):
    """One row per slug (a second factory call with the same slug returns the first row)."""

    class Meta:
        model = HandoverKind
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"uebergabe-{n}")
    name = factory.Sequence(lambda n: f"Übergabe {n}")


class HandoverFactory(factory.django.DjangoModelFactory):
    """A case handed from its responsible organisation to a Jobcenter of its municipality."""

    class Meta:
        model = Handover

    case = factory.SubFactory(CaseFactory)
    kind = factory.SubFactory(HandoverKindFactory)
    from_organisation = factory.SelfAttribute("case.responsible_organisation")
    to_organisation = factory.SubFactory(
        OrganisationFactory,
        municipality=factory.SelfAttribute("..case.municipality"),
        kind=OrganisationKind.JOBCENTER,
    )


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    case = factory.SubFactory(CaseFactory)
    service = factory.SubFactory(ServiceFactory)


class FollowUpDueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpDue

    employment = factory.SubFactory(EmploymentFactory)
    sequence = 1
    label = "nach 1 Woche"
    due_date = factory.LazyAttribute(lambda o: o.employment.start_date + timedelta(days=7))


class LanguageSupportNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageSupportNeed

    employment = factory.SubFactory(EmploymentFactory)
    municipality = factory.SelfAttribute("employment.candidate.municipality")
    area = "workplace"
    current_level = "A2"
    target_level = "B1"
    measure = "berufssprachkurs"


class SupportRequestFactory(factory.django.DjangoModelFactory):
    """An employer's open question about an employment, due tomorrow."""

    class Meta:
        model = SupportRequest

    employment = factory.SubFactory(EmploymentFactory)
    employer_organisation = factory.SelfAttribute("employment.employer.organisation")
    municipality = factory.SelfAttribute("employment.candidate.municipality")
    topic = "language"
    message = "Frage"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=1))


class MonitoringSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MonitoringSettings

    municipality = factory.SubFactory(MunicipalityFactory)


# --- factories added by t19b ---
# Rows the employers, matching and config tests build. Only the required columns have defaults;
# the tests pass every value they rely on.

from employers.models import (  # noqa: E402
    BusinessContact,
    BusinessEventRegistration,
    PlacementAcquisition,
    SavedSearch,
    ShortlistEntry,
    SpeedDating,
    SpeedDatingBusiness,
    SpeedDatingCandidate,
    SpeedDatingMeeting,
)


class EmailAddressFactory(factory.django.DjangoModelFactory):
    """An allauth e-mail address of a user built without ``UserFactory``'s own."""

    class Meta:
        model = EmailAddress

    user = factory.SubFactory(UserFactory, verified_email=False)
    email = factory.SelfAttribute("user.email")
    verified = True
    primary = True


class ShortlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShortlistEntry

    placement = factory.SubFactory(PlacementFactory)
    candidate = factory.SubFactory(CandidateFactory)
    added_by = factory.SubFactory(UserFactory)


class SavedSearchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedSearch

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Suche {n}")


class PlacementAcquisitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlacementAcquisition

    placement = factory.SubFactory(PlacementFactory)
    found_by_organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    sent_to = "chefin@betrieb.example"


class SpeedDatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpeedDating

    municipality = factory.SubFactory(MunicipalityFactory)
    title = "Speed-Dating"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    place = "Rathaus"


class SpeedDatingBusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpeedDatingBusiness

    session = factory.SubFactory(SpeedDatingFactory)
    employer = factory.SubFactory(EmployerProfileFactory)


class SpeedDatingCandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpeedDatingCandidate

    session = factory.SubFactory(SpeedDatingFactory)
    candidate = factory.SubFactory(CandidateFactory)


class SpeedDatingMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpeedDatingMeeting

    session = factory.SubFactory(SpeedDatingFactory)
    round = 1
    table = 1
    business = factory.SubFactory(SpeedDatingBusinessFactory, session=factory.SelfAttribute("..session"))
    participant = factory.SubFactory(SpeedDatingCandidateFactory, session=factory.SelfAttribute("..session"))
    placement = factory.SubFactory(PlacementFactory)
    score = 0.5


class BusinessContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessContact

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)
    name = factory.Sequence(lambda n: f"Kontakt {n}")


class BusinessEventRegistrationFactory(factory.django.DjangoModelFactory):
    """A registration linked to a business; build the registration with ``make_registration``."""

    class Meta:
        model = BusinessEventRegistration

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)


class EventRegistrationFactory(factory.django.DjangoModelFactory):
    """A registration for an event page (build the page with Wagtail's ``add_child``)."""

    class Meta:
        model = "cms.EventRegistration"

    name = "Jana Jung"
    email = factory.Sequence(lambda n: f"gast{n}@betrieb.example")
    consent_at = factory.LazyFunction(timezone.now)


# --- factories added by t19a ---
# Rows the coaching, CMS, webhook, notification, organisation, account, privacy and taxonomy tests
# build. Defaults are only the links a row cannot live without; tests pass every value they rely on.


class OccupationSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "taxonomy.OccupationSkill"

    occupation = factory.SubFactory(OccupationFactory)
    skill = factory.SubFactory(SkillFactory)
    relation = "essential"


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Assessment"

    case = factory.SubFactory(CaseFactory)


class AssessmentEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.AssessmentEntry"

    assessment = factory.SubFactory(AssessmentFactory)
    domain = "german"


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "candidates.Appointment"

    case = factory.SubFactory(CaseFactory)
    municipality = factory.SelfAttribute("case.municipality")
    organisation = factory.SelfAttribute("case.responsible_organisation")
    uid = factory.LazyFunction(uuid.uuid4)


class RiskFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.RiskFlag"

    kind = "dropout"


class FollowUpReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.FollowUpReminder"


class HandoverChecklistTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.HandoverChecklistTemplate"

    kind = factory.SubFactory(HandoverKindFactory)
    label = factory.Sequence(lambda n: f"Punkt {n}")


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.Barrier"

    municipality = factory.SubFactory(MunicipalityFactory)


class DiscriminationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.DiscriminationReport"

    municipality = factory.SubFactory(MunicipalityFactory)


class WagtailImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "wagtailimages.Image"

    title = factory.Sequence(lambda n: f"Bild {n}")


class WebhookSubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.WebhookSubscription"

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "webhooks.WebhookDelivery"

    subscription = factory.SubFactory(WebhookSubscriptionFactory)
    event = "introduction.stage_changed"
    url = factory.SelfAttribute("subscription.url")


class MembershipInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.MembershipInvitation"

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"eingeladen{n}@example.org")
    role = Role.CASE_MANAGER
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))


# --- factories added by t19d ---


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token row with a made-up hash (no usable secret): for pages that list or revoke tokens."""

    class Meta:
        model = "api.ApiToken"

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)
    name = factory.Sequence(lambda n: f"Token {n}")
    prefix = "lotse_x"
    token_hash = factory.Sequence(lambda n: f"{n:064d}")


class OAuthClientFactory(factory.django.DjangoModelFactory):
    """An OAuth client row without its oauth2_provider application (``oauth_client_create`` makes both)."""

    class Meta:
        model = "api.OAuthClient"

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.EMPLOYER)
    client_id = factory.Sequence(lambda n: f"client{n}")
    name = factory.Sequence(lambda n: f"Client {n}")


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.FollowUp"

    employment = factory.SubFactory(EmploymentFactory)
    date = factory.LazyFunction(timezone.localdate)
    mode = "workplace"
    with_whom = "candidate"


class VolunteerAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.VolunteerAssignment"

    candidate = factory.SubFactory(CandidateFactory)
    volunteer = factory.SubFactory(UserFactory)


class TutoringSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "coaching.TutoringSession"

    assignment = factory.SubFactory(VolunteerAssignmentFactory)
    date = factory.LazyFunction(timezone.localdate)
    minutes = 60
    topic = "Bewerbung"


class InvitationFactory(factory.django.DjangoModelFactory):
    """A person's invitation to their own login (pass ``created_by``)."""

    class Meta:
        model = "candidates.Invitation"

    candidate = factory.SubFactory(CandidateFactory)
    email = factory.Sequence(lambda n: f"einladung{n}@mail.example")


class GroupFactory(factory.django.DjangoModelFactory):
    """A Django group by name, fetched when it exists (Wagtail's migrations make "Editors")."""

    class Meta:
        model = "auth.Group"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Gruppe {n}")
