"""`nurture explain`: a lead's timeline from the live database, with each rule's file:line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write

LEADS = "id,created_at,plan,size\nA1,2026-01-05T09:00:00Z,pro,10\n"
EVENTS = events_text(
    ("a1", "A1", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A1", "clicked", "2026-01-05T11:00:00Z", {"content": "hello", "channel": "email"}),
)


@pytest.fixture
def work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    code, _, _ = nurture(
        capsys,
        "run",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "--db",
        "n.db",
        "--actions",
        "a.jsonl",
        "--until",
        "2026-01-07T00:00:00Z",
    )
    assert code == 0
    return tmp_path


def test_timeline_names_every_rule(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A1")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "lead A1 at 2026-01-07T00:00:00Z"
    assert lines[1] == (
        "  r.nurture: score 15.00 (fit 10.00, activity 5.00, interest 0.00), stage warm"
    )
    assert lines[2] == "    segments: pro; flags: mql"
    timeline = "\n".join(lines[4:])
    for at, rule in [
        ("2026-01-05T09:00:00Z", "r.nurture:18"),  # +10 fit when pro
        ("2026-01-05T10:00:00Z", "r.nurture:36"),  # entered welcome
        ("2026-01-05T10:00:00Z", "r.nurture:38"),  # sent hello
        ("2026-01-05T11:00:00Z", "r.nurture:21"),  # +5 on clicked
        ("2026-01-05T11:00:00Z", "r.nurture:28"),  # stage warm
        ("2026-01-05T11:00:00Z", "r.nurture:31"),  # mql
        ("2026-01-06T10:00:00Z", "r.nurture:40"),  # sent nudge
    ]:
        assert any(
            line.startswith(at) and line.endswith(f"[{rule}]") for line in timeline.splitlines()
        ), (at, rule)


def test_json_for_machines(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A1", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["lead"] == "A1"
    assert data["standing"][0]["stage"] == "warm"
    assert data["standing"][0]["mql_at"] == "2026-01-05T11:00:00Z"
    points = [e for e in data["entries"] if e.get("rule") == "r.nurture:21"]
    assert points[0]["at"] == "2026-01-05T11:00:00Z"


def test_unknown_lead_suggests_the_nearest(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "a1")
    assert code == 1
    assert err.strip() == "nurture explain: no lead 'a1' in n.db (did you mean 'A1'?)"


def test_missing_database(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = nurture(capsys, "explain", "r.nurture", "--db", "other.db", "A1")
    assert code == 1
    assert err.strip() == "nurture explain: other.db: no such database"


def test_changed_rules_are_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "r.nurture", RULES + "\n")
    code, _, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A1")
    assert code == 1
    assert "the rules differ from the ones n.db runs: r.nurture (changed)" in err
