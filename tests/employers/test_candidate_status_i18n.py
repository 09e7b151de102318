"""The candidate reads where their introductions stand in their own language (employers/locale).

Arabic and Farsi right to left; a rejection in kind words; the internal early stage never shows.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from candidates.hooks import status_items
from employers import services
from employers.models import Introduction
from employers.selectors import candidate_status_text
from notifications import services as notification_services
from notifications.links import base_url
from notifications.models import Notification
from tests.factories import (
    IntroductionFactory,
    UserFactory,
    make_candidate,
    make_placement,
    make_profile,
    open_case,
)

Stage = Introduction.Stage
Reason = Introduction.CloseReason

# What the candidate must read, per language: the request of a selected introduction and the
# kind words for one that did not work out.
EXPECTED = {
    "de": {
        "dir": "ltr",
        "title": "Anfragen von Betrieben",
        "selected": "Ein Betrieb möchte Sie kennenlernen. Bitte sagen Sie, ob Sie das möchten.",
        "rejected": "Diesmal hat es nicht gepasst. Das sagt nichts über Ihren Wert – "
        "Ihre Ansprechperson sucht gern mit Ihnen weiter.",
        "accept": "Ja, ich möchte den Betrieb kennenlernen",
        "thanks": "Danke, Ihre Antwort ist gespeichert.",
    },
    "ar": {
        "dir": "rtl",
        "title": "طلبات من جهات العمل",
        "selected": "ترغب جهة عمل في التعرّف إليك. يُرجى إبلاغنا بقرارك: نعم أو لا.",
        "rejected": "لم يحصل التوافق هذه المرة. وهذا لا يقلّل من قيمتك أبدًا – يسعد الشخص المسؤول عن "
        "مرافقتك أن يواصل البحث معك.",
        "accept": "نعم، أودّ التعرّف إلى جهة العمل هذه",
        "thanks": "شكرًا، تم حفظ ردّك.",
    },
    "uk": {
        "dir": "ltr",
        "title": "Запити від підприємств",
        "selected": "Підприємство хоче з вами познайомитися. Будь ласка, скажіть, чи хочете ви цього.",
        "rejected": "Цього разу не склалося. Це нічого не говорить про вашу цінність – ваша контактна "
        "особа охоче шукатиме далі разом з вами.",
        "accept": "Так, я хочу познайомитися з цим підприємством",
        "thanks": "Дякуємо, вашу відповідь збережено.",
    },
    "fa": {
        "dir": "rtl",
        "title": "درخواست‌های کارفرمایان",
        "selected": "یک کارفرما مایل است با شما آشنا شود. لطفاً به ما بگویید که آیا شما هم مایل هستید.",
        "rejected": "این بار جور نشد. این هیچ چیزی دربارهٔ ارزش شما نمی‌گوید – فرد رابط شما با کمال میل "
        "همراه شما به جست‌وجو ادامه می‌دهد.",
        "accept": "بله، می‌خواهم با این کارفرما آشنا شوم",
        "thanks": "متشکریم، پاسخ شما ذخیره شد.",
    },
    "en": {
        "dir": "ltr",
        "title": "Requests from employers",
        "selected": "An employer would like to meet you. Please tell us whether you would like that too.",
        "rejected": "It was not the right match this time. That says nothing about your worth – your contact "
        "person will gladly keep looking with you.",
        "accept": "Yes, I would like to meet this employer",
        "thanks": "Thank you, your answer has been saved.",
    },
}

# Words of the employers' side that must never reach the candidate's page.
INTERNAL = ["vorgeschlagen", "passt nicht zur Stelle", "abgeschlossen", "Geheimvorschlag"]


@pytest.fixture
def world(municipality, cook_taxonomy, employer, coach):
    user = UserFactory(is_candidate=True)
    candidate = make_candidate(municipality, occupation=cook_taxonomy.cook, user=user)
    open_case(candidate, coach)
    profile = make_profile(employer.organisation)
    selected = services.introduction_select(
        placement=make_placement(profile, cook_taxonomy.cook, title="Koch (m/w/d)"),
        candidate=candidate,
        actor=employer.own,
    )
    rejected = services.introduction_select(
        placement=make_placement(profile, cook_taxonomy.cook, title="Beikoch (m/w/d)"),
        candidate=candidate,
        actor=employer.own,
    )
    services.introduction_close(introduction=rejected, actor=employer.own, reason=Reason.NOT_SUITABLE)
    suggested = IntroductionFactory(
        placement=make_placement(profile, cook_taxonomy.cook, title="Geheimvorschlag"),
        candidate=candidate,
        stage=Stage.SUGGESTED,
    )
    return type(
        "World",
        (),
        {
            "user": user,
            "candidate": candidate,
            "selected": selected,
            "rejected": rejected,
            "suggested": suggested,
        },
    )


def _page(client, lang: str) -> str:
    prefix = "" if lang == "de" else f"/{lang}"
    with translation.override("de"):
        path = reverse("employers:my_introductions")
    response = client.get(f"{prefix}{path}")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", list(EXPECTED))
def test_introductions_page_speaks_the_candidates_language(world, signed_in, lang):
    html = _page(signed_in(world.user), lang)
    expected = EXPECTED[lang]

    assert f'<html lang="{lang}" dir="{expected["dir"]}"' in html
    assert expected["title"] in html
    assert expected["selected"] in html
    assert expected["rejected"] in html
    assert expected["accept"] in html
    # The employer's own words stay German, isolated for right-to-left reading.
    assert '<bdi lang="de">Koch (m/w/d)</bdi>' in html
    if lang != "de":
        assert EXPECTED["de"]["selected"] not in html
        assert EXPECTED["de"]["rejected"] not in html
    for word in INTERNAL:
        assert word not in html


@pytest.mark.parametrize("lang", ["ar", "uk", "fa", "en"])
def test_answer_is_confirmed_in_the_candidates_language(world, signed_in, lang):
    client = signed_in(world.user)
    with translation.override(lang):
        url = reverse("employers:introduction_answer", args=[world.selected.reference])
    assert url.startswith(f"/{lang}/")

    response = client.post(url, {"answer": "accept", "note": ""}, follow=True)

    assert response.redirect_chain[-1][0].startswith(f"/{lang}/")
    assert EXPECTED[lang]["thanks"] in response.content.decode()
    world.selected.refresh_from_db()
    assert world.selected.stage == Stage.ACCEPTED


@pytest.mark.parametrize(
    "reason, words",
    [
        (Reason.HIRED_ELSEWHERE, "Завершено, бо ви знайшли іншу роботу."),
        (Reason.PLACEMENT_FILLED, "Ця вакансія вже недоступна. Це не через вас"),
        (Reason.DECLINED_BY_CANDIDATE, "Ви відмовилися. Це цілком нормально."),
        (Reason.NOT_SUITABLE, "Цього разу не склалося."),
    ],
)
def test_every_ending_has_its_own_kind_words(db, reason, words):
    intro = Introduction(stage=Stage.CLOSED, close_reason=reason)
    with translation.override("uk"):
        text = candidate_status_text(intro)
    assert words in text


def test_every_stage_the_candidate_sees_is_translated(db):
    at = timezone.make_aware(datetime(2026, 12, 3, 10, 30))
    stages = [
        Introduction(stage=s)
        for s in (
            Stage.SELECTED,
            Stage.ACCEPTED,
            Stage.CONTACT_REVEALED,
            Stage.INTERVIEW,
            Stage.OFFER,
            Stage.HIRED,
            Stage.DECLINED,
        )
    ]
    stages.append(Introduction(stage=Stage.INTERVIEW, interview_at=at))
    for lang in ("ar", "uk", "fa", "en"):
        for intro in stages:
            with translation.override("de"):
                german = candidate_status_text(intro)
            with translation.override(lang):
                translated = candidate_status_text(intro)
            assert translated and translated != german, (lang, intro.stage)
    with translation.override("fa"):
        assert "مصاحبهٔ کاری" in candidate_status_text(stages[-1])
    assert candidate_status_text(Introduction(stage=Stage.SUGGESTED)) == ""


def test_status_provider_speaks_the_active_language_and_hides_the_suggestion(world):
    with translation.override("ar"):
        items = status_items(world.candidate)

    statuses = [item.status for item in items]
    assert EXPECTED["ar"]["selected"] in statuses
    assert EXPECTED["ar"]["rejected"] in statuses
    assert len(items) == 2  # the suggestion is not among them
    assert all("Geheimvorschlag" not in item.title for item in items)
    assert any(
        item.title == "Koch (m/w/d) لدى " + world.selected.placement.employer.organisation.name
        for item in items
    )


def test_notifications_page_in_farsi(world, signed_in):
    with translation.override("fa"):
        html = signed_in(world.user).get(reverse("notifications:inbox")).content.decode()
    assert '<html lang="fa" dir="rtl"' in html
    assert "اعلان‌ها" in html
    assert "یک کارفرما مایل است با شما آشنا شود" in html
    assert "Ein Betrieb möchte Sie kennenlernen" not in html


@pytest.mark.parametrize(
    "lang, greeting, link",
    [
        ("uk", "Добрий день!", "/uk/app/employers/my/introductions/"),
        ("ar", "مرحبًا،", "/ar/app/employers/my/introductions/"),
        ("de", "Guten Tag,", "/app/employers/my/introductions/"),
    ],
)
def test_the_email_is_written_in_the_readers_preferred_language(world, lang, greeting, link):
    world.user.preferred_language = lang
    world.user.save(update_fields=["preferred_language"])
    notification = Notification.objects.filter(
        recipient=world.user, kind="employers.selected.candidate"
    ).first()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)

    assert notification_services.notification_email_send(notification_id=notification.pk)

    message = mail.outbox[-1]
    assert message.body.startswith(greeting)
    # An absolute link, in the reader's language.
    assert base_url() + link in message.body
    # Still nothing about the person or the employer in the mail.
    assert world.candidate.last_name not in message.body
    assert world.selected.placement.employer.organisation.name not in message.body


def test_an_unknown_preferred_language_falls_back_to_german(world):
    world.user.preferred_language = "xx"
    world.user.save(update_fields=["preferred_language"])
    notification = Notification.objects.filter(recipient=world.user).first()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)

    notification_services.notification_email_send(notification_id=notification.pk)

    assert mail.outbox[-1].body.startswith("Guten Tag,")
