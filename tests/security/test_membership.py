"""Finding 3 of the trust issue: membership by invitation.

Nobody gains a role without accepting it, and no answer tells the one who invites whether an
account exists. Only leads of verified organisations invite; an invitation is a row with a random
token, an expiry and one open invitation per organisation and address; the person accepts it
while signed in with the invited address. Accepting never widens what an account sees across
municipalities or across the employer / public side. Invitations are throttled.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from organisations.models import Membership, Organisation
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    MembershipInvitationFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(/app/organisations/invitations/[A-Za-z0-9_\-]+/)")


def _members_url(org) -> str:
    return reverse("organisations:members", args=[org.pk])


def _invite(client, org, email, role="employer", capture=None, **extra):
    data = {"email": email, "role": role, **extra}
    if capture is None:
        return client.post(_members_url(org), data)
    with capture(execute=True):
        return client.post(_members_url(org), data)


def _link_for(email: str) -> str:
    """The acceptance path in the last invitation e-mail sent to ``email``."""
    sent = [m for m in mail.outbox if email in m.to]
    assert sent, f"no invitation e-mail to {email}"
    return LINK.search(sent[-1].body).group(1)


def _messages(response, email: str) -> list[str]:
    return [str(m).replace(email, "<email>") for m in response.context["messages"]]


def _roles(user) -> set[tuple[int, str]]:
    return set(Membership.objects.filter(user=user, is_active=True).values_list("organisation_id", "role"))


@pytest.fixture
def employer_lead(make_member):
    return make_member("employer", lead=True)


@pytest.fixture
def employer_org(employer_lead):
    return employer_lead.memberships.get().organisation


# --- only verified organisations invite ------------------------------------------------------


def test_an_unverified_employers_lead_cannot_add_or_invite_anyone(
    make_member, signed_in, django_capture_on_commit_callbacks
):
    lead = make_member("employer", lead=True, verified=False)
    org = lead.memberships.get().organisation
    victim = UserFactory(display_name="Amina Haddad", is_candidate=True)
    members_before = list(Membership.objects.values_list("pk", "user_id", "role", "is_active"))

    response = _invite(signed_in(lead), org, victim.email, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert "geprüft" in response.content.decode()
    assert list(Membership.objects.values_list("pk", "user_id", "role", "is_active")) == members_before
    assert mail.outbox == []
    from organisations.models import MembershipInvitation

    assert not MembershipInvitation.objects.exists()


# --- the answer never says whether an account exists ------------------------------------------


@pytest.mark.parametrize("existing_kind", ["candidate", "case_manager_elsewhere", "plain"])
def test_the_answer_is_the_same_whether_or_not_an_account_exists(
    existing_kind,
    employer_lead,
    employer_org,
    make_member,
    other_municipality,
    signed_in,
    django_capture_on_commit_callbacks,
):
    if existing_kind == "candidate":
        existing = UserFactory(email="amina@mail.example", display_name="Amina Haddad", is_candidate=True)
    elif existing_kind == "case_manager_elsewhere":
        existing = make_member(
            "case_manager",
            municipality=other_municipality,
            email="amina@mail.example",
            display_name="Amina Haddad",
        )
    else:
        existing = UserFactory(email="amina@mail.example", display_name="Amina Haddad")
    client = signed_in(employer_lead)
    roles_before = _roles(existing)

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            _members_url(employer_org), {"email": existing.email, "role": "employer"}, follow=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            _members_url(employer_org), {"email": "niemand@mail.example", "role": "employer"}, follow=True
        )

    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert _messages(known, existing.email) == _messages(unknown, "niemand@mail.example")
    # Both addresses get the same e-mail; nobody got a role.
    assert {tuple(m.to) for m in mail.outbox} == {(existing.email,), ("niemand@mail.example",)}
    assert _roles(existing) == roles_before
    body = client.get(_members_url(employer_org)).content.decode()
    assert "Amina Haddad" not in body
    assert existing.email in body and "niemand@mail.example" in body  # pending, by the typed address


def test_inviting_an_existing_member_answers_the_same_too(
    employer_lead, employer_org, make_member, signed_in, django_capture_on_commit_callbacks
):
    colleague = make_member("employer", organisation=employer_org)
    client = signed_in(employer_lead)
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            _members_url(employer_org), {"email": colleague.email, "role": "employer"}, follow=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(
            _members_url(employer_org), {"email": "neu@mail.example", "role": "employer"}, follow=True
        )
    assert known.redirect_chain == unknown.redirect_chain == [(_members_url(employer_org), 302)]
    assert _messages(known, colleague.email) == _messages(unknown, "neu@mail.example")


# --- no role before acceptance ---------------------------------------------------------------


def test_a_candidate_invited_holds_no_role_and_is_not_sent_to_totp(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    candidate = UserFactory(is_candidate=True, display_name="Amina Haddad")
    _invite(
        signed_in(employer_lead), employer_org, candidate.email, capture=django_capture_on_commit_callbacks
    )

    assert _roles(candidate) == set()
    page = signed_in(candidate, mfa=False).get("/app/")
    assert page.status_code == 200  # not forced into TOTP set-up: revoking consent stays possible


def test_accepting_while_signed_in_with_the_invited_address_gives_the_role(
    employer_lead, employer_org, signed_in, client, django_capture_on_commit_callbacks
):
    _invite(
        signed_in(employer_lead), employer_org, "Neu@Mail.example", capture=django_capture_on_commit_callbacks
    )
    link = _link_for("neu@mail.example")

    # Anyone with the link sees the same page: sign in or sign up with the invited address.
    anonymous = client.get(link)
    assert anonymous.status_code == 200
    assert reverse("account_login") in anonymous.content.decode()
    assert reverse("account_signup") in anonymous.content.decode()
    assert client.post(link, {"action": "accept"}).status_code == 302  # to the login
    assert not Membership.objects.filter(organisation=employer_org, user__email="neu@mail.example").exists()

    invitee = UserFactory(email="neu@mail.example")
    person = signed_in(invitee, mfa=False)
    assert person.get(link).status_code == 200
    response = person.post(link, {"action": "accept"})
    assert response.status_code == 302
    assert _roles(invitee) == {(employer_org.pk, "employer")}
    # The role needs the second factor now: the next page is TOTP set-up.
    assert person.get("/app/")["Location"].startswith("/accounts/2fa/totp/activate/")
    # Used once.
    assert signed_in(invitee).post(link, {"action": "accept"}).status_code == 404
    assert Membership.objects.filter(user=invitee).count() == 1


def test_another_account_cannot_accept_someone_elses_invitation(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    _invite(
        signed_in(employer_lead), employer_org, "neu@mail.example", capture=django_capture_on_commit_callbacks
    )
    link = _link_for("neu@mail.example")
    intruder = UserFactory(email="eindringling@mail.example")

    response = signed_in(intruder, mfa=False).post(link, {"action": "accept"})

    assert response.status_code == 403
    assert _roles(intruder) == set()
    from organisations.models import MembershipInvitation

    assert MembershipInvitation.objects.get().status == "pending"


def test_declining_leaves_no_role_and_ends_the_invitation(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    invitee = UserFactory(email="neu@mail.example")
    _invite(signed_in(employer_lead), employer_org, invitee.email, capture=django_capture_on_commit_callbacks)
    link = _link_for(invitee.email)
    person = signed_in(invitee, mfa=False)

    assert person.post(link, {"action": "decline"}).status_code == 302
    assert _roles(invitee) == set()
    assert person.post(link, {"action": "accept"}).status_code == 404
    assert _roles(invitee) == set()


def test_an_expired_or_revoked_invitation_gives_no_role(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    from organisations.models import MembershipInvitation

    lead = signed_in(employer_lead)
    first, second = UserFactory(email="eins@mail.example"), UserFactory(email="zwei@mail.example")
    for person in (first, second):
        _invite(lead, employer_org, person.email, capture=django_capture_on_commit_callbacks)
    MembershipInvitation.objects.filter(email=first.email).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    revoked = MembershipInvitation.objects.get(email=second.email)
    assert (
        lead.post(reverse("organisations:invitation_revoke", args=[employer_org.pk, revoked.pk])).status_code
        == 302
    )

    for person in (first, second):
        response = signed_in(person, mfa=False).post(_link_for(person.email), {"action": "accept"})
        assert response.status_code == 404
        assert _roles(person) == set()


def test_one_open_invitation_per_organisation_and_address(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    from organisations.models import MembershipInvitation

    client = signed_in(employer_lead)
    for _ in range(2):
        _invite(client, employer_org, "neu@mail.example", capture=django_capture_on_commit_callbacks)
    assert MembershipInvitation.objects.filter(organisation=employer_org, status="pending").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        # The create itself is what is checked (one open invitation per address): no factory.
        MembershipInvitation.objects.create(
            organisation=employer_org,
            email="neu@mail.example",
            role="employer",
            token="x" * 43,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )


# --- accepting never widens what an account sees ---------------------------------------------


def test_another_municipalitys_case_manager_cannot_become_an_employer(
    employer_lead,
    employer_org,
    make_member,
    other_municipality,
    signed_in,
    django_capture_on_commit_callbacks,
):
    case_manager = make_member("case_manager", municipality=other_municipality)
    _invite(
        signed_in(employer_lead), employer_org, case_manager.email, capture=django_capture_on_commit_callbacks
    )
    roles_before = _roles(case_manager)

    response = signed_in(case_manager).post(_link_for(case_manager.email), {"action": "accept"})

    assert response.status_code == 403
    assert "kann nicht angenommen werden" in response.content.decode()
    assert _roles(case_manager) == roles_before


@pytest.mark.parametrize("role", ["case_manager", "job_coach", "coordinator", "volunteer", "chamber_editor"])
def test_no_staff_role_of_the_same_municipality_becomes_an_employer_either(
    role, employer_lead, employer_org, make_member, signed_in, django_capture_on_commit_callbacks
):
    staff = make_member(role)
    _invite(signed_in(employer_lead), employer_org, staff.email, capture=django_capture_on_commit_callbacks)
    response = signed_in(staff).post(_link_for(staff.email), {"action": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=staff, role="employer").exists()


def test_an_employer_cannot_become_staff_of_the_municipality(
    make_member, signed_in, employer_lead, municipality, django_capture_on_commit_callbacks
):
    coordinator = make_member("coordinator")
    office = coordinator.memberships.get().organisation
    _invite(
        signed_in(coordinator),
        office,
        employer_lead.email,
        role="case_manager",
        capture=django_capture_on_commit_callbacks,
    )
    response = signed_in(employer_lead).post(_link_for(employer_lead.email), {"action": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=employer_lead, organisation=office).exists()


def test_a_case_manager_does_not_gain_a_second_municipality(
    make_member, signed_in, other_municipality, django_capture_on_commit_callbacks
):
    case_manager = make_member("case_manager")
    foreign_coordinator = make_member("coordinator", municipality=other_municipality)
    foreign_office = foreign_coordinator.memberships.get().organisation
    _invite(
        signed_in(foreign_coordinator),
        foreign_office,
        case_manager.email,
        role="case_manager",
        capture=django_capture_on_commit_callbacks,
    )
    response = signed_in(case_manager).post(_link_for(case_manager.email), {"action": "accept"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=case_manager, organisation=foreign_office).exists()


def test_a_candidate_account_takes_no_staff_role(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    candidate = UserFactory(is_candidate=True)
    _invite(
        signed_in(employer_lead), employer_org, candidate.email, capture=django_capture_on_commit_callbacks
    )
    response = signed_in(candidate, mfa=False).post(_link_for(candidate.email), {"action": "accept"})
    assert response.status_code == 403
    assert _roles(candidate) == set()


def test_an_organisation_no_longer_verified_gives_no_role(
    employer_lead, employer_org, signed_in, django_capture_on_commit_callbacks
):
    invitee = UserFactory(email="neu@mail.example")
    _invite(signed_in(employer_lead), employer_org, invitee.email, capture=django_capture_on_commit_callbacks)
    Organisation.objects.filter(pk=employer_org.pk).update(verification_status="rejected")

    response = signed_in(invitee, mfa=False).post(_link_for(invitee.email), {"action": "accept"})

    assert response.status_code == 403
    assert _roles(invitee) == set()


# --- throttle --------------------------------------------------------------------------------


def test_invitations_are_throttled_per_organisation(
    employer_lead, employer_org, make_member, signed_in, django_capture_on_commit_callbacks
):
    from organisations.models import MembershipInvitation

    second_lead = make_member("employer", organisation=employer_org, lead=True)
    first, second = signed_in(employer_lead), signed_in(second_lead)
    for i in range(20):
        response = _invite(
            first if i % 2 else second,
            employer_org,
            f"p{i}@mail.example",
            capture=django_capture_on_commit_callbacks,
        )
        assert response.status_code == 302
    assert MembershipInvitation.objects.count() == 20

    refused = _invite(first, employer_org, "p20@mail.example", capture=django_capture_on_commit_callbacks)

    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Zu viele Einladungen" in body and "p20@mail.example" in body  # the input comes back
    assert MembershipInvitation.objects.count() == 20
    assert len(mail.outbox) == 20


# --- candidate invitations (case managers invite candidates) -----------------------------------


def _candidate_case(case_manager_team):
    from tests.factories import CaseFactory

    return CaseFactory(
        responsible_organisation=case_manager_team.organisation,
        candidate__municipality=case_manager_team.municipality,
        case_manager=case_manager_team.own,
    )


def test_a_candidate_invitation_answers_the_same_whether_or_not_an_account_exists(
    case_manager_team, signed_in, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="amina@mail.example", display_name="Amina Haddad")
    client = signed_in(case_manager_team.own)
    answers = []
    for email in (existing.email, "niemand@mail.example"):
        case = _candidate_case(case_manager_team)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("candidates:invite", args=[case.candidate.pk]), {"email": email}, follow=True
            )
        case.candidate.refresh_from_db()
        assert case.candidate.user_id is None
        answers.append((response.status_code, [str(m) for m in response.context["messages"]]))
    assert answers[0] == answers[1]
    assert _roles(existing) == set() and not existing.is_candidate


def test_a_candidate_invitation_never_links_or_signs_in_an_existing_account(
    case_manager_team, signed_in, client, django_capture_on_commit_callbacks
):
    staff = MembershipFactory(
        organisation=OrganisationFactory(municipality=case_manager_team.municipality), role="job_coach"
    ).user
    case = _candidate_case(case_manager_team)
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(case_manager_team.own).post(
            reverse("candidates:invite", args=[case.candidate.pk]), {"email": staff.email}
        )
    body = [m for m in mail.outbox if staff.email in m.to][-1].body
    path = "/" + re.search(r"https?://\S+", body).group(0).split("://", 1)[1].split("/", 1)[1]

    response = client.post(path, {"password1": "Sonnenblume-2024", "password2": "Sonnenblume-2024"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    case.candidate.refresh_from_db()
    staff.refresh_from_db()
    assert case.candidate.user_id is None and not staff.is_candidate


# --- the same class elsewhere: allauth's own forms --------------------------------------------


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/accounts/signup/", {"password1": "Sonnenblume-2024!", "password2": "Sonnenblume-2024!"}),
        ("/accounts/password/reset/", {}),
    ],
)
def test_signup_and_password_reset_answer_the_same_for_existing_accounts(path, data):
    from django.test import Client

    existing = UserFactory(email="amina@mail.example")
    answers = []
    for email in (existing.email, "niemand@mail.example"):
        response = Client(REMOTE_ADDR="203.0.113.30").post(path, {"email": email, **data})
        answers.append((response.status_code, response.get("Location")))
    assert answers[0] == answers[1]


# --- review findings: simultaneous accepts, self-invitation, double submit, Wagtail's groups ----

ROUNDS = 5


def _race(calls):
    """Run the calls at the same moment, one thread and one connection each; results or exceptions."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the tests assert on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    for r in results:
        if isinstance(r, Exception):
            raise r
    return results


