"""Every e-mail the project sends, rendered: no relative link anywhere, no "example.com".

A mail program cannot follow ``/app/...``: every link must carry the host of the one configured
base URL. The first test keeps the list below honest — a new ``send_mail``/``EmailMessage`` call
fails it until it is exercised in the second.
"""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path

import pytest
from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from candidates import services as candidate_services
from candidates.models import Candidate
from cms import services as cms_services
from coaching import services as coaching_services
from notifications import registry
from notifications import services as notification_services
from notifications.links import absolute_url, base_url
from organisations import services as organisation_services
from tests.clock import TODAY
from tests.factories import (
    OccupationFactory,
    ServiceFactory,
    ServiceOrganisationFactory,
    SpeedDatingCandidateFactory,
    SpeedDatingFactory,
)
from tests.fixtures.users import new_member

# "Today" is tests.clock.TODAY, in the test and in the app alike; the live figures count afresh.
pytestmark = pytest.mark.usefixtures("frozen_today", "fresh_figures_cache")

ROOT = Path(__file__).resolve().parents[2]
MAIL_CALLS = {"send_mail", "EmailMessage", "EmailMultiAlternatives", "send_mass_mail"}
# Where the project sends mail (file: number of calls). Each is exercised below.
KNOWN = {
    "candidates/services.py": 2,  # the self-service invitation; an appointment's invitation/reminder
    "coaching/services.py": 1,  # the follow-up reminder
    "cms/services.py": 2,  # the visitor's confirmation (.ics, cancellation link), the organiser's notice
    "employers/speeddating.py": 1,  # the speed-dating invitation with its .ics (issue 15)
    "platform/organisations/services.py": 1,  # the membership invitation
    "platform/notifications/services.py": 2,  # a notice by itself, the daily digest
    "employers/services.py": 1,  # the confirmation link for a placement staff found (issue 14)
    "coaching/discrimination_services.py": 1,  # a counselling service's signed link (issue 15 §3)
    "coaching/referral_services.py": 1,  # a referral's provider: its signed link (issue 17)
}
# A link without a host: in an href, or a bare path after a space, a quote, a bracket or a line start.
RELATIVE = re.compile(
    r"""href=["']/|(?:^|[\s"'(<])/(?:[a-z]{2}/)?(?:app|accounts|cms-admin|django-admin)/""", re.M
)

SAMPLE = {
    "placement": "Koch (m/w/d)",
    "employer": "Gasthaus Linde",
    "at": "2027-01-15T10:00:00+01:00",
    "start": "2027-02-01",
    "reason": "hired_elsewhere",
    "label": "nach 4 Wochen",
    "day": "2027-01-15",
    "org": "Bäckerei Korn",
    "topic": "language",
    "kind": "dropout",
    "severity": "high",
    "status": "accepted",
}
ALLAUTH_PREFIXES = [
    "account/email/account_already_exists",
    "account/email/email_changed",
    "account/email/email_confirm",
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
    "account/email/email_deleted",
    "account/email/login_code",
    "account/email/password_changed",
    "account/email/password_reset",
    "account/email/password_reset_code",
    "account/email/password_reset_key",
    "account/email/password_set",
    "account/email/unknown_account",
]


def _mail_calls(path: Path) -> int:
    tree = ast.parse(path.read_text(), filename=str(path))
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            count += name in MAIL_CALLS
    return count


