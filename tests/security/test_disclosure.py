"""Finding 2 of the trust issue: disclosure to employers only through live consent.

An employer's pages, notifications, e-mails and exports carry a candidate's name, e-mail, phone or
address only while a live contact consent for that introduction exists; history entries by anyone
outside the employer's own organisation read "die Person"; the anonymised card needs a live listing
consent (or a live consent for that introduction); the references employers see are random tokens,
never database ids, and the old id URLs lead nowhere.

The crawl walks every ``app/`` route of the URL resolver as the employer, so a page added later is
covered without being named here.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from candidates.models import Candidate, Consent, ConsentScope
from employers.models import Introduction, ShortlistEntry
from notifications.models import Notification
from tests.factories import (
    CandidateSkillFactory,
    IntroductionFactory,
    ShortlistEntryFactory,
    SkillFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
    open_case,
)

pytestmark = pytest.mark.django_db

Stage = Introduction.Stage

# What an anonymised card shows of this person (distinctive values, so a leak cannot hide).
CARD_DATE = date(2031, 7, 19)
CARD_MARKERS = ("19.07.2031", "23–37", "Tandoor-Ofen bedienen", "mündlich C2", 'data-testid="candidate-card"')


def _ref(obj) -> str:
    """The reference an employer sees: the random token where one exists (the old code only has ids)."""
    return str(getattr(obj, "public_ref", None) or getattr(obj, "reference", None) or obj.pk)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _app_get_paths(story) -> list[str]:
    """Every route under app/, its parameters filled with the story's objects (a crawl as the employer)."""
    values = {
        "ref": [_ref(story.candidate), _ref(story.declined), _ref(story.accepted), *story.extra_refs],
        "pk": [
            story.placement.pk,
            story.candidate.pk,
            story.declined.pk,
            story.accepted.pk,
            *story.extra_pks,
        ],
        "case_pk": [story.case.pk],
    }
    paths = set()
    for route in _walk(get_resolver().url_patterns):
        if not route.startswith("app/"):
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        if any(name not in values for name in names):
            continue  # entries, tokens, actions: objects of other people, or not pages
        if not names:
            paths.add("/" + route)
            continue
        for value in values[names[0]]:
            path = route
            for name in names:
                path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
            paths.add("/" + path)
    return sorted(paths)


class Story:
    pass


@pytest.fixture
def story(municipality, employer, cook_taxonomy, coach, signed_in, django_capture_on_commit_callbacks):
    """A listed candidate with a login; one introduction accepted, one declined in self-service."""
    s = Story()
    s.employer = employer
    s.extra_pks, s.extra_refs = [], []
    profile = make_profile(employer.organisation)
    s.placement = make_placement(profile, cook_taxonomy.cook, title="Koch (m/w/d)")
    s.second = make_placement(profile, cook_taxonomy.cook, title="Beikoch (m/w/d)")
    candidate = make_candidate(
        municipality,
        occupation=cook_taxonomy.cook,
        available_from=CARD_DATE,
        hours_per_week_min=23,
        hours_per_week_max=37,
    )
    # The login carries the full name and the private address: the worst case for the history.
    candidate.user = UserFactory(is_candidate=True, display_name=candidate.full_name, email=candidate.email)
    candidate.save(update_fields=["user"])
    tandoor = SkillFactory(uri="http://esco.test/skill/tandoor", label_de="Tandoor-Ofen bedienen")
    CandidateSkillFactory(candidate=candidate, skill=tandoor)
    s.case = open_case(candidate, coach)
    s.candidate, s.coach = candidate, coach
    s.secrets = [
        candidate.first_name,
        candidate.last_name,
        candidate.email,
        candidate.phone,
        candidate.street,
        candidate.user.email,
    ]
    owner = signed_in(employer.own)
    me = signed_in(candidate.user)
    with django_capture_on_commit_callbacks(execute=True):
        for placement in (s.placement, s.second):
            owner.post(
                reverse("employers:select_candidate", args=[_ref(candidate)]), {"placement": placement.pk}
            )
        s.accepted = Introduction.objects.get(placement=s.placement, candidate=candidate)
        s.declined = Introduction.objects.get(placement=s.second, candidate=candidate)
        assert (
            me.post(
                reverse("employers:introduction_answer", args=[_ref(s.accepted)]), {"answer": "accept"}
            ).status_code
            == 302
        )
        assert (
            me.post(
                reverse("employers:introduction_answer", args=[_ref(s.declined)]), {"answer": "decline"}
            ).status_code
            == 302
        )
    ShortlistEntryFactory(placement=s.second, candidate=candidate, added_by=employer.own)
    # The employer reveals the contact after the yes (a POST; opening the page changes nothing), so
    # the name is on the employer's pages while the grant lives — and must go with it.
    assert (
        owner.post(reverse("employers:introduction_action", args=[_ref(s.accepted), "reveal"])).status_code
        == 302
    )
    s.accepted.refresh_from_db()
    s.declined.refresh_from_db()
    assert (s.accepted.stage, s.declined.stage) == (Stage.CONTACT_REVEALED, Stage.DECLINED)
    s.owner, s.me = owner, me
    return s


