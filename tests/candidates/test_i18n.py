"""The candidate-facing pages in English, Arabic (right-to-left), Ukrainian and Farsi."""

from __future__ import annotations

import pytest
from django.urls import reverse

from candidates.models import Candidate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "ar", "uk", "fa"])
def test_the_candidates_pages_speak_their_language(desk, signed_in, candidate_team, language):
    from django.utils import translation

    Candidate.objects.filter(pk=desk.candidate.pk).update(user=candidate_team.own)
    client = signed_in(candidate_team.own)
    for name in ("my_profile", "my_profile_edit", "my_languages", "my_consents", "my_audit"):
        with translation.override(language):
            url = reverse(f"candidates:{name}")
        body = client.get(url).content.decode()
        assert f'lang="{language}"' in body
        assert ('dir="rtl"' in body) == (language in ("ar", "fa"))
        for german in (
            "Mein Profil",
            "Meine Angaben ändern",
            "Meine Sprachen",
            "Wer darf meine Daten sehen?",
            "Wer hat meine Daten angesehen?",
            "Speichern",
            "zurück",
        ):
            assert f">{german}<" not in body, (name, german)