def _tabs(user, n):
    from django.test import Client

    from tests.fixtures.users import login_with_mfa

    return [login_with_mfa(Client(), user) for _ in range(n)]


def _open_invitation(organisation, email, role):

    invitation = MembershipInvitationFactory(
        organisation=organisation,
        email=email,
        role=role,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return reverse("organisations:invitation", args=[invitation.token])


def _one_side_only(user) -> None:
    held = list(Membership.objects.filter(user=user, is_active=True).select_related("organisation"))
    employer_side = {m.role == "employer" for m in held}
    assert len(employer_side) <= 1, [(m.role, m.organisation.name) for m in held]
    public_municipalities = {m.organisation.municipality_id for m in held if m.role != "employer"}
    assert len(public_municipalities) <= 1, [(m.role, m.organisation.name) for m in held]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_accepts_never_give_roles_on_both_sides(municipality, other_municipality):
    employer = OrganisationFactory(municipality=municipality, kind="employer", verification_status="verified")
    office_a = OrganisationFactory(municipality=municipality, kind="municipality_office")
    office_b = OrganisationFactory(municipality=other_municipality, kind="municipality_office")
    for n in range(ROUNDS):
        person = UserFactory(email=f"drei-tabs-{n}@mail.example")
        links = [
            _open_invitation(employer, person.email, "employer"),
            _open_invitation(office_a, person.email, "case_manager"),
            _open_invitation(office_b, person.email, "case_manager"),
        ]
        tabs = _tabs(person, 3)

        results = _race(
            [
                lambda c=c, link=link: c.post(link, {"action": "accept"})
                for c, link in zip(tabs, links, strict=True)
            ]
        )

        assert sorted(r.status_code for r in results) == [302, 403, 403]
        assert Membership.objects.filter(user=person, is_active=True).count() == 1
        _one_side_only(person)


@pytest.mark.django_db(transaction=True)
def test_registering_a_business_while_accepting_a_public_role_gives_one_side_only(municipality):
    office = OrganisationFactory(municipality=municipality, kind="municipality_office")
    for n in range(ROUNDS):
        person = UserFactory(email=f"zwei-wege-{n}@mail.example")
        link = _open_invitation(office, person.email, "case_manager")
        tabs = _tabs(person, 2)
        form = {
            "name": f"Bäckerei Zwei Wege {n}",
            "municipality": municipality.pk,
            "street": "Markt 3",
            "postcode": "44135",
            "city": "Dortmund",
            "sector": "handwerk",
            "size": "10-49",
            "contact_name": "Petra Sonnenschein",
            "contact_email": "petra@baeckerei.example",
            "contact_phone": "0231 1234",
        }

        results = _race(
            [
                lambda tab=tabs[0], link=link: tab.post(link, {"action": "accept"}),
                lambda tab=tabs[1], form=form: tab.post(reverse("employers:register"), form),
            ]
        )

        assert all(r.status_code in (200, 302, 403) for r in results)
        assert Membership.objects.filter(user=person, is_active=True).count() == 1
        _one_side_only(person)


def test_a_case_manager_cannot_register_a_business(make_member):
    from django.core.exceptions import ValidationError

    from employers.services import employer_register

    case_manager = make_member("case_manager")
    before = _roles(case_manager)
    with pytest.raises(ValidationError) as refused:
        employer_register(
            user=case_manager,
            municipality=case_manager.memberships.get().organisation.municipality,
            name="Bäckerei Seitenwechsel",
            street="Markt 3",
            postcode="44135",
            city="Dortmund",
            sector="handwerk",
            contact_name="Petra Sonnenschein",
        )
    assert "schließen sich aus" in str(refused.value)
    assert _roles(case_manager) == before
    assert not Organisation.objects.filter(name="Bäckerei Seitenwechsel").exists()


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_nobody_invites_their_own_address(role, make_member, signed_in, django_capture_on_commit_callbacks):
    from organisations.models import MembershipInvitation

    lead = make_member(role, lead=True)
    office = lead.memberships.get().organisation
    before = _roles(lead)

    response = _invite(
        signed_in(lead),
        office,
        lead.email.upper(),
        role="coordinator" if role == "coordinator" else "job_coach",
        capture=django_capture_on_commit_callbacks,
    )

    assert response.status_code == 200
    assert "eigene" in response.content.decode()
    assert not MembershipInvitation.objects.exists()
    assert not [m for m in mail.outbox if lead.email in m.to]
    assert _roles(lead) == before


def test_the_account_that_sent_an_invitation_cannot_accept_it(make_member, signed_in):

    lead = make_member("case_manager", lead=True)
    office = lead.memberships.get().organisation
    # An invitation that reached the inviter's own address anyway (the address changed since).
    invitation = MembershipInvitationFactory(
        organisation=office,
        email=lead.email,
        role="coordinator",
        is_lead=True,
        invited_by=lead,
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    before = _roles(lead)

    response = signed_in(lead).post(
        reverse("organisations:invitation", args=[invitation.token]), {"action": "accept"}
    )

    assert response.status_code == 403
    assert "selbst" in response.content.decode()
    assert _roles(lead) == before
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.django_db(transaction=True)
def test_a_new_organisation_submitted_from_three_tabs_is_made_once_and_never_a_500(make_member):
    coordinator = make_member("coordinator")
    tabs = _tabs(coordinator, 3)
    for n in range(ROUNDS):
        form = {"kind": "welfare", "name": f"Beratung Nord {n}", "postcode": "44135", "city": "Dortmund"}

        results = _race([lambda c=c, form=form: c.post(reverse("organisations:create"), form) for c in tabs])

        assert sorted(r.status_code for r in results) == [200, 200, 302]
        assert Organisation.objects.filter(name__iexact=f"Beratung Nord {n}").count() == 1
        refused = [r for r in results if r.status_code == 200]
        assert all("bereits eine Organisation" in r.content.decode() for r in refused)


def test_a_wagtail_group_member_without_a_membership_needs_totp_for_the_cms_admin():
    from django.contrib.auth.models import Permission
    from django.test import Client

    from tests.fixtures.users import activate_totp
    from tests.security.helpers import HOST, force_password_only_session

    editors = GroupFactory(name="Editors")  # get-or-create: Wagtail's migrations made it
    editors.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    newcomer, veteran = UserFactory(), UserFactory()
    activate_totp(veteran)
    for user in (newcomer, veteran):
        user.groups.add(editors)
        assert not user.is_staff and not Membership.objects.filter(user=user).exists()
        client = Client()
        force_password_only_session(client, user)

        for path in ("/cms-admin/", "/cms-admin/pages/"):
            response = client.get(path, **HOST)
            assert response.status_code == 302
            expected = "/accounts/2fa/reauthenticate/" if user is veteran else "/accounts/2fa/totp/activate/"
            assert response["Location"].startswith(expected)
