"""factory_boy factories for candidates, cases, consents and integration plans."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from candidates.models import Candidate, Case, Consent, ConsentScope, Goal, LanguageSkill, Step
from organisations.models import OrganisationKind
from tests.factories import MunicipalityFactory, OrganisationFactory


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    municipality = factory.SubFactory(MunicipalityFactory)
    first_name = factory.Sequence(lambda n: f"Amina{n:04d}")
    last_name = factory.Sequence(lambda n: f"Haddad{n:04d}")
    birth_date = datetime.date(1990, 5, 17)
    email = factory.Sequence(lambda n: f"amina{n:04d}@mail.example")
    phone = factory.Sequence(lambda n: f"+49 231 55{n:04d}")
    postcode = "44135"
    city = "Dortmund"


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case; the responsible organisation lies in the candidate's municipality."""

    class Meta:
        model = Case

    candidate = factory.SubFactory(CandidateFactory)
    municipality = factory.SelfAttribute("candidate.municipality")
    responsible_organisation = factory.SubFactory(
        OrganisationFactory,
        municipality=factory.SelfAttribute("..candidate.municipality"),
        kind=OrganisationKind.MUNICIPALITY_OFFICE,
    )


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    candidate = factory.SubFactory(CandidateFactory)
    scope = ConsentScope.LISTING


class LanguageSkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LanguageSkill

    candidate = factory.SubFactory(CandidateFactory)
    language = "de"
    spoken = "B1"
    written = "A2"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Ziel {n}")


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Schritt {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
