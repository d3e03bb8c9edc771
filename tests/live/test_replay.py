"""`nurture replay`: new rules over a live database's recorded history, read-only. The same rules
give no difference; a changed MQL threshold gives exactly the differences counted by hand."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write

LEADS = """\
id,created_at,plan,size
P1,2026-01-05T09:00:00Z,pro,1
P2,2026-01-05T09:00:00Z,pro,1
F1,2026-01-05T09:00:00Z,free,1
F2,2026-01-05T09:00:00Z,free,1
"""
HELLO = {"content": "hello", "channel": "email"}
# Scores (fit +10 when pro, +5 on clicked): P1 15, P2 10, F1 10, F2 5.
EVENTS = events_text(
    ("e1", "P1", "clicked", "2026-01-05T10:00:00Z", HELLO),
    ("e2", "F1", "clicked", "2026-01-05T10:00:00Z", HELLO),
    ("e3", "F1", "clicked", "2026-01-05T11:00:00Z", HELLO),
    ("e4", "F2", "clicked", "2026-01-05T12:00:00Z", HELLO),
)
LOWER = RULES.replace("mql when score >= 15", "mql when score >= 10")  # line 31


@pytest.fixture
def work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "lower.nurture", LOWER)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    code, _, err = nurture(capsys, *argv, "--until", "2026-01-08T00:00:00Z")
    assert code == 0, err
    return tmp_path


def replayed(capsys: pytest.CaptureFixture[str], rules: str) -> dict:
    code, out, err = nurture(capsys, "replay", rules, "--db", "n.db", "--json")
    assert code == 0, err
    return json.loads(out)


def test_the_same_rules_change_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = replayed(capsys, "r.nurture")
    assert data["identical"] is True
    assert data["leads_changed"] == []
    assert all(t["difference"] == 0 for t in data["totals"])
    assert {t["what"]: t["done"] for t in data["totals"]} == {
        "MQL": 1,
        "SQL": 0,
        "handoffs": 1,
        "sunsets": 0,
        "unsubscribes": 0,
        "task call": 1,
    }


def test_a_lower_threshold_gives_the_differences_counted_by_hand(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """At >= 10, P2 (10) and F1 (10) become MQL too, and are handed off with their call task;
    P1 was MQL already and F2 (5) stays below."""
    data = replayed(capsys, "lower.nurture")
    totals = {t["what"]: (t["done"], t["would"], t["difference"]) for t in data["totals"]}
    assert totals == {
        "MQL": (1, 3, 2),
        "SQL": (0, 0, 0),
        "handoffs": (1, 3, 2),
        "sunsets": (0, 0, 0),
        "unsubscribes": (0, 0, 0),
        "task call": (1, 3, 2),
    }
    assert data["leads_changed"] == [
        {
            "lead": lead,
            "stages": [],
            "lifecycle": [
                {"flag": "mql", "was": False, "now": True, "rule": "lower.nurture:31"},
                {"flag": "handoff", "was": False, "now": True, "rule": "lower.nurture:42"},
            ],
            "sends": [{"what": "task call", "done": 0, "would": 1}],
        }
        for lead in ("F1", "P2")
    ]


def test_text_lists_the_leads_and_what_replay_cannot_know(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = nurture(capsys, "replay", "lower.nurture", "--db", "n.db")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Replay: lower.nurture on n.db"
    assert lines[1] == (
        "the recorded history: 4 leads, 4 events, up to 2026-01-08T00:00:00Z; done under r.nurture"
    )
    assert "  MQL                                              1         3        +2" in lines
    assert "Leads whose stage or lifecycle would differ: 2 of 4" in lines
    assert "  F1: MQL: no -> yes (lower.nurture:31); handoff: no -> yes (lower.nurture:42)" in lines
    assert "Leads whose sends alone would differ: 0" in lines
    assert any("nurture compare OLD NEW --scenario S" in line for line in lines)


def test_the_database_is_not_changed(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = hashlib.sha256((work / "n.db").read_bytes()).hexdigest()
    replayed(capsys, "lower.nurture")
    assert hashlib.sha256((work / "n.db").read_bytes()).hexdigest() == before


def test_a_stage_difference_names_the_new_stage_rule(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`stage hot when score >= 10` (line 29): P1, P2, F1 reach hot; the rule is the new line."""
    write(
        work,
        "hot.nurture",
        RULES.replace("stage hot  when score >= 20", "stage hot  when score >= 10"),
    )
    data = replayed(capsys, "hot.nurture")
    stages = {d["lead"]: d["stages"] for d in data["leads_changed"]}
    assert stages == {
        "F1": [{"was": "warm", "now": "hot", "rule": "hot.nurture:29"}],
        "P1": [{"was": "warm", "now": "hot", "rule": "hot.nurture:29"}],
        "P2": [{"was": "new", "now": "hot", "rule": "hot.nurture:29"}],
    }


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["r.nurture", "lower.nurture"],
            "nurture replay: n.db runs 1 rule file (r.nurture); give as many new files, in that "
            "order, each the new version of its file (an unchanged one as it is)",
        ),
        (["r.nurture", "--db", "none.db"], "nurture replay: none.db: no such database"),
    ],
)
def test_mistakes_are_named(
    work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    if "--db" not in argv:
        argv = [*argv, "--db", "n.db"]
    code, out, err = nurture(capsys, "replay", *argv)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [message]
