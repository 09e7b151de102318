"""Each message looked up once per language and process (issue 18).

Django keeps a language's catalogues in a list and looks a message up in one after the other: it
merges two catalogues only when their plural functions are one object, which they never are
(``TranslationCatalog.update`` compares a function's code with a function), so the project, Django,
Wagtail and allauth make some 25. A German page asks for its own source strings, found in none of
them: each ``{% translate %}`` walked all 25, about 10 µs, some 70 times on the case page.

A translation object's catalogues do not change after it is made (a changed ``.mo`` file makes new
objects), so what a lookup found is remembered on the object. Only for plain strings in and out: a
message marked safe keeps its own path, so a remembered answer never carries another call's marking.
"""

from __future__ import annotations

from django.utils.translation import trans_real


def remember_translations() -> None:
    """Remember what ``DjangoTranslation.gettext`` found, per translation object (idempotent)."""
    translations = trans_real.DjangoTranslation
    if getattr(translations, "_lotse_remembers", False):
        return
    look_up = translations.gettext

    def gettext(self, message):
        if type(message) is not str:
            return look_up(self, message)
        found = self.__dict__.get("_lotse_found")
        if found is None:
            found = self.__dict__["_lotse_found"] = {}
        try:
            return found[message]
        except KeyError:
            result = look_up(self, message)
            if type(result) is str:
                found[message] = result
            return result

    translations.gettext = gettext
    translations._lotse_remembers = True
