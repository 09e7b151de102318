"""Every role × the webhook pages × own / other organisation / other municipality.

Expected: 200 ok, 201 made, 302 done, 403 forbidden, 404 someone else's webhook (as if it did not
exist), "login" = anonymous is sent to the login page. Everyone signed in has passed TOTP.
"""

import pytest
from django.urls import reverse

from organisations.models import OrganisationKind
from tests.factories import OrganisationFactory, WebhookDeliveryFactory, WebhookSubscriptionFactory
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db

# fmt: off
ROLES = [
    "anonymous", "candidate", "case_manager", "job_coach", "volunteer", "employer",
    "unverified_employer", "chamber_editor", "coordinator", "employer_service", "immigration_office",
]
TARGETS = ["own", "other_org", "other_municipality"]
# role:                  list   create  log: own  other_org other_muni  deactivate: own other_org other_muni
EXPECTED = {
    "anonymous":           ("login", "login", ("login", "login", "login"), ("login", "login", "login")),
    "candidate":           (403, 403, (403, 403, 403), (403, 403, 403)),
    "case_manager":        (403, 403, (403, 403, 403), (403, 403, 403)),
    "job_coach":           (403, 403, (403, 403, 403), (403, 403, 403)),
    "volunteer":           (403, 403, (403, 403, 403), (403, 403, 403)),
    "employer":            (200, 201, (200, 404, 404), (302, 404, 404)),
    "unverified_employer": (403, 403, (403, 403, 403), (403, 403, 403)),
    "chamber_editor":      (403, 403, (403, 403, 403), (403, 403, 403)),
    "coordinator":         (200, 201, (200, 404, 404), (302, 404, 404)),
    "employer_service":    (403, 403, (403, 403, 403), (403, 403, 403)),
    "immigration_office":  (403, 403, (403, 403, 403), (403, 403, 403)),
}
# fmt: on
EVENT = {"employer": "introduction.stage_changed", "coordinator": "referral.answered"}
LOGGED_URL = "https://receiver.example.org/secret-path-of-{}"


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

    def subscription(org):
        sub = WebhookSubscriptionFactory(
            organisation=org,
            url=LOGGED_URL.format(org.pk),
            secret=f"whsec_{org.pk}",
            secret_prefix="whsec_x",
            events=["introduction.stage_changed"],
        )
        WebhookDeliveryFactory(
            subscription=sub, event="introduction.stage_changed", url=sub.url, payload={}, attempts=1
        )
        return sub

    return {
        "role": role,
        "user": user,
        "client": signed_in(user) if user else client,
        "own": own,
        "subscriptions": {
            "own": subscription(own),
            "other_org": subscription(OrganisationFactory(municipality=municipality, kind=kind)),
            "other_municipality": subscription(
                OrganisationFactory(municipality=other_municipality, kind=kind)
            ),
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
    response = world["client"].get(reverse("webhooks:list"))
    _check(response, EXPECTED[world["role"]][0])
    if response.status_code == 200:
        html = response.content.decode()
        # Its own organisation's webhook only; never another's address.
        subs = world["subscriptions"]
        assert subs["own"].url in html
        assert subs["other_org"].url not in html and subs["other_municipality"].url not in html
        assert subs["own"].secret not in html


@pytest.mark.parametrize("world", ROLES, indirect=True)
def test_create(world):
    role = world["role"]
    before = WebhookSubscription.objects.count()
    data = {
        "organisation": world["own"].pk,
        "url": "http://127.0.0.1:9/new",
        "events": [EVENT.get(role, "x")],
    }
    expected = EXPECTED[role][1]
    _check(world["client"].post(reverse("webhooks:list"), data), expected)
    assert WebhookSubscription.objects.count() == before + (1 if expected == 201 else 0)


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_delivery_log(world, target):
    subscription = world["subscriptions"][target]
    expected = EXPECTED[world["role"]][2][TARGETS.index(target)]
    response = world["client"].get(reverse("webhooks:detail", args=[subscription.pk]))
    _check(response, expected)
    if expected == 200:
        assert subscription.url in response.content.decode()


@pytest.mark.parametrize("world", ROLES, indirect=True)
@pytest.mark.parametrize("target", TARGETS)
def test_deactivate(world, target):
    subscription = world["subscriptions"][target]
    expected = EXPECTED[world["role"]][3][TARGETS.index(target)]
    _check(world["client"].post(reverse("webhooks:deactivate", args=[subscription.pk])), expected)
    subscription.refresh_from_db()
    assert (subscription.deactivated_at is not None) is (expected == 302)


@pytest.mark.parametrize("world", ["employer", "coordinator"], indirect=True)
def test_deactivating_by_get_is_refused(world):
    subscription = world["subscriptions"]["own"]
    assert world["client"].get(reverse("webhooks:deactivate", args=[subscription.pk])).status_code == 405
    subscription.refresh_from_db()
    assert subscription.deactivated_at is None
