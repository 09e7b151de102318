"""role_required: the one door every staff view goes through (signed out → login, wrong role → 403)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from accounts.roles import CASE_STAFF, Role
from organisations.decorators import role_required
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@role_required(CASE_STAFF)
def staff_page(request, pk):
    return HttpResponse(f"case {pk}")


@role_required([Role.COORDINATOR], candidates=True)
def shared_page(request):
    return HttpResponse("shared")


def _get(user):
    request = RequestFactory().get("/app/somewhere/")
    request.user = user
    return request


def test_signed_out_goes_to_the_login_page_with_the_way_back():
    response = staff_page(_get(AnonymousUser()), pk=1)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"] and "next=/app/somewhere/" in response["Location"]


@pytest.mark.parametrize("role", ["case_manager", "job_coach"])
def test_a_holder_of_the_role_gets_the_page_with_its_arguments(make_member, role):
    assert staff_page(_get(make_member(role)), pk=7).content == b"case 7"


@pytest.mark.parametrize("role", ["coordinator", "volunteer", "employer", "chamber_editor"])
def test_other_roles_get_403(make_member, role):
    with pytest.raises(PermissionDenied):
        staff_page(_get(make_member(role)), pk=7)


def test_a_user_without_any_role_and_a_candidate_get_403_unless_candidates_are_let_in(user):
    candidate = UserFactory(candidate=True)
    with pytest.raises(PermissionDenied):
        staff_page(_get(user), pk=1)
    with pytest.raises(PermissionDenied):
        staff_page(_get(candidate), pk=1)
    assert shared_page(_get(candidate)).content == b"shared"
    with pytest.raises(PermissionDenied):
        shared_page(_get(user))
