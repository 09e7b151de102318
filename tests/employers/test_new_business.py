"""Journey 6 without a browser: the public page leads to sign-up, the sign-up to the business
registration, /app/ names the coordination office, verification e-mails the business."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from employers import selectors, services
from organisations.models import Organisation, OrganisationKind, VerificationStatus
from tests.factories import OrganisationFactory, UserFactory

HOST = {"HTTP_HOST": "127.0.0.1:8000"}
REGISTER = reverse("employers:register")
SIGNUP_TO_REGISTER = f"{reverse('account_signup')}?next={REGISTER}"


@pytest.mark.django_db
def test_the_public_home_page_offers_business_registration(client):
    html = client.get("/", **HOST).content.decode()
    assert f'href="{SIGNUP_TO_REGISTER}"' in html.replace("&amp;", "&")
    assert "Betrieb registrieren" in html


def test_signing_up_and_confirming_leads_straight_to_the_registration(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "inhaberin@baeckerei.example",
            "password1": "Ein-langes-Passwort-1",
            "password2": "Ein-langes-Passwort-1",
            "next": REGISTER,
        },
    )
    assert response.status_code == 302
    [message] = mail.outbox
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post(f"/{path}")
    assert response.status_code == 302 and response["Location"] == REGISTER
    assert client.get(REGISTER).status_code == 200


def test_app_home_without_a_role_names_the_coordination_office_and_the_registration(municipality, signed_in):
    office = OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
        name="Integrationsmanagement Testkreis",
        email="koordination@testkreis.example",
        phone="0561 123456",
    )
    municipality.coordination_office = office
    municipality.save()
    body = signed_in(UserFactory()).get("/app/").content.decode()
    assert "Integrationsmanagement Testkreis" in body
    assert 'href="mailto:koordination@testkreis.example"' in body and "0561 123456" in body
    assert f'href="{REGISTER}"' in body


def test_a_candidate_is_not_offered_a_business_registration(municipality, signed_in):
    body = signed_in(UserFactory(is_candidate=True)).get("/app/").content.decode()
    assert f'href="{REGISTER}"' not in body


def test_verifying_a_business_e_mails_its_people_a_link_to_the_first_placement(
    municipality, team, signed_in, django_capture_on_commit_callbacks, settings
):
    settings.WAGTAILADMIN_BASE_URL = "https://lotse.example.org"
    owner = UserFactory(preferred_language="en")
    signed_in(owner).post(
        REGISTER,
        {
            "name": "Bäckerei Sonnenschein",
            "municipality": municipality.pk,
            "street": "Markt 3",
            "postcode": "44135",
            "city": "Dortmund",
            "sector": "handwerk",
            "size": "10-49",
            "contact_name": "Petra Sonnenschein",
        },
    )
    org = Organisation.objects.get(name="Bäckerei Sonnenschein")
    chamber = team("chamber_editor")
    assert org in selectors.verification_queue(user=chamber.own)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(chamber.own).post(
            reverse("employers:verification_decide", args=[org.pk]), {"decision": "verify", "note": ""}
        )
    org.refresh_from_db()
    assert org.verification_status == VerificationStatus.VERIFIED
    [message] = mail.outbox
    assert message.to == [owner.email]
    assert "Bäckerei Sonnenschein" in message.body
    # In the reader's language (English text follows with the catalogues), linked absolutely.
    assert "https://lotse.example.org/en/app/employers/placements/new/" in message.body


def test_rejecting_sends_no_verified_mail(municipality, team, django_capture_on_commit_callbacks):
    org = OrganisationFactory(
        municipality=municipality,
        kind=OrganisationKind.EMPLOYER,
        verification_status=VerificationStatus.PENDING,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.employer_decide(organisation=org, actor=team("chamber_editor").own, verify=False)
    assert mail.outbox == []
