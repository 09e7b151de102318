"""The signed-in start page at /app/."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HOME = "/app/"


def test_home_url_name():
    assert reverse("accounts:home") == HOME


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_home_greets_and_lists_organisations_and_roles(make_member, signed_in, municipality):
    coach = make_member("job_coach", display_name="Aylin Demir")
    other = OrganisationFactory(municipality=municipality, name="Caritas Dortmund")
    MembershipFactory(user=coach, organisation=other, role="volunteer", is_lead=True)
    body = signed_in(coach).get(HOME).content.decode()
    assert "Aylin Demir" in body
    org = coach.memberships.get(role="job_coach").organisation
    assert org.name in body and "Jobcoach" in body
    assert "Caritas Dortmund" in body and "Ehrenamtliche*r" in body and "Leitung" in body


def test_inactive_membership_is_not_listed(make_member, signed_in, municipality):
    user = make_member("case_manager")
    MembershipFactory(
        user=user,
        organisation=OrganisationFactory(municipality=municipality, name="Altes Amt"),
        is_active=False,
    )
    assert "Altes Amt" not in signed_in(user).get(HOME).content.decode()


def test_unverified_employer_is_told_about_the_pending_check(make_member, signed_in):
    body = signed_in(make_member("employer", verified=False)).get(HOME).content.decode()
    assert "wird noch geprüft" in body


def test_coordinator_gets_links_to_their_pages(make_member, signed_in):
    body = signed_in(make_member("coordinator")).get(HOME).content.decode()
    assert f'href="{reverse("organisations:list")}"' in body
    assert f'href="{reverse("organisations:audit_log")}"' in body


def test_case_manager_gets_no_coordinator_links(make_member, signed_in):
    body = signed_in(make_member("case_manager")).get(HOME).content.decode()
    assert reverse("organisations:list") not in body


def test_candidate_without_membership_sees_candidate_note(make_member, signed_in):
    body = signed_in(make_member("candidate")).get(HOME).content.decode()
    assert "Klient*in" in body


def test_user_without_role_is_told_whom_to_ask(user, signed_in):
    body = signed_in(user).get(HOME).content.decode()
    assert "Koordination" in body


def test_home_says_whether_totp_is_set_up(make_member, signed_in):
    assert "ist eingerichtet" in signed_in(make_member("case_manager")).get(HOME).content.decode()
    assert "nicht eingerichtet" in signed_in(make_member("candidate"), mfa=False).get(HOME).content.decode()


def test_destinations_skip_url_names_that_do_not_resolve():
    from accounts.navigation import destinations

    links = destinations({"coordinator", "case_manager"})
    urls = [link.url for link in links]
    assert reverse("organisations:list") in urls
    assert len(urls) == len(set(urls))
    for link in links:
        assert link.url.startswith("/")