def _employer_mail(story) -> list[str]:
    addresses = {story.employer.own.email, story.employer.colleague.email}
    return [f"{m.subject}\n{m.body}" for m in mail.outbox if set(m.to) & addresses]


def _crawl(client, paths) -> dict[str, str]:
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        pages[path] = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    return pages


def test_a_decline_in_self_service_names_nobody_on_any_employer_page_mail_or_export(story):
    accepted_page = reverse("employers:introduction_detail", args=[_ref(story.accepted)])
    paths = [p for p in _app_get_paths(story) if p != accepted_page]
    assert reverse("employers:introduction_detail", args=[_ref(story.declined)]) in paths
    assert reverse("employers:browse_export") in paths
    pages = _crawl(story.owner, paths)
    pages["mail"] = "\n".join(_employer_mail(story))
    assert pages["mail"], "the employer is told about the answers by e-mail"
    leaks = {(where, secret) for where, text in pages.items() for secret in story.secrets if secret in text}
    assert leaks == set()
    history = pages[reverse("employers:introduction_detail", args=[_ref(story.declined)])]
    assert "die Person" in history
    # The employer's own colleague who asked is named: that is no one else's data.
    assert story.employer.own.display_name in history


def test_a_decline_recorded_by_the_case_manager_reads_die_person_too(story, placement, signed_in):
    from employers import services

    intro = services.introduction_select(
        placement=placement, candidate=story.candidate, actor=story.employer.own
    )
    services.introduction_answer(introduction=intro, actor=story.coach, accept=False, note="telefonisch")
    page = story.owner.get(reverse("employers:introduction_detail", args=[_ref(intro)])).content.decode()
    history = page.split('data-testid="history"')[1]
    assert "die Person" in history
    assert story.coach.display_name not in page and story.coach.email not in page
    assert not any(secret in page for secret in story.secrets)


def test_the_accepted_introduction_shows_the_contact_while_the_grant_lives(story):
    page = story.owner.get(
        reverse("employers:introduction_detail", args=[_ref(story.accepted)])
    ).content.decode()
    assert story.candidate.full_name in page and story.candidate.phone in page
    # Even here the history does not carry the person's login name or address.
    history = page.split('data-testid="history"')[1]
    assert story.candidate.user.email not in history


def test_after_every_consent_is_revoked_no_card_and_no_contact_remains_anywhere(
    story, django_capture_on_commit_callbacks
):
    consents = list(Consent.objects.filter(candidate=story.candidate, revoked_at__isnull=True))
    assert {c.scope for c in consents} == {ConsentScope.LISTING, ConsentScope.CONTACT}
    for consent in consents:
        response = story.me.post(reverse("candidates:consent_revoke", args=[consent.pk]))
        assert response.status_code == 302
    assert not Consent.objects.filter(candidate=story.candidate, revoked_at__isnull=True).exists()

    pages = _crawl(story.owner, _app_get_paths(story))
    pages["mail"] = "\n".join(_employer_mail(story))
    leaks = {
        (where, marker)
        for where, text in pages.items()
        for marker in (*CARD_MARKERS, *story.secrets, f"Profil {_ref(story.candidate)}")
        if marker in text
    }
    assert leaks == set()
    for intro in (story.accepted, story.declined):
        page = pages[reverse("employers:introduction_detail", args=[_ref(intro)])]
        assert "nicht mehr verfügbar" in page
    export = pages[reverse("employers:browse_export")]
    assert export.count("\n") == 1  # the header row only


def test_the_card_needs_a_live_listing_or_a_live_consent_for_that_introduction(story):
    from employers import services

    detail = reverse("employers:introduction_detail", args=[_ref(story.accepted)])
    services.introduction_close(introduction=story.accepted, actor=story.employer.own, reason="not_suitable")
    Consent.objects.filter(candidate=story.candidate, scope=ConsentScope.LISTING).update(
        revoked_at=timezone.now()
    )
    # Closed: no contact any more, but the person's grant for this introduction still stands.
    assert 'data-testid="candidate-card"' in story.owner.get(detail).content.decode()
    # The declined introduction has no grant of its own: without the listing there is no card.
    declined = story.owner.get(reverse("employers:introduction_detail", args=[_ref(story.declined)]))
    assert 'data-testid="candidate-card"' not in declined.content.decode()
    Consent.objects.filter(candidate=story.candidate, scope=ConsentScope.CONTACT).update(
        revoked_at=timezone.now()
    )
    assert 'data-testid="candidate-card"' not in story.owner.get(detail).content.decode()