def test_every_place_that_sends_mail_is_known():
    found = {}
    for top in ("candidates", "employers", "coaching", "cms", "monitoring", "platform"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            calls = _mail_calls(path)
            if calls:
                found[str(path.relative_to(ROOT))] = calls
    assert found == KNOWN


def _assert_absolute(messages) -> None:
    assert messages
    for message in messages:
        bodies = [message.subject, message.body]
        bodies += [content for content, _type in getattr(message, "alternatives", [])]
        for text in bodies:
            assert not RELATIVE.search(text), f"relative link in {message.subject!r}:\n{text}"
            assert "example.com" not in text, message.subject


@pytest.mark.django_db(transaction=False)
def test_no_mail_the_project_sends_carries_a_relative_link(
    coaching_world,
    make_event,
    django_capture_on_commit_callbacks,
):
    mail.outbox = []
    reader_uk = coaching_world.coach
    reader_uk.preferred_language = "uk"
    reader_uk.save(update_fields=["preferred_language"])
    notification_services.email_preference_set(user=reader_uk, choice="digest")

    with django_capture_on_commit_callbacks(execute=True):
        # Every kind of notice: by itself (German reader) and in the digest (Ukrainian reader).
        for key in registry.kind_keys():
            notification_services.notify(
                recipients=[coaching_world.case_manager, reader_uk],
                kind=key,
                params=SAMPLE,
                link="coaching:home",
            )
        # The self-service invitation and the membership invitation.
        candidate_services.invitation_send(
            candidate=coaching_world.case.candidate,
            actor=coaching_world.case_manager,
            email="neu@lotse.example",
        )
        lead = new_member(Role.CASE_MANAGER, organisation=coaching_world.office, lead=True)
        organisation_services.membership_invite(
            actor=lead,
            organisation=coaching_world.office,
            email="kollegin@lotse.example",
            role=Role.JOB_COACH,
        )
        # The permit-expiry warning to the case manager.
        Candidate.objects.filter(pk=coaching_world.case.candidate_id).update(
            work_permission_expires=TODAY + datetime.timedelta(days=30)
        )
        assert candidate_services.permit_expiry_warn() == 1
        # A registration for an event: the visitor gets a confirmation, the organiser is told.
        cms_services.event_registration_create(
            event=make_event(), name="Sandra Weber", email="sandra@firma.example", consent=True
        )
        # An appointment (issue 22): the invitation with its .ics, then its change and cancellation.
        appointment = candidate_services.appointment_create(
            case=coaching_world.case,
            actor=coaching_world.case_manager,
            kind="interview",
            starts_at=timezone.now() + datetime.timedelta(hours=20),
            ends_at=timezone.now() + datetime.timedelta(hours=21),
            place="Rathaus, Zimmer 3",
            staff_attendees=[coaching_world.case_manager],
        )
        # The confirmation link to a business for a placement the case manager found (issue 14).
        from employers import services as employer_services

        occupation = OccupationFactory(
            uri="http://esco.test/occupation/mail-cook", label_de="Koch/Köchin", isco_code=""
        )
        employer_services.placement_acquire(
            actor=coaching_world.case_manager,
            business={
                "name": coaching_world.employer_org.name,
                "sector": "handwerk",
                "contact_email": "chefin@betrieb.example",
            },
            data={
                "title": "Gefundene Stelle",
                "occupation": occupation,
                "postcode": "44135",
                "openings": 1,
            },
        )
    assert candidate_services.appointment_reminders_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        candidate_services.appointment_cancel(appointment=appointment, actor=coaching_world.case_manager)
    assert notification_services.digests_send() == 1
    # The follow-up reminder (the coaching_world's employment began 40 days ago: two are due).
    assert coaching_services.reminders_send() == 2
    # The speed-dating invitation (issue 15), with its .ics, to the person's own login.
    from employers.models import SpeedDatingCandidate
    from employers.speeddating import speed_dating_invitation_send

    Candidate.objects.filter(pk=coaching_world.case.candidate_id).update(user=new_member(Role.CANDIDATE))
    session = SpeedDatingFactory(
        municipality_id=coaching_world.case.municipality_id,
        title="Azubi-Speed-Dating",
        starts_at=timezone.now() + datetime.timedelta(days=5),
        place="Rathaus",
    )
    participant = SpeedDatingCandidateFactory(
        session=session,
        candidate_id=coaching_world.case.candidate_id,
        status=SpeedDatingCandidate.Status.INVITED,
    )
    assert speed_dating_invitation_send(participant_id=participant.pk)
    # A report of discrimination referred to a counselling service: its signed link (issue 15 §3).
    from coaching.discrimination_selectors import Reporter
    from coaching.discrimination_services import report_create

    counselling = ServiceFactory(
        organisation=ServiceOrganisationFactory(municipality=coaching_world.municipality, name="ADN"),
        municipality=coaching_world.municipality,
        name="Antidiskriminierungsberatung",
        category="anti_discrimination",
        email="beratung@adn.example",
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_create(
            actor=coaching_world.coach,
            reporter=Reporter("staff", coaching_world.municipality),
            setting="office",
            occurred_on=TODAY,
            description="Am Schalter abgewiesen",
            refer_to=counselling,
            consent=True,
        )
    assert any("beratung@adn.example" in m.to for m in mail.outbox)
    # A referral to a service: the provider's signed link (issue 17).
    counselling.category = "language_course"
    counselling.save(update_fields=["category"])
    with django_capture_on_commit_callbacks(execute=True):
        coaching_services.referral_create(
            case=coaching_world.case, service=counselling, actor=coaching_world.case_manager
        )
    assert sum("beratung@adn.example" in m.to for m in mail.outbox) == 2
    sent_by_project = list(mail.outbox)
    assert len(sent_by_project) >= len(registry.kind_keys()) + 8
    assert any(m.attachments for m in sent_by_project), "the event confirmation carries its .ics"

    # allauth's own mails, through its adapter, with the links it builds from the request.
    request = RequestFactory().get("/", HTTP_HOST=Site.objects.get_current().domain)
    request.user = coaching_world.case_manager
    context = {
        "request": request,
        "user": coaching_world.case_manager,
        "email": coaching_world.case_manager.email,
        "current_site": Site.objects.get_current(),
        "activate_url": absolute_url(reverse("account_confirm_email", args=["KEY"])),
        "password_reset_url": absolute_url(reverse("account_reset_password_from_key", args=["uid", "key"])),
        "signup_url": absolute_url(reverse("account_signup")),
        "key": "KEY",
        "code": "ABC123",
        "from_email": "alt@lotse.example",
        "to_email": coaching_world.case_manager.email,
        "deleted_email": "alt@lotse.example",
    }
    adapter = get_adapter(request)
    allauth_mails = [
        adapter.render_mail(prefix, coaching_world.case_manager.email, context) for prefix in ALLAUTH_PREFIXES
    ]
    assert any("Lotse" in m.body for m in allauth_mails)

    _assert_absolute(sent_by_project + allauth_mails)
    # Every link the project wrote starts with the one configured base URL.
    links = re.findall(r"https?://[^\s\"'<>]+", "\n".join(m.body for m in sent_by_project))
    assert links and all(link.startswith(base_url() + "/") for link in links), links
    assert settings.WAGTAILADMIN_BASE_URL.rstrip("/") == base_url()


def test_the_password_reset_mail_greets_from_lotse_with_an_absolute_link(client, coaching_world):
    mail.outbox = []
    response = client.post(reverse("account_reset_password"), {"email": coaching_world.case_manager.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "example.com" not in message.subject + message.body
    assert "Lotse" in message.body
    _assert_absolute([message])
