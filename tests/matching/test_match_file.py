"""match_file: rank from JSON-lines files and the project's ESCO files, no database."""

import json

import pytest
from django.core.management import CommandError, call_command

from tests.matching.synthetic import write_jsonl

COOK = "http://data.europa.eu/esco/occupation/90f75f67-495d-49fa-ab57-2f320e251d7e"


def test_real_esco_files_give_a_full_index(esco_files):
    assert len(esco_files.occupation_isco) == 3039
    assert len(esco_files.known_skills) > 13_000
    assert esco_files.occupation_isco[COOK] == "5120"
    assert len(esco_files.occupation_essential[COOK]) > 5


def test_ranks_from_files_and_reports_unknown_uris(tmp_path, esco_files, capsys):
    cook_skills = sorted(esco_files.occupation_essential[COOK])
    write_jsonl(
        tmp_path / "c.jsonl",
        [
            {
                "id": "cook",
                "occupations": [{"uri": COOK, "years": 4}],
                "skills": cook_skills[:3],
                "german": "B1",
                "postcode": "34117",
                "hours": 40,
                "available_from": "2026-12-01",
                "permit": "may_work",
            },
            {
                "id": "stranger",
                "occupations": [{"uri": "http://example.org/not-esco", "years": 2}],
                "skills": ["http://example.org/unknown-skill"],
                "german": "B2",
                "postcode": "34119",
                "hours": 40,
                "permit": "may_work",
            },
            {"id": "no-permit", "skills": cook_skills, "german": "C1", "postcode": "34117", "permit": "none"},
            "{not json",
        ],
    )
    write_jsonl(
        tmp_path / "p.jsonl",
        [
            {
                "id": "kitchen",
                "occupation": COOK,
                "essential": cook_skills[:5],
                "optional": [],
                "min_german": "A2",
                "language_support": True,
                "postcode": "34117",
                "hours": 40,
                "start": "2027-01-01",
            }
        ],
    )
    out = tmp_path / "r.jsonl"
    call_command(
        "match_file",
        candidates=str(tmp_path / "c.jsonl"),
        placements=str(tmp_path / "p.jsonl"),
        top=10,
        out=str(out),
    )
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 1 and lines[0]["placement"] == "kitchen"
    ranked = lines[0]["ranked"]
    assert [r["candidate"] for r in ranked] == ["cook", "stranger"]
    best = ranked[0]["explanation"]
    assert set(best["essential_met"]) >= set(cook_skills[:3])
    assert best["occupation"] == "same"
    assert best["distance_km"] == 0.0
    assert isinstance(ranked[0]["score"], float) and ranked[0]["score"] > ranked[1]["score"]
    err = capsys.readouterr().err
    assert "c.jsonl:4" in err
    assert "1 unknown occupation URIs" in err and "http://example.org/not-esco" in err
    assert "1 unknown skill URIs" in err


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="File not found"):
        call_command(
            "match_file", candidates=str(tmp_path / "nope.jsonl"), placements=str(tmp_path / "p.jsonl")
        )
