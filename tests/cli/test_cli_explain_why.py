"""`nurture explain` says why (issue 11, item 8): decay in the timeline, so that its points add up
to the header's scores; the condition of each rule and `if` that held; what is due next for the
lead, or why nothing is. The rule file is `data/why.nurture`; every figure below is worked out
by hand from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from runkit import events_text, nurture, write

DATA = Path(__file__).parent / "data"
LEADS = (
    "id,created_at,plan\nA,2026-01-05T09:00:00Z,pro\n"
    "B,2026-01-05T09:00:00Z,free\nC,2026-01-05T09:00:00Z,pro\n"
)
MAIL = {"content": "hello", "channel": "email"}
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None),
    ("b1", "B", "signed_up", "2026-01-05T10:00:00Z", None),
    ("c1", "C", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A", "clicked", "2026-01-05T11:00:00Z", MAIL),
    ("c2", "C", "replied", "2026-01-05T12:00:00Z", MAIL),
    ("a3", "A", "visited", "2026-01-06T11:00:00Z", {"page": "pricing"}),
)


@pytest.fixture
def work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.chdir(tmp_path)
    shutil.copy(DATA / "why.nurture", tmp_path / "why.nurture")
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    argv = ["run", "why.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    code, _, err = nurture(capsys, *argv, "--actions", "a.jsonl", "--until", "2026-01-06T12:00:00Z")
    assert code == 0, err
    return tmp_path


def explain(capsys: pytest.CaptureFixture[str], lead: str, *extra: str) -> str:
    code, out, err = nurture(capsys, "explain", "why.nurture", "--db", "n.db", lead, *extra)
    assert code == 0, err
    return out


# A: +5 (click) at 11:00 on day 1; x 0.9 a day: 4.50 a day later (-0.50), +3 (pricing) -> 7.50;
# an hour later 7.5 x 0.9^(1/24) = 7.467 -> 7.47 (-0.03). 10 + 5 - 0.50 + 3 - 0.03 = 17.47.
A_TEXT = [
    "lead A at 2026-01-06T12:00:00Z",
    "  why.nurture: score 17.47 (fit 10.00, activity 7.47), stage warm",
    "    segments: pro; flags: none",
    "    next:",
    "      welcome: step 7: send tips by email at 2026-01-07T11:00:00Z  [why.nurture:35]",
    "",
    "2026-01-05T09:00:00Z  created   lead created",
    "2026-01-05T09:00:00Z  fit       +10 fit: fit rule holds — when pro  [why.nurture:15]",
    "2026-01-05T10:00:00Z  event     signed_up",
    "2026-01-05T10:00:00Z  enrolled  entered welcome — on signed_up, for pro  [why.nurture:24]",
    "2026-01-05T10:00:00Z  send      welcome step 1: sent hello by email  [why.nurture:28]",
    "2026-01-05T10:00:00Z  step      welcome step 2: wait until — clicked or 1d  [why.nurture:29]",
    "2026-01-05T11:00:00Z  event     clicked channel=email content=hello",
    "2026-01-05T11:00:00Z  points    +5 activity on clicked  [why.nurture:18]",
    "2026-01-05T11:00:00Z  stage     stage new -> warm — when activity >= 5  [why.nurture:22]",
    "2026-01-05T11:00:00Z  step      welcome step 2: wait over, condition holds — clicked or 1d"
    "  [why.nurture:29]",
    "2026-01-05T11:00:00Z  step      welcome step 3: if true — if activity >= 5  [why.nurture:30]",
    "2026-01-05T11:00:00Z  send      welcome step 4: sent offer by email — when pro"
    "  [why.nurture:31]",
    "2026-01-05T11:00:00Z  step      welcome step 6: wait  [why.nurture:34]",
    "2026-01-06T11:00:00Z  event     visited page=pricing",
    "2026-01-06T11:00:00Z  decay     -0.50 activity: decay since 2026-01-05T11:00:00Z"
    " (10% every 1d)  [why.nurture:20]",
    '2026-01-06T11:00:00Z  points    +3 activity on visited — where page == "pricing"'
    "  [why.nurture:19]",
    "2026-01-06T12:00:00Z  decay     -0.03 activity: decay since 2026-01-06T11:00:00Z"
    " (10% every 1d)  [why.nurture:20]",
]


def test_the_timeline_adds_up_and_says_each_condition_and_what_is_next(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert explain(capsys, "A").splitlines() == A_TEXT


def test_a_lead_that_left_by_exit_when_says_the_condition_and_why_nothing_is_due(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = explain(capsys, "C").splitlines()
    assert lines[3:5] == [
        "    next: nothing due",
        "      welcome: not enrolled: went through it (left 2026-01-05T12:00:00Z), once "
        "(no reenter)  [why.nurture:24]",
    ]
    assert lines[-1] == (
        "2026-01-05T12:00:00Z  exited    left welcome (exit when) — exit when "
        "count(replied, 30d) >= 1  [why.nurture:27]"
    )


def test_a_lead_outside_the_audience_is_told_how_it_would_enter(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert explain(capsys, "B").splitlines()[3:5] == [
        "    next: nothing due",
        "      welcome: not enrolled: enters on signed_up (for pro)  [why.nurture:24]",
    ]


def test_json_has_the_conditions_the_decay_and_what_is_next(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(explain(capsys, "A", "--json"))
    assert data["standing"][0]["next"] == [
        {
            "sequence": "welcome",
            "due": "2026-01-07T11:00:00Z",
            "step": 7,
            "what": "step 7: send tips by email",
            "rule": "why.nurture:35",
        }
    ]
    assert data["entries"][-2] == {
        "at": "2026-01-06T11:00:00Z",
        "kind": "points",
        "message": "+3 activity on visited",
        "rule": "why.nurture:19",
        "condition": 'where page == "pricing"',
    }
    assert data["entries"][-1] == {
        "at": "2026-01-06T12:00:00Z",
        "kind": "decay",
        "message": "-0.03 activity: decay since 2026-01-06T11:00:00Z (10% every 1d)",
        "rule": "why.nurture:20",
    }
