"""Every role × the API token pages × own / other organisation / other municipality.

Expected: 200 ok, 302 done, 403 forbidden, 404 someone else's token (as if it did not exist),
"login" = anonymous is sent to the login page. Everyone signed in has passed TOTP.
"""

import pytest
from django.urls import reverse

from api.models import ApiToken
from organisations.models import OrganisationKind
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# fmt: off
ROLES = [
    "anonymous", "candidate", "case_manager", "job_coach", "volunteer", "employer",
    "unverified_employer", "chamber_editor", "coordinator", "employer_service", "immigration_office",
]
TARGETS = ["own", "other_org", "other_municipality"]
# role:                 list     create   revoke: own      other_org  other_municipality
EXPECTED = {
    "anonymous":          ("login", "login", ("login", "login", "login")),
    "candidate":          (403, 403, (403, 403, 403)),
    "case_manager":       (403, 403, (403, 403, 403)),
    "job_coach":          (403, 403, (403, 403, 403)),
    "volunteer":          (403, 403, (403, 403, 403)),
    "employer":           (200, 201, (302, 404, 404)),
    "unverified_employer": (403, 403, (403, 403, 403)),
    "chamber_editor":     (403, 403, (403, 403, 403)),
    "coordinator":        (200, 201, (302, 404, 404)),
    "employer_service":   (403, 403, (403, 403, 403)),
    "immigration_office": (403, 403, (403, 403, 403)),
}
# fmt: on
SCOPE = {"employer": "placements:read", "coordinator": "directory:read"}


@pytest.fixture
def world(request, make_member, municipality, other_municipality, signed_in, client):
    role = request.param
    if role == "anonymous":
        user, own = None, OrganisationFactory(municipality=municipality, kind=OrganisationKind.EMPLOYER)
    elif role == "candidate":
        user, own = make_member("candidate"), OrganisationFactory(municipality=municipality)
    else:
        real = "employer" if role == "unverified_employer" else role
        user = make_member(real, verified=role != "unverified_employer")
        own = user.memberships.get().organisation
    kind = own.kind

    def token(org):
        return ApiToken.objects.create(
            organisation=org,
            name="t",
            prefix="lotse_x",
            token_hash=f"{org.pk:064d}",
            scopes=["placements:read"],
        )

    return {
        "role": role,
        "user": user,
        "client": signed_in(user) if user else client,
        "own": own,
        "tokens": {
            "own": token(own),
            "other_org": token(OrganisationFactory(municipality=municipality, kind=kind)),
            "other_municipality": token(OrganisationFactory(municipality=other_municipality, kind=kind)),
        },
    }


def _check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_list(world):
    _check(world["client"].get(reverse("api_tokens:list")), EXPECTED[world["role"]][0])


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_create(world):
    role = world["role"]
    before = ApiToken.objects.count()
    data = {"organisation": world["own"].pk, "name": "Neu", "scopes": [SCOPE.get(role, "placements:read")]}
    expected = EXPECTED[role][1]
    _check(world["client"].post(reverse("api_tokens:list"), data), expected)
    assert ApiToken.objects.count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_revoke(world, target):
    token = world["tokens"][target]
    expected = EXPECTED[world["role"]][2][TARGETS.index(target)]
    _check(world["client"].post(reverse("api_tokens:revoke", args=[token.pk])), expected)
    token.refresh_from_db()
    assert (token.revoked_at is not None) is (expected == 302)


@pytest.mark.parametrize("world", ["employer", "coordinator"], indirect=True)
def test_revoking_by_get_is_refused(world):
    token = world["tokens"]["own"]
    assert world["client"].get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