def test_references_are_random_tokens_not_ids(municipality, employer, cook_taxonomy, signed_in):
    profile = make_profile(employer.organisation)
    placement = make_placement(profile, cook_taxonomy.cook)
    candidates = [make_candidate(municipality, occupation=cook_taxonomy.cook) for _ in range(12)]
    intros = [IntroductionFactory(placement=placement, candidate=c) for c in candidates]
    for objects in (candidates, intros):
        refs = [_ref(o) for o in objects]
        assert len(set(refs)) == len(refs)
        assert not any(ref.isdigit() for ref in refs)
        assert all(len(re.sub(r"[^0-9A-Z]", "", ref)) >= 10 for ref in refs)  # ≥ 50 bits
        # Not in creation order (1 in 12! by chance), and no shared prefix that would hint at a counter.
        assert sorted(refs) != refs and sorted(refs, reverse=True) != refs
        assert len({ref[:3] for ref in refs}) > 6
    browse = signed_in(employer.own).get(reverse("employers:browse"))
    shown = {card.ref for card in browse.context["cards"]}
    assert shown and shown <= {c.public_ref for c in candidates}  # the first page of results
    assert not any(f"Profil {c.pk})" in browse.content.decode() for c in candidates)


def test_old_id_urls_lead_nowhere_and_change_nothing(story):
    owner = story.owner
    before = list(Introduction.objects.order_by("pk").values_list("pk", "stage"))
    shortlist_before = list(ShortlistEntry.objects.values_list("pk", flat=True))
    for path in (
        f"/app/employers/candidates/{story.candidate.pk}/select/",
        f"/app/employers/introductions/{story.accepted.pk}/",
    ):
        assert owner.get(path).status_code == 404
    assert (
        owner.post(f"/app/employers/introductions/{story.accepted.pk}/offer/", {"note": ""}).status_code
        == 404
    )
    assert (
        owner.post(
            f"/app/employers/candidates/{story.candidate.pk}/select/", {"placement": story.placement.pk}
        ).status_code
        == 404
    )
    response = owner.post(
        reverse("employers:shortlist_add", args=[story.placement.pk]),
        {"candidate": story.candidate.pk, "note": "x"},
    )
    assert response.status_code == 404
    # A well-formed reference that nobody holds is just as unknown.
    assert owner.get("/app/employers/candidates/ABCDE-FGHJK/select/").status_code == 404
    assert list(Introduction.objects.order_by("pk").values_list("pk", "stage")) == before
    assert list(ShortlistEntry.objects.values_list("pk", flat=True)) == shortlist_before


def test_notifications_and_mails_to_the_employer_say_what_happened_not_who(story):
    kinds = set(Notification.objects.filter(recipient=story.employer.own).values_list("kind", flat=True))
    assert kinds == {"employers.accepted.employer", "employers.declined.employer"}
    texts = _employer_mail(story)
    assert len(texts) >= 2
    assert not any(secret in text for text in texts for secret in story.secrets)


def test_the_candidate_erased_leaves_no_card_either(story):
    Candidate.objects.filter(pk=story.candidate.pk).update(erased_at=timezone.now())
    page = story.owner.get(
        reverse("employers:introduction_detail", args=[_ref(story.declined)])
    ).content.decode()
    assert not any(marker in page for marker in CARD_MARKERS)


def test_a_hired_person_who_revokes_every_consent_is_named_nowhere(story):
    from employers import services

    services.introduction_hire(
        introduction=story.accepted, actor=story.employer.own, start_date=date(2031, 8, 1)
    )
    for consent in Consent.objects.filter(candidate=story.candidate, revoked_at__isnull=True):
        assert story.me.post(reverse("candidates:consent_revoke", args=[consent.pk])).status_code == 302
    employment = story.accepted.employment
    story.extra_pks.append(employment.pk)
    story.extra_refs.append(_ref(employment))
    paths = _app_get_paths(story)
    assert reverse("employers:employment_end", args=[_ref(employment)]) in paths
    assert reverse("coaching:support_request_create") in paths
    pages = _crawl(story.owner, paths)
    leaks = {(where, secret) for where, text in pages.items() for secret in story.secrets if secret in text}
    assert leaks == set()
