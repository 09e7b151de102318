"""The speed-dating scheduler (issue 15): nobody double-booked, tables and breaks respected, each
pair meets once, and the total fit is never below the greedy schedule's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import slots


@st.composite
def problems(draw):
    candidates = draw(st.integers(1, 12))
    businesses = draw(st.integers(1, 6))
    rounds = draw(st.integers(1, 5))
    cells = st.one_of(st.just(0.0), st.floats(0.05, 1.0))
    fit = np.array(draw(st.lists(cells, min_size=candidates * businesses, max_size=candidates * businesses)))
    tables = draw(st.lists(st.integers(0, 3), min_size=businesses, max_size=businesses))
    breaks = draw(st.lists(st.integers(0, rounds - 1), max_size=1))
    business_breaks = draw(
        st.lists(st.tuples(st.integers(0, rounds - 1), st.integers(0, businesses - 1)), max_size=3)
    )
    cap = slots.capacity(
        businesses=businesses, rounds=rounds, tables=tables, breaks=breaks, business_breaks=business_breaks
    )
    max_meetings = draw(st.one_of(st.none(), st.integers(0, rounds)))
    return fit.reshape(candidates, businesses), cap, max_meetings


@settings(max_examples=150, deadline=None)
@given(problems())
def test_schedule_keeps_every_rule_and_beats_greedy(problem):
    fit, cap, max_meetings = problem
    result = slots.schedule(fit, cap, max_meetings=max_meetings)
    greedy = slots.schedule_greedy(fit, cap, max_meetings=max_meetings)
    assert slots.problems(result, fit, cap, max_meetings=max_meetings) == []
    assert slots.problems(greedy, fit, cap, max_meetings=max_meetings) == []
    assert result.total_fit >= greedy.total_fit - 1e-9
    assert result.total_fit <= slots.fit_upper_bound(fit, cap, max_meetings=max_meetings) + 1e-6


def test_the_rule_checker_finds_a_double_booking():
    fit = np.ones((2, 1))
    cap = slots.capacity(businesses=1, rounds=1, tables=1)
    booked = slots.Schedule((slots.Meeting(0, 0, 0, 0), slots.Meeting(0, 0, 0, 1)), 2.0, "by hand")
    assert "table 0 of business 0 double-booked in round 0" in slots.problems(booked, fit, cap)


def test_the_solver_finds_what_greedy_misses():
    # Greedy seats the best pair (A with X) first and leaves B, who only fits X, without a meeting;
    # the assignment seats A with Y and B with X in the single round.
    fit = np.array([[1.0, 0.9], [0.8, 0.0]])
    cap = slots.capacity(businesses=2, rounds=1, tables=1)
    assert slots.schedule_greedy(fit, cap).total_fit == pytest.approx(1.0)
    result = slots.schedule(fit, cap)
    assert result.total_fit == pytest.approx(1.7)
    assert {(m.candidate, m.business) for m in result.meetings} == {(0, 1), (1, 0)}


def test_pauses_and_unfit_pairs_get_no_meeting():
    fit = np.array([[1.0, np.nan], [0.5, 0.7]])
    cap = slots.capacity(businesses=2, rounds=3, tables=1, breaks=[1], business_breaks=[(2, 0)])
    result = slots.schedule(fit, cap)
    assert all(m.round != 1 for m in result.meetings)
    assert (0, 1) not in {(m.candidate, m.business) for m in result.meetings}
    assert all(not (m.round == 2 and m.business == 0) for m in result.meetings)
    # Round 0 is the only round X has a table: A (who fits nobody else) meets X, B meets Y; in
    # round 2 only Y is open and B has met Y already.
    assert result.total_fit == pytest.approx(1.7)
