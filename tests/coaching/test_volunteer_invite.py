"""Issue 21: the volunteer form invites instead of looking an address up, and answers the same
whatever account the address has (or none)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coaching.models import VolunteerAssignment
from organisations.models import MembershipInvitation

pytestmark = pytest.mark.django_db


def post(client, world, email):
    initiative = world.people["volunteer"].memberships.first().organisation
    return client.post(
        reverse("coaching:volunteer_assign", args=[world.case.pk]),
        {"volunteer_email": email, "focus": "language", "organisation": initiative.pk},
        follow=True,
    )


def answer(response) -> tuple:
    return (
        response.status_code,
        response.redirect_chain,
        [str(m) for m in response.context["messages"]],
    )


def test_the_answer_is_identical_for_an_existing_and_a_non_existing_address(world, signed_in):
    client = signed_in(world.case_manager)
    addresses = [
        world.people["volunteer_other"].email,  # a volunteer here, without the person's consent
        world.people["employer"].email,  # an account, but no volunteer
        world.people["coordinator_elsewhere"].email,  # an account in another municipality
        "niemand@mail.example",  # no account at all
    ]
    answers = [answer(post(client, world, email)) for email in addresses]

    assert answers[0][1], "a redirect, not a form error that could tell"
    assert answers.count(answers[0]) == len(answers)
    # Every address got the same invitation; nobody was assigned without the person's consent.
    invited = set(MembershipInvitation.objects.values_list("email", flat=True))
    assert invited == {a.lower() for a in addresses}
    assert not VolunteerAssignment.objects.exists()


def test_a_volunteer_the_person_consented_to_is_assigned_with_the_same_answer(world, signed_in):
    client = signed_in(world.case_manager)
    unknown = answer(post(client, world, "niemand@mail.example"))
    consented = answer(post(client, world, world.people["volunteer"].email))

    assert consented == unknown
    assert VolunteerAssignment.objects.get().volunteer == world.people["volunteer"]
