"""One list of CEFR levels: the choices people pick from and the order the engine ranks by agree."""

import pytest
from django import forms

from coaching.forms import LanguageNeedForm
from matching.engine.records import CEFR_LEVELS
from taxonomy.cefr import CEFR, CEFR_ORDER, cefr_rank


def test_the_choices_are_the_engines_levels_in_order():
    assert tuple(CEFR.values) == CEFR_ORDER == CEFR_LEVELS == ("A1", "A2", "B1", "B2", "C1", "C2")


def test_rank_orders_the_levels_and_refuses_unknown_ones():
    assert [cefr_rank(level) for level in ("", "a1", "B2", "C2")] == [0, 1, 4, 6]
    with pytest.raises(ValueError):
        cefr_rank("D1")


@pytest.mark.parametrize("name", ["current_level", "target_level"])
def test_the_language_need_form_offers_every_level_and_nothing_else(name):
    field = LanguageNeedForm.base_fields[name]
    assert isinstance(field, forms.ChoiceField)
    assert [value for value, _ in field.choices] == ["", *CEFR_ORDER]
