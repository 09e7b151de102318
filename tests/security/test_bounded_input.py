"""Findings 5 and 6 of the trust issue: one input must never break a page.

A date far outside any plausible range (``interview_at=0001-01-01``) was stored as a BC timestamp
and every page that loaded the row answered 500; NUL bytes in a query or a form gave 500, one of
them to anonymous visitors. The class: every date has a sane range (form, model and database),
and unstorable input is refused in one place (``inputs.middleware``) with a 400 before any view
runs. Every refused input leaves the stored data as it was.
"""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from employers.models import Introduction, Placement
from tests.factories import IntroductionFactory, make_candidate, make_placement, make_profile

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1:8000"}
XFAIL = pytest.mark.xfail(strict=True, reason="issue 11: unbounded dates and NUL bytes give 500")


@pytest.fixture
def accepted(employer_team, candidate_team, cook_taxonomy, municipality):  # noqa: F811
    """An introduction the candidate accepted: the employer may now schedule the interview."""
    profile = make_profile(employer_team.organisation)
    placement = make_placement(profile, cook_taxonomy.cook)
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, user=candidate_team.own)
    intro = IntroductionFactory(placement=placement, candidate=candidate, created_by=employer_team.own)
    Introduction.objects.filter(pk=intro.pk).update(stage=Introduction.Stage.ACCEPTED)
    intro.refresh_from_db()
    return intro


def _pages_that_load_the_introduction(intro, employer, candidate, signed_in) -> dict[str, int]:
    employer_client, candidate_client = signed_in(employer), signed_in(candidate, mfa=False)
    return {
        "introduction": employer_client.get(
            reverse("employers:introduction_detail", args=[intro.reference])
        ).status_code,
        "placement": employer_client.get(
            reverse("employers:placement_detail", args=[intro.placement_id])
        ).status_code,
        "dashboard": employer_client.get(reverse("employers:home")).status_code,
        "notifications": employer_client.get(reverse("notifications:inbox")).status_code,
        "my_introductions": candidate_client.get(reverse("employers:my_introductions")).status_code,
    }


@pytest.mark.parametrize(
    "value", ["0001-01-01T00:00", "1899-12-31T10:00", "9999-12-31T23:59", "2999-01-01T10:00"]
)
def test_an_implausible_interview_date_is_refused_and_every_page_keeps_working(
    accepted, employer_team, candidate_team, signed_in, value
):
    client = signed_in(employer_team.own)

    response = client.post(
        reverse("employers:introduction_action", args=[accepted.reference, "interview"]),
        {"interview_at": value, "interview_place": "Telefon"},
    )

    # The page again with the error at the field (the place stays as typed).
    assert response.status_code == 400
    assert "zwischen dem" in response.content.decode()  # the German message names the range
    accepted.refresh_from_db()
    assert accepted.interview_at is None and accepted.stage == Introduction.Stage.ACCEPTED
    pages = _pages_that_load_the_introduction(accepted, employer_team.own, candidate_team.own, signed_in)
    assert set(pages.values()) == {200}, pages


def test_a_plausible_interview_date_is_taken(accepted, employer_team, candidate_team, signed_in):
    client = signed_in(employer_team.own)
    when = timezone.localtime() + datetime.timedelta(days=7)

    client.post(
        reverse("employers:introduction_action", args=[accepted.reference, "interview"]),
        {"interview_at": when.strftime("%Y-%m-%dT%H:%M"), "interview_place": "Video"},
    )

    accepted.refresh_from_db()
    assert accepted.stage == Introduction.Stage.INTERVIEW
    pages = _pages_that_load_the_introduction(accepted, employer_team.own, candidate_team.own, signed_in)
    assert set(pages.values()) == {200}, pages


def test_the_database_refuses_a_bc_interview_date(accepted):
    # Whatever path a value takes (a service, the shell, a future API), none the pages cannot show is stored.
    with pytest.raises(IntegrityError), transaction.atomic():
        Introduction.objects.filter(pk=accepted.pk).update(
            interview_at=datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)
        )
    accepted.refresh_from_db()
    assert accepted.interview_at is None


# --- NUL bytes and other unstorable input: 400 before any view runs --------------------------------


