"""factory_boy factories for the shared platform: users, municipalities, organisations, memberships.

Every user can log in with the password ``pw`` and has a verified, primary allauth e-mail
address, so the real login form works for them without the verification step.
"""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from accounts.roles import Role
from organisations.models import Membership, Municipality, Organisation, OrganisationKind, VerificationStatus

PASSWORD = "pw"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@lotse.example")
    display_name = factory.Faker("name", locale="de_DE")
    password = factory.django.Password(PASSWORD)
    is_candidate = False

    class Params:
        candidate = factory.Trait(is_candidate=True)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):  # noqa: N805
        """The allauth e-mail address; ``UserFactory(verified_email=False)`` leaves it unconfirmed."""
        if not create:
            return
        EmailAddress.objects.update_or_create(
            user=obj,
            email=obj.email,
            defaults={"verified": extracted is None or bool(extracted), "primary": True},
        )


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    slug = factory.Sequence(lambda n: f"musterstadt-{n}")
    state = "Nordrhein-Westfalen"
    postcode = "44135"


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Verified by default; ``OrganisationFactory(unverified=True)`` for a pending employer."""

    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    kind = OrganisationKind.WELFARE
    name = factory.Sequence(lambda n: f"Organisation {n:04d}")
    street = "Hauptstraße 1"
    postcode = "44135"
    city = "Dortmund"
    verification_status = VerificationStatus.VERIFIED

    class Params:
        unverified = factory.Trait(verification_status=VerificationStatus.PENDING)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASE_MANAGER
    is_lead = False
    is_active = True
