"""Issue 13: the language switcher, from every language to every language, on every page; and the
candidate's pages right to left (numbers, addresses and German text isolated and marked).

The walk reads the switcher form exactly as the page renders it (its ``action`` and hidden ``next``),
posts it with each target language and follows the answer: the page must come back with 200 in the
target language, with one language prefix at most (none for German, the unprefixed default), and
with its query string.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from candidates.models import Candidate, ConsentScope
from taxonomy.models import Occupation, Skill
from tests.factories import (
    CandidateFactory,
    CandidateOccupationFactory,
    CandidateSkillFactory,
    ConsentFactory,
    OccupationFactory,
    OrganisationFactory,
    SkillFactory,
)
from tests.fixtures.users import login_with_mfa, new_member

pytestmark = pytest.mark.django_db

HOST = {"HTTP_HOST": "127.0.0.1:8000"}
CODES = [code for code, _name in settings.LANGUAGES]
PREFIXED = [code for code in CODES if code != settings.LANGUAGE_CODE]

# Pages without and with a sign-in; one of each carries a query string that must survive.
PUBLIC_PAGES = ["/", "/suche/?q=pflege", "/accounts/login/", "/accounts/login/?next=/app/"]
CANDIDATE_PAGES = [
    "/app/",
    "/app/candidates/me/",
    "/app/candidates/me/edit/",
    "/app/candidates/me/languages/",
    "/app/candidates/me/occupations/",
    "/app/candidates/me/skills/",
    "/app/candidates/me/audit/",
    "/app/candidates/me/consents/?page=1",
]


FORM = re.compile(r'<form class="lotse-language" method="post" action="([^"]+)">(.*?)</form>', re.S)
NEXT = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')


def _prefixed(page: str, code: str) -> str:
    return page if code == settings.LANGUAGE_CODE else f"/{code}{page}"


def _html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', html)
    assert match, "no <html lang>"
    return match.group(1)


def _language_segments(path: str) -> list[str]:
    return [segment for segment in path.split("?")[0].strip("/").split("/") if segment in PREFIXED]


def _switch(client: Client, page: str, source: str, target: str) -> None:
    """Open ``page`` in ``source``, choose ``target`` in its switcher, land on the page in ``target``."""
    start = _prefixed(page, source)
    response = client.get(start, **HOST)
    assert response.status_code == 200, start
    html = response.content.decode()
    assert _html_lang(html) == source, start
    form = FORM.search(html)
    assert form, f"no language switcher on {start}"
    action, body = form.groups()
    next_url = NEXT.search(body).group(1).replace("&amp;", "&")

    response = client.post(action, {"language": target, "next": next_url}, **HOST)
    assert response.status_code == 302, (start, target)
    location = response["Location"]
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == target, (start, target)

    expected = _prefixed(page, target)
    assert location == expected, (start, target, location)
    assert len(_language_segments(location)) == (0 if target == settings.LANGUAGE_CODE else 1), location

    landed = client.get(location, **HOST)
    assert landed.status_code == 200, (start, target, location)
    assert _html_lang(landed.content.decode()) == target, (start, target, location)


@pytest.fixture
def candidate_client() -> Client:
    user = new_member("candidate")
    candidate = CandidateFactory(user=user)
    assert Candidate.objects.filter(pk=candidate.pk, user=user).exists()
    return login_with_mfa(Client(), user)


@pytest.mark.parametrize("source", CODES)
def test_every_public_page_switches_from_every_language_to_every_language(client, source):
    for page in PUBLIC_PAGES:
        for target in CODES:
            _switch(client, page, source, target)


@pytest.mark.parametrize("source", CODES)
def test_every_candidate_page_switches_from_every_language_to_every_language(candidate_client, source):
    for page in CANDIDATE_PAGES:
        for target in CODES:
            _switch(candidate_client, page, source, target)


@pytest.mark.parametrize("source", PREFIXED)
def test_choosing_deutsch_really_switches_to_german(candidate_client, source):
    response = candidate_client.post(
        "/i18n/setlang/", {"language": "de", "next": f"/{source}/app/candidates/me/"}, **HOST
    )
    assert response["Location"] == "/app/candidates/me/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    page = candidate_client.get(response["Location"], **HOST)
    assert _html_lang(page.content.decode()) == "de"


@pytest.mark.parametrize(
    "hostile_next",
    ["https://evil.example/", "//evil.example/ar/", "/\\evil.example/", "javascript:alert(1)"],
)
def test_a_foreign_next_address_is_refused_and_leads_home_in_the_target_language(client, hostile_next):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": hostile_next}, **HOST)
    assert response.status_code == 302
    assert response["Location"] == "/ar/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_a_doubled_prefix_in_next_collapses_to_the_target_alone(client):
    response = client.post(
        "/i18n/setlang/", {"language": "fa", "next": "/uk/ar/app/candidates/me/?x=1"}, **HOST
    )
    assert response["Location"] == "/fa/app/candidates/me/?x=1"


def test_the_switcher_still_refuses_an_unknown_language(client):
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/uk/"}, **HOST)
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_a_signed_in_user_keeps_the_choice_for_mails():
    user = new_member("candidate")
    client = login_with_mfa(Client(), user)
    client.post("/i18n/setlang/", {"language": "uk", "next": "/app/"}, **HOST)
    user.refresh_from_db()
    assert user.preferred_language == "uk"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/app/"}, **HOST)
    user.refresh_from_db()
    assert user.preferred_language == "uk"


# --- right to left ----------------------------------------------------------------------------

PHONE = "+49 (0)231 5578 9"
EMAIL = "amina.haddad@mail.example"
LTR = '<bdi dir="ltr">{}</bdi>'


@pytest.fixture
def amina():
    """A signed-in candidate with contact data, dates, an untranslated ESCO occupation and skill,
    and a consent for a German-named organisation."""
    user = new_member("candidate")
    candidate = CandidateFactory(
        user=user,
        phone=PHONE,
        email=EMAIL,
        postcode="44135",
        city="Dortmund",
        available_from=datetime.date(2027, 1, 4),
        work_permission_expires=datetime.date(2028, 6, 30),
    )
    occupation = OccupationFactory(
        uri="http://data.europa.eu/esco/occupation/test-rtl",
        label_de="Altenpfleger/Altenpflegerin",
        isco_code="5322",
    )
    skill = SkillFactory(uri="http://data.europa.eu/esco/skill/test-rtl", label_de="Gabelstapler fahren")
    CandidateOccupationFactory(candidate=candidate, occupation=occupation, years_experience=0)
    CandidateSkillFactory(candidate=candidate, skill=skill)
    ConsentFactory(
        candidate=candidate,
        scope=ConsentScope.CASE_DATA,
        recipient_organisation=OrganisationFactory(name="Jobcenter Dortmund"),
    )
    return candidate, login_with_mfa(Client(), user)


def _page(client: Client, path: str) -> str:
    response = client.get(path, **HOST)
    assert response.status_code == 200, path
    return response.content.decode()


def _bare(html: str, text: str) -> int:
    """How often ``text`` stands as element content outside an LTR isolate."""
    return html.count(f">{text}<") - html.count(LTR.format(text))


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_numbers_and_addresses_are_isolated_left_to_right_on_the_profile(amina, code):
    _candidate, client = amina
    html = _page(client, f"/{code}/app/candidates/me/")
    assert f'<html lang="{code}" dir="rtl"' in html
    assert LTR.format(PHONE) in html
    assert LTR.format(EMAIL) in html
    # Postcode and city in one isolate, in that order, so they cannot swap.
    assert LTR.format("44135 Dortmund") in html
    assert LTR.format("04.01.2027") in html and LTR.format("30.06.2028") in html
    assert _bare(html, PHONE) <= 0 and _bare(html, EMAIL) <= 0


@pytest.mark.parametrize("code", ["ar", "uk", "fa", "en"])
def test_german_text_on_a_candidate_page_is_marked_german(amina, code):
    _candidate, client = amina
    rtl = ' dir="ltr"' if code in ("ar", "fa") else ""
    for path, german in [
        ("/app/candidates/me/", "Altenpfleger/Altenpflegerin"),
        ("/app/candidates/me/", "Gabelstapler fahren"),
        ("/app/candidates/me/occupations/", "Altenpfleger/Altenpflegerin"),
        ("/app/candidates/me/skills/", "Gabelstapler fahren"),
        ("/app/candidates/me/consents/", "Jobcenter Dortmund"),
    ]:
        html = _page(client, f"/{code}{path}")
        assert f'<span lang="de"{rtl}>{german}</span>' in html, (code, path, german)


def test_german_pages_do_not_mark_german_text_again(amina):
    _candidate, client = amina
    html = _page(client, "/app/candidates/me/")
    assert '<span lang="de">Altenpfleger/Altenpflegerin</span>' not in html
    assert "<li>Altenpfleger/Altenpflegerin –" in html


def test_the_bidi_filters_escape_what_they_wrap():
    template = Template(
        "{% load lotse_bidi %}{{ phone|ltr }}|{{ name|lang:'de' }}|{{ who|isolate }}|{{ empty|ltr }}"
    )
    with translation.override("ar"):
        html = template.render(Context({"phone": "<b>1</b>", "name": "<i>x</i>", "who": "A&B", "empty": ""}))
    assert html == (
        '<bdi dir="ltr">&lt;b&gt;1&lt;/b&gt;</bdi>|<span lang="de" dir="ltr">&lt;i&gt;x&lt;/i&gt;</span>'
        "|<bdi>A&amp;B</bdi>|"
    )


def test_without_next_the_switcher_returns_to_the_referring_page_of_this_site(client):
    response = client.post(
        "/i18n/setlang/",
        {"language": "de"},
        HTTP_REFERER="http://127.0.0.1:8000/ar/suche/?q=pflege",
        **HOST,
    )
    assert response["Location"] == "/suche/?q=pflege"


def test_switching_by_get_is_refused(client):
    response = client.get("/i18n/setlang/?language=ar&next=/", **HOST)
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_invitation_shows_the_address_isolated_inside_the_arabic_sentence():
    from candidates import services

    candidate = CandidateFactory()
    invitation = services.invitation_send(
        candidate=candidate, actor=new_member("case_manager"), email="amina.haddad@mail.example"
    )
    token = services.invitation_token(invitation=invitation)
    html = _page(Client(), f"/ar/app/candidates/invitation/{token}/")
    assert LTR.format("amina.haddad@mail.example") in html


def test_an_esco_label_is_marked_with_the_language_it_is_really_in():
    from taxonomy.models import EN_FALLBACK

    template = Template("{% load lotse_bidi %}{{ concept|esco_label }}")
    english_stand_in = Skill(
        label_de="drive forklifts", label_en="drive forklifts", label_de_source=EN_FALLBACK
    )
    german_only = Occupation(label_de="Altenpfleger/Altenpflegerin")
    with translation.override("de"):
        assert (
            template.render(Context({"concept": english_stand_in}))
            == '<span lang="en">drive forklifts</span>'
        )
        assert template.render(Context({"concept": german_only})) == "Altenpfleger/Altenpflegerin"
    with translation.override("en"):
        assert template.render(Context({"concept": english_stand_in})) == "drive forklifts"
    with translation.override("fa"):
        assert (
            template.render(Context({"concept": german_only}))
            == '<span lang="de" dir="ltr">Altenpfleger/Altenpflegerin</span>'
        )


@pytest.mark.parametrize("code", ["ar", "fa"])
def test_the_profile_form_keeps_phone_email_and_postcode_left_to_right(amina, code):
    """Every form renders through config.forms.LotseFormRenderer: no template marks these inputs."""
    _candidate, client = amina
    html = _page(client, f"/{code}/app/candidates/me/edit/")
    assert f'<html lang="{code}" dir="rtl"' in html
    inputs = {m.group(1): m.group(0) for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*>', html)}
    for name in ("phone", "email", "postcode"):
        assert 'dir="ltr"' in inputs[name], inputs[name]
    assert 'inputmode="tel"' in inputs["phone"] and f'value="{PHONE}"' in inputs["phone"]
    assert 'dir="ltr"' not in inputs["city"]  # a city may be written in any script
    # On the profile, postcode and city stay in their order inside one isolate.
    assert LTR.format("44135 Dortmund") in _page(client, f"/{code}/app/candidates/me/")


@pytest.mark.parametrize(
    ("language", "joined"),
    [("de", "Kochen, Backen"), ("uk", "Kochen, Backen"), ("ar", "Kochen، Backen"), ("fa", "Kochen، Backen")],
)
def test_list_items_are_separated_by_the_comma_of_the_page_language(language, joined):
    template = Template(
        "{% load lotse_bidi %}{% for s in skills %}{{ s }}{% if not forloop.last %}{% list_comma %}{% endif %}{% endfor %}"
    )
    with translation.override(language):
        assert template.render(Context({"skills": ["Kochen", "Backen"]})) == joined


def test_typed_text_is_marked_with_the_language_it_was_written_in_and_its_own_direction():
    template = Template("{% load lotse_bidi %}{{ text|written_in:code }}|{{ empty|written_in:'ar' }}")
    with translation.override("ar"):
        assert (
            template.render(Context({"text": "<b>Deutsch B1</b>", "code": "de"}))
            == '<span lang="de" dir="auto">&lt;b&gt;Deutsch B1&lt;/b&gt;</span>|'
        )
        # never recorded (rows from before the language was kept): German, the language of those
        assert template.render(Context({"text": "Termin", "code": ""})).startswith(
            '<span lang="de" dir="auto">'
        )


def test_fields_people_type_words_into_run_in_the_direction_of_what_is_typed():
    from django import forms

    from candidates.models import Candidate

    class Form(forms.ModelForm):
        class Meta:
            model = Candidate
            fields = ["city", "phone", "preferences_own_words"]

    form = Form(
        instance=Candidate(city="Dortmund", preferences_own_words="أريد", preferences_own_words_lang="ar")
    )
    html = str(form)
    city = html[html.index('name="city"') :].split(">")[0]
    phone = html[html.index('name="phone"') :].split(">")[0]
    words = html[html.index('name="preferences_own_words"') :].split(">")[0]
    assert 'dir="auto"' in city and "lang=" not in city
    assert 'dir="ltr"' in phone and 'dir="auto"' not in phone
    assert 'dir="auto"' in words and 'lang="ar"' in words