def _nul_requests(placement, employer):
    """(who, method, url, data) for every place the attack found, and a few of the same class."""
    return {
        "site search (anonymous)": (None, "get", "/suche/", {"q": "\x00"}),
        "a page path (anonymous)": (None, "get", "/ihk%00/", {}),
        "login form (anonymous)": (
            None,
            "post",
            "/accounts/login/",
            {"login": "a\x00@example.org", "password": "x"},
        ),
        "skill suggestions": (
            employer,
            "get",
            reverse("employers:placement_skill_suggestions"),
            {"occupation_uri": "\x00"},
        ),
        "browse occupation": (employer, "get", reverse("employers:browse"), {"occupation": "x\x00y"}),
        "browse skills": (employer, "get", reverse("employers:browse"), {"skills": "\x00"}),
        "browse export": (employer, "get", reverse("employers:browse_export"), {"skills": "a,\x00"}),
        "placement create": (
            employer,
            "post",
            reverse("employers:placement_create"),
            {"title": "Koch", "occupation_uri": "\x00", "openings": "1"},
        ),
        "placement edit": (
            employer,
            "post",
            reverse("employers:placement_edit", args=[placement.pk]),
            {"title": "Koch", "occupation_uri": placement.occupation.uri + "\x00", "openings": "1"},
        ),
        "a parameter's name": (employer, "get", reverse("employers:browse"), {"germ\x00an": "B1"}),
    }


NUL_PLACES = [
    "site search (anonymous)",
    "a page path (anonymous)",
    "login form (anonymous)",
    "skill suggestions",
    "browse occupation",
    "browse skills",
    "browse export",
    "placement create",
    "placement edit",
    "a parameter's name",
]


def _placements_as_stored() -> list[tuple]:
    return list(
        Placement.objects.order_by("pk").values_list("pk", "title", "occupation_id", "openings", "status")
    )


@pytest.mark.parametrize("place", NUL_PLACES)
def test_a_nul_byte_is_refused_with_a_400_and_nothing_changes(place, employer_team, cook_taxonomy, signed_in):  # noqa: F811
    placement = make_placement(make_profile(employer_team.organisation), cook_taxonomy.cook)
    who, method, url, data = _nul_requests(placement, employer_team.own)[place]
    client = Client() if who is None else signed_in(who)
    before = _placements_as_stored()

    response = getattr(client, method)(url, data, **HOST)

    assert response.status_code == 400
    body = response.content.decode()
    assert "Ungültige Eingabe" in body and 'lang="de"' in body
    assert _placements_as_stored() == before


def test_an_over_long_query_parameter_is_refused(employer_team, signed_in):
    response = signed_in(employer_team.own).get(reverse("employers:browse"), {"occupation": "x" * 5000})
    assert response.status_code == 400


@pytest.mark.parametrize("cookie", ["sessionid=abc\x00def", "csrftoken=\x00", "django_language=de\x00"])
def test_a_cookie_with_a_nul_byte_is_dropped_not_served_a_500(site_home, employer_team, signed_in, cookie):
    # A planted cookie must not lock anyone out: the request goes on as if it were absent.
    assert Client().get("/", HTTP_COOKIE=cookie, **HOST).status_code == 200
    client = signed_in(employer_team.own)
    session = client.cookies["sessionid"].value
    response = client.get("/app/", HTTP_COOKIE=f"sessionid={session}; {cookie}", **HOST)
    assert response.status_code < 500
    # Only the unusable cookie is gone: with a good session cookie beside it, the person stays signed in.
    assert response.wsgi_request.user.is_authenticated == (not cookie.startswith("sessionid"))


def test_ordinary_input_passes_the_guard(employer_team, signed_in):
    # Umlauts, Arabic, emoji, angle brackets and quotes are all storable: the guard lets them through.
    response = signed_in(employer_team.own).get(
        reverse("employers:browse"), {"occupation": "Köchin ﻃﺎﻫﻴﺔ 🍳 <b>\"'", "postcode": "44135"}
    )
    assert response.status_code == 200


# --- the class: every date field of every form and filter keeps a window ---------------------------

PROJECT_PACKAGES = {
    "accounts",
    "organisations",
    "privacy",
    "taxonomy",
    "matching",
    "inputs",
    "config",
    "candidates",
    "employers",
    "coaching",
    "cms",
    "monitoring",
}


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _project_classes(base):
    import importlib

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view, and with them every form)
    for package in PROJECT_PACKAGES:
        for module in ("forms", "filters", "views", "models", "wagtail_hooks"):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{package}.{module}")
    return sorted(
        {c for c in _all_subclasses(base) if c.__module__.split(".")[0] in PROJECT_PACKAGES},
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def _unbounded_date_fields(fields) -> list[str]:
    from django import forms

    from inputs.dates import window_of

    return [
        name
        for name, field in fields.items()
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField)
        and window_of(field) is None
    ]


