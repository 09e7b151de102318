"""Finding 9 and part of 10 of the trust issue: least privilege for coordinators, and choice lists
that stay inside the requesting user's municipality.

Coordinators watch figures, reports and case *metadata* (who is responsible, the stage, dates).
Case notes, special categories (health, residence details, ...) and contact data they read only
where they are responsible for the case themselves: its assigned case manager or the job coach of
the person's employment. Every choice list of organisations or people offers only what the
requesting user may pick; a forged POST is a form error and nothing is stored.

The walk does not trust a list of pages: it crawls every link a coordinator can follow from their
start pages, and requests every object URL of candidates, coaching, employers and monitoring with
the id of every object of the world, looking for any of the secret texts in the answer.
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from candidates.models import Candidate, Case, Consent, ConsentScope
from coaching.models import (
    Handover,
    LanguageSupportNeed,
    Referral,
    VolunteerAssignment,
)
from organisations.models import OrganisationKind
from tests.clock import TODAY
from tests.coaching.helpers import handover_kind
from tests.factories import (
    CaseFactory,
    CaseNoteFactory,
    ConsentFactory,
    FollowUpFactory,
    GoalFactory,
    HandoverFactory,
    LanguageSupportNeedFactory,
    OrganisationFactory,
    ReferralFactory,
    RiskFlagFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    StepFactory,
    TutoringSessionFactory,
    VolunteerAssignmentFactory,
    make_employment,
)
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

# Every text below lives only in a case file (notes, special categories, contact data). None of
# them may reach a coordinator who is not responsible for the case.
SECRETS = {
    "email": "geheim.kontakt@mail.example",
    "phone": "+49 231 9876543",
    "street": "Geheimweg 17",
    "birth_date": "21.03.1987",
    "nationality": "Geheimistan",
    "residence_title_kind": "§ 60a GEHEIM-AufenthG",
    "residence_expires": "13.07.2031",
    "work_permission_expires": "14.08.2032",
    "preferences_own_words": "Ich möchte nach der Therapie wieder als Schweißer arbeiten GEHEIM",
    "preferences_staff_notes": "Traumafolgestörung, braucht ruhigen Arbeitsplatz GEHEIM",
    "case_note": "Fallnotiz GEHEIM: Panikattacken seit der Flucht",
    "goal": "Ziel GEHEIM: Psychotherapie beginnen",
    "step": "Schritt GEHEIM: Termin beim Traumazentrum",
    "follow_up": "Nachbetreuung GEHEIM: Rückenschmerzen, Betriebsarzt",
    "follow_up_place": "Geheimer Treffpunkt Hafen",
    "risk": "Risiko GEHEIM: Schwangerschaft, Abbruchgefahr",
    "need": "Sprachbedarf GEHEIM: Hörgerät nötig",
    "referral": "Verweisung GEHEIM: psychosoziales Zentrum wegen Albträumen",
    "handover": "Übergabe GEHEIM: Duldung läuft aus",
    "tutoring": "Lerntreffen GEHEIM: erzählt von der Familie",
}
CASE_NOTE = SECRETS["case_note"]


class World:
    """One person in Dortmund with a full case file; the people around it; Bochum next door."""


@pytest.fixture
def world(municipality, other_municipality):
    w = World()
    w.municipality, w.other_municipality = municipality, other_municipality
    w.office = OrganisationFactory(municipality=municipality, kind=OrganisationKind.MUNICIPALITY_OFFICE)
    w.jobcenter = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Dortmund"
    )
    w.immigration = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.IMMIGRATION_OFFICE, name="Ausländerbehörde Dortmund"
    )
    w.foreign_jobcenter = OrganisationFactory(
        municipality=other_municipality, kind=OrganisationKind.JOBCENTER, name="Jobcenter Bochum FREMD"
    )
    w.foreign_office = OrganisationFactory(
        municipality=other_municipality,
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
        name="Integration Bochum FREMD",
    )
    w.case_manager = new_member(Role.CASE_MANAGER, organisation=w.office, display_name="Clara Case")
    w.coach = new_member(Role.JOB_COACH, organisation=w.office, display_name="Jonas Coach")
    w.coordinator = new_member(
        Role.COORDINATOR, municipality=municipality, display_name="Katrin Koordination"
    )
    # A coordinator who is also the case manager of the case, and one who coaches the employment.
    w.coordinator_case_manager = new_member(Role.COORDINATOR, municipality=municipality)
    w.coordinator_coach = new_member(Role.COORDINATOR, municipality=municipality)
    w.coordinator_elsewhere = new_member(Role.COORDINATOR, municipality=other_municipality)
    w.volunteer = new_member(Role.VOLUNTEER, municipality=municipality)
    w.foreign_volunteer = new_member(Role.VOLUNTEER, municipality=other_municipality)

    w.case = CaseFactory(
        responsible_organisation=w.office,
        candidate__municipality=municipality,
        case_manager=w.case_manager,
        phase="planning",
        candidate__first_name="Samir",
        candidate__last_name="Nadeem",
        candidate__email=SECRETS["email"],
        candidate__phone=SECRETS["phone"],
        candidate__street=SECRETS["street"],
        candidate__birth_date=datetime.date(1987, 3, 21),
        candidate__nationality=SECRETS["nationality"],
        candidate__residence_status="duldung",
        candidate__residence_title_kind=SECRETS["residence_title_kind"],
        candidate__residence_expires=datetime.date(2031, 7, 13),
        candidate__work_permission="needs_approval",
        candidate__work_permission_expires=datetime.date(2032, 8, 14),
        candidate__preferences_own_words=SECRETS["preferences_own_words"],
        candidate__preferences_staff_notes=SECRETS["preferences_staff_notes"],
    )
    w.candidate = w.case.candidate
    # The same person, second case, managed by the coordinator (so they are responsible for it).
    w.managed_case = CaseFactory(
        responsible_organisation=w.office, candidate=w.candidate, case_manager=w.coordinator_case_manager
    )
    w.note = CaseNoteFactory(case=w.case, author=w.case_manager, text=CASE_NOTE)
    w.goal = GoalFactory(case=w.case, title=SECRETS["goal"])
    w.step = StepFactory(goal=w.goal, title=SECRETS["step"], due_date=TODAY)

    employer_org = OrganisationFactory(
        municipality=municipality, kind=OrganisationKind.EMPLOYER, name="Werft Nord"
    )
    w.employment = make_employment(w.case, employer_org, start=TODAY - datetime.timedelta(days=60))
    from coaching import services as coaching_services

    w.plan = coaching_services.follow_along_start(employment_id=w.employment.pk)
    w.plan.coach = w.coordinator_coach
    w.plan.save(update_fields=["coach"])
    w.follow_up = FollowUpFactory(
        employment=w.employment,
        date=TODAY,
        mode="workplace",
        with_whom="candidate",
        topics=["health"],
        notes=SECRETS["follow_up"],
        place=SECRETS["follow_up_place"],
        author=w.coach,
    )
    w.risk = RiskFlagFactory(
        employment=w.employment, kind="health", severity="high", note=SECRETS["risk"], raised_by=w.coach
    )
    w.need = LanguageSupportNeedFactory(
        employment=w.employment,
        municipality=municipality,
        area="workplace",
        current_level="A2",
        target_level="B1",
        measure="berufssprachkurs",
        note=SECRETS["need"],
        created_by=w.coach,
    )
    provider = ServiceOrganisationFactory(municipality=municipality, name="Psychosoziales Zentrum")
    w.service = ServiceFactory(
        organisation=provider, municipality=municipality, name="Beratung", category="psychosocial"
    )
    foreign_provider = ServiceOrganisationFactory(municipality=other_municipality, name="VHS Bochum")
    w.foreign_service = ServiceFactory(
        organisation=foreign_provider,
        municipality=other_municipality,
        name="Sprachkurs Bochum FREMD",
        category="language_course",
    )
    w.referral = ReferralFactory(
        case=w.case, service=w.service, note=SECRETS["referral"], created_by=w.case_manager
    )
    ConsentFactory(candidate=w.candidate, scope=ConsentScope.CASE_DATA, recipient_organisation=w.jobcenter)
    w.handover = HandoverFactory(
        case=w.case,
        kind=handover_kind(),
        from_organisation=w.office,
        to_organisation=w.jobcenter,
        note=SECRETS["handover"],
        proposed_by=w.case_manager,
    )
    ConsentFactory(candidate=w.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=w.volunteer)
    w.assignment = VolunteerAssignmentFactory(candidate=w.candidate, volunteer=w.volunteer)
    w.tutoring = TutoringSessionFactory(
        assignment=w.assignment,
        date=TODAY,
        minutes=60,
        topic="Bewerbung",
        notes=SECRETS["tutoring"],
    )
    return w


def _signed_in(user) -> Client:
    return login_with_mfa(Client(), user)


def _leaks(content: bytes) -> list[str]:
    text = content.decode("utf-8", errors="replace")
    return [name for name, secret in SECRETS.items() if secret in text]


# --- walking every page a coordinator can reach ------------------------------------------------

WALKED_APPS = ("candidates", "coaching", "employers", "monitoring")


def _patterns(patterns=None, prefix="", namespace=None):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace
            )
        elif isinstance(entry, URLPattern) and namespace in WALKED_APPS:
            yield "/" + prefix + str(entry.pattern)


def _object_ids(w) -> set[int]:
    objects = [
        w.candidate,
        w.case,
        w.managed_case,
        w.note,
        w.goal,
        w.step,
        w.employment,
        w.plan,
        w.follow_up,
        w.risk,
        w.need,
        w.referral,
        w.handover,
        w.assignment,
        w.tutoring,
        w.service,
    ]
    return {o.pk for o in objects}


def _concrete(pattern: str, ids: set[int]) -> list[str]:
    """Every way to fill the route's converters with the world's ids (str converters get a word)."""
    paths = [pattern]
    for converter in re.findall(r"<[^>]+>", pattern):
        if converter.startswith("<int:"):
            values = [str(i) for i in sorted(ids)]
        elif "kind" in converter:
            values = ["languages", "occupations", "skills", "qualifications"]
        else:
            values = ["x"]
        paths = [p.replace(converter, v, 1) for p in paths for v in values]
    return paths


def _crawl(client: Client, start: list[str], limit: int = 400) -> dict[str, bytes]:
    """Follow every same-site link (GET only) from the start pages; the pages read, by path."""
    seen: dict[str, bytes] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.content if response.status_code == 200 else b""
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="(/app/[^"#?]*)', response.content.decode("utf-8", errors="replace")):
            if href not in seen and "/logout" not in href:
                queue.append(href)
    return seen


def test_the_walk_sees_the_secrets_where_they_are_shown(world):
    # The walk must be able to fail: the responsible case manager reads every secret on its pages.
    client = _signed_in(world.case_manager)
    found = set()
    for path in {p for pattern in _patterns() for p in _concrete(pattern, _object_ids(world))}:
        response = client.get(path)
        if response.status_code == 200:
            found.update(_leaks(response.content))
    # Tutoring notes are the volunteer's own; referral and need notes are stored but never shown.
    assert found >= set(SECRETS) - {"tutoring", "referral", "need"}


@pytest.mark.parametrize(
    "who",
    [
        "coordinator",
        "coordinator_elsewhere",
    ],
)
def test_no_page_shows_a_coordinator_case_notes_special_categories_or_contact(world, who):
    client = _signed_in(getattr(world, who))
    leaks = {}
    for path in sorted({p for pattern in _patterns() for p in _concrete(pattern, _object_ids(world))}):
        response = client.get(path)
        found = _leaks(response.content)
        if found:
            leaks[path] = found
    starts = [
        reverse("candidates:case_list"),
        reverse("coaching:home"),
        reverse("monitoring:dashboard"),
        reverse("monitoring:report"),
        "/app/",
    ]
    for path, content in _crawl(client, starts).items():
        found = _leaks(content)
        if found:
            leaks[path] = found
    assert leaks == {}


def test_case_pages_refuse_or_drop_the_file_for_a_coordinator(world):
    client = _signed_in(world.coordinator)
    # The person's page and the case page answer with metadata only ...
    for url in (
        reverse("candidates:detail", args=[world.candidate.pk]),
        reverse("candidates:case_detail", args=[world.case.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _leaks(response.content) == [], url
    # ... the coaching pages that consist of the file are refused outright.
    for url in (
        reverse("coaching:case_detail", args=[world.case.pk]),
        reverse("coaching:employment_detail", args=[world.employment.pk]),
    ):
        assert client.get(url).status_code == 403, url


def test_a_responsible_coordinator_reads_the_file(world):
    # Case manager of one of the person's cases: the person's page and the case page with its notes.
    client = _signed_in(world.coordinator_case_manager)
    detail = client.get(reverse("candidates:detail", args=[world.candidate.pk]))
    assert detail.status_code == 200
    assert {"email", "phone", "residence_title_kind", "preferences_staff_notes"} <= set(
        _leaks(detail.content)
    )
    case_page = client.get(reverse("candidates:case_detail", args=[world.case.pk]))
    assert CASE_NOTE in case_page.content.decode()
    # Job coach of the person's employment: the follow-along page with its notes.
    client = _signed_in(world.coordinator_coach)
    employment = client.get(reverse("coaching:employment_detail", args=[world.employment.pk]))
    assert employment.status_code == 200
    assert {"follow_up", "risk"} <= set(_leaks(employment.content))


def test_a_coordinator_still_sees_figures_and_case_metadata(world):
    client = _signed_in(world.coordinator)
    assert client.get(reverse("monitoring:dashboard")).status_code == 200
    home = client.get(reverse("coaching:home"))
    assert home.status_code == 200 and home.context["figures"] is not None
    caseload = client.get(reverse("candidates:case_list")).content.decode()
    assert "Nadeem" in caseload and "Integrationsplanung" in caseload
    detail = client.get(reverse("candidates:detail", args=[world.candidate.pk]))
    assert detail.status_code == 200
    page = detail.content.decode()
    # Who is responsible, the stage, dates.
    assert "Samir Nadeem" in page and world.office.name in page and "Integrationsplanung" in page
    assert "Clara Case" in page
    case_page = client.get(reverse("candidates:case_detail", args=[world.case.pk])).content.decode()
    assert world.office.name in case_page and "Integrationsplanung" in case_page and "Clara Case" in case_page
    assert (
        timezone.localtime(world.case.opened_at).strftime("%d.%m.%Y") in case_page
    )  # the page shows Berlin time
    # Another municipality's coordinator sees none of it.
    elsewhere = _signed_in(world.coordinator_elsewhere)
    assert elsewhere.get(reverse("candidates:detail", args=[world.candidate.pk])).status_code == 404
    assert "Nadeem" not in elsewhere.get(reverse("candidates:case_list")).content.decode()


# --- choice lists stay inside the municipality (and the right kind) --------------------------------


def _options(content: bytes, name: str) -> set[str]:
    """The option values of the <select name=...> on the page (empty value left out)."""
    text = content.decode()
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', text, re.S)
    assert match, f"no select {name}"
    return {v for v in re.findall(r'<option value="([^"]*)"', match.group(1)) if v}


def test_handover_form_lists_only_receiving_organisations_it_may_name(world):
    client = _signed_in(world.case_manager)
    url = reverse("coaching:handover_create", args=[world.managed_case.pk])
    offered = _options(client.get(url).content, "to_organisation")
    assert str(world.jobcenter.pk) in offered
    # Never an office that must not receive case files (Ausländerbehörde), never a person. Another
    # municipality's receiving office is offered (people move, DESIGN.md); without the person's
    # consent to it the service refuses it with a form error that leads to the consent page.
    assert str(world.immigration.pk) not in offered
    # Even a (mistaken) consent to the Ausländerbehörde does not make it a receiving office.
    ConsentFactory(
        candidate=world.candidate, scope=ConsentScope.CASE_DATA, recipient_organisation=world.immigration
    )
    before = Handover.objects.count()
    for forged in (world.foreign_jobcenter, world.immigration):
        response = client.post(url, {"kind": handover_kind().pk, "to_organisation": forged.pk, "note": "x"})
        assert response.status_code == 200
        assert response.context["form"].errors.get("to_organisation"), forged.name
    assert Handover.objects.count() == before


def test_a_move_to_another_municipality_offers_its_offices_by_municipality(world):
    # DESIGN.md: people move; the receiving offices elsewhere are offered, grouped by municipality.
    client = _signed_in(world.case_manager)
    url = reverse("coaching:handover_create", args=[world.managed_case.pk])
    page = client.get(url).content
    assert str(world.foreign_jobcenter.pk) in _options(page, "to_organisation")
    assert f'label="{world.other_municipality.name}"'.encode() in page


def test_paper_consent_form_offers_only_organisations_that_can_receive(world):
    client = _signed_in(world.case_manager)
    url = reverse("candidates:consents", args=[world.candidate.pk])
    offered = _options(client.get(url).content, "recipient_organisation")
    assert str(world.jobcenter.pk) in offered
    # Another municipality's receiving office may be named (a handover there needs the consent);
    # the Ausländerbehörde never, and an office elsewhere never for contact data.
    assert str(world.foreign_jobcenter.pk) in offered
    assert str(world.immigration.pk) not in offered
    before = list(Consent.objects.order_by("pk").values_list("pk", "revoked_at"))
    for scope, forged in (("contact", world.foreign_jobcenter), ("case_data", world.immigration)):
        response = client.post(
            url,
            {
                "scope": scope,
                "recipient_organisation": forged.pk,
                "granted_on": TODAY.isoformat(),
                "paper_form_reference": "A1",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors.get("recipient_organisation"), forged.name
    assert list(Consent.objects.order_by("pk").values_list("pk", "revoked_at")) == before


def test_case_manager_choice_refuses_people_of_other_organisations(world):
    client = _signed_in(world.case_manager)
    url = reverse("candidates:case_detail", args=[world.case.pk])
    offered = _options(client.get(url).content, "case_manager")
    foreign = new_member(Role.CASE_MANAGER, organisation=world.foreign_office)
    assert str(foreign.pk) not in offered and str(world.coordinator.pk) not in offered
    response = client.post(url, {"phase": "linking", "legal_circle": "none", "case_manager": foreign.pk})
    assert response.status_code == 200
    assert response.context["form"].errors.get("case_manager")
    world.case.refresh_from_db()
    assert (world.case.phase, world.case.case_manager_id) == ("planning", world.case_manager.pk)


def test_service_choices_refuse_another_municipalitys_offer(world):
    client = _signed_in(world.case_manager)
    referral_url = reverse("coaching:referral_create", args=[world.case.pk])
    assert str(world.foreign_service.pk) not in _options(client.get(referral_url).content, "service")
    before = Referral.objects.count()
    response = client.post(referral_url, {"service": world.foreign_service.pk, "note": "x"})
    assert response.status_code == 200 and response.context["form"].errors.get("service")
    assert Referral.objects.count() == before
    need_url = reverse("coaching:language_need_create", args=[world.employment.pk])
    assert str(world.foreign_service.pk) not in _options(client.get(need_url).content, "provider")
    needs = LanguageSupportNeed.objects.count()
    response = client.post(
        need_url,
        {
            "token": uuid.uuid4(),
            "area": "workplace",
            "current_level": "A2",
            "target_level": "B1",
            "measure": "berufssprachkurs",
            "funding": "unclear",
            "status": "open",
            "provider": world.foreign_service.pk,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors.get("provider")
    assert LanguageSupportNeed.objects.count() == needs


def test_intake_refuses_an_organisation_the_case_manager_does_not_belong_to(world):
    client = _signed_in(world.case_manager)
    url = reverse("candidates:create")
    assert _options(client.get(url).content, "responsible_organisation") == {str(world.office.pk)}
    before = Candidate.objects.count()
    response = client.post(
        url,
        {
            "first_name": "Lea",
            "last_name": "Fremd",
            "responsible_organisation": world.foreign_office.pk,
            "legal_circle": "none",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("responsible_organisation")
    assert (
        Candidate.objects.count() == before and Case.objects.filter(candidate__last_name="Fremd").count() == 0
    )


def test_volunteer_assignment_stays_in_the_municipality_and_reveals_no_account(world):
    client = _signed_in(world.case_manager)
    url = reverse("coaching:volunteer_assign", args=[world.case.pk])
    ConsentFactory(
        candidate=world.candidate, scope=ConsentScope.VOLUNTEER, recipient_user=world.foreign_volunteer
    )
    initiative = world.volunteer.memberships.first().organisation
    before = VolunteerAssignment.objects.count()
    answers = []
    for email in (world.foreign_volunteer.email, world.coordinator_elsewhere.email, "niemand@mail.example"):
        response = client.post(
            url, {"volunteer_email": email, "focus": "language", "organisation": initiative.pk}, follow=True
        )
        assert response.status_code == 200 and response.redirect_chain
        answers.append([str(m) for m in response.context["messages"]])
    # Whether an account exists elsewhere on the platform is nobody's business here: every address is
    # invited by the municipality's initiative, and a volunteer of another municipality is not assigned.
    assert answers[0] == answers[1] == answers[2]
    assert VolunteerAssignment.objects.count() == before