def test_every_date_field_of_every_form_keeps_a_window():
    from django import forms

    unbounded = {
        f"{form.__module__}.{form.__qualname__}": names
        for form in _project_classes(forms.BaseForm)
        if (names := _unbounded_date_fields(form.base_fields))
    }
    assert unbounded == {}, "\n".join(f"{k}: {v}" for k, v in unbounded.items())


def test_every_date_filter_keeps_a_window():
    import django_filters

    unbounded = {}
    for filterset in _project_classes(django_filters.FilterSet):
        fields = {name: f.field for name, f in filterset.base_filters.items()}
        if names := _unbounded_date_fields(fields):
            unbounded[f"{filterset.__module__}.{filterset.__qualname__}"] = names
    assert unbounded == {}, "\n".join(f"{k}: {v}" for k, v in unbounded.items())


def test_the_check_finds_the_forms_it_must_look_at():
    # The walk must be able to fail: it reaches forms with dates of several apps.
    from django import forms

    names = {f.__qualname__ for f in _project_classes(forms.BaseForm)}
    assert {
        "InterviewForm",
        "ProfileForm",
        "FollowUpForm",
        "DashboardFilterForm",
        "PaperConsentForm",
    } <= names


# Dates only the code sets (timestamps of what happened, deadlines it computes from bounded dates):
# no input reaches them, so they need no stored range. A new date a person can set is not here,
# and the check below asks for its constraint.
SET_BY_THE_CODE = {
    "accounts.user": {"last_login", "date_joined"},
    "organisations.organisation": {"verified_at"},
    "coaching.service": {"deactivated_at"},  # now, when its coordinator deactivates it
    "organisations.membershipinvitation": {"expires_at", "decided_at"},  # now + 14 days; when answered
    "candidates.candidate": {"erased_at"},
    "candidates.case": {"opened_at", "closed_at"},
    "candidates.consent": {"revoked_at", "recorded_at"},
    "candidates.invitation": {"accepted_at", "voided_at"},
    "candidates.permitexpirywarning": {"expires_on"},  # copied from the candidate's bounded dates
    "candidates.step": {"answered_at"},  # now, when the person answers a task (issue 22)
    "candidates.stepevent": {"at"},  # now, when the change is made
    "candidates.appointment": {"reminder_sent_at"},  # now, when the reminder is claimed (issue 22)
    # issue 14 §4: now, when the phase changes / the case closes, is reopened or its question
    # answered; the follow-up is due six months after the closing
    "candidates.casephasechange": {"changed_at", "left_at"},
    "candidates.caseevaluation": {
        "closed_at",
        "follow_up_due",
        "follow_up_reminded_at",
        "follow_up_answered_at",
        "reopened_at",
    },
    "employers.notification": {"read_at"},
    "employers.introduction": {"escalated_at"},
    "employers.placementacquisition": {"sent_at", "confirmed_at"},  # now: link mailed, business confirmed
    "employers.speeddatingcandidate": {"decided_at"},  # now, when the case manager invites (issue 15)
    "coaching.followupdue": {"due_date", "done_at"},  # computed from the employment's bounded start
    "coaching.followupreminder": {"claimed_at", "sent_at"},
    "coaching.coachingnotification": {"read_at"},
    "coaching.riskflag": {"escalated_at", "resolved_at"},
    "coaching.supportrequest": {"due_date", "answered_at", "escalated_at"},
    "coaching.volunteerassignment": {"started_at", "ended_at"},
    "coaching.handover": {"decided_at"},
    "coaching.handoverchecklistitem": {"done_at"},
    "coaching.messagethread": {"created_at"},  # now, when the first message is written (issue 22)
    "coaching.message": {"created_at", "read_at", "erased_at"},  # now: sent, opened, erased
    "cms.eventregistration": {"consent_at", "organiser_notified_at"},
}


def test_every_date_a_person_can_set_has_a_stored_range():
    from django.apps import apps
    from django.db import models

    missing = []
    for model in apps.get_models():
        if model.__module__.split(".")[0] not in PROJECT_PACKAGES:
            continue
        constrained = {c.name for c in model._meta.constraints}
        exempt = SET_BY_THE_CODE.get(model._meta.label_lower, set())
        for name in exempt:  # the list names real fields (it cannot go stale unnoticed)
            model._meta.get_field(name)
        # Only the model's own fields: those inherited from Wagtail's Page (publishing times) are Wagtail's.
        for f in model._meta.local_concrete_fields:
            if not isinstance(f, models.DateField) or f.auto_now or f.auto_now_add or f.name in exempt:
                continue
            if not any(name.endswith(f"_{f.name}_in_range") for name in constrained):
                missing.append(f"{model._meta.label_lower}.{f.name}")
    assert missing == []
