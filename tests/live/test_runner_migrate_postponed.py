"""`nurture run --migrate` that takes away the step of a send postponed by policy: as on any exit
(DSL.md, Sequences), the postponed send is recorded as `suppressed` (reason `exit`) before the
`exited` action (reason `rules changed`), with the content, channel, step, arm and rule the old
rules had; the trail gets the same two lines."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from runkit import events_text, nurture, write

# quiet hours 20:00-08:00 UTC: a send at 21:00 waits for 08:00 the next day
SIMPLE = """\
campaign "quiet"
stages s
content a1 email
content a2 email
policy:
  quiet 20:00-08:00
sequence one:
  enter on signed_up
  send a1
  wait 1d
  send a2
"""

SPLIT = SIMPLE.replace("  send a1\n", "  split:\n    50% -> send a1\n    50% -> send a2\n")

LEADS = "id,created_at\nA,2026-01-05T09:00:00Z\nB,2026-01-05T09:00:00Z\n"
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T21:00:00Z", None),
    ("b1", "B", "signed_up", "2026-01-05T21:00:00Z", None),
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *extra: str) -> None:
    code, _, err = nurture(
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
        *extra,
    )
    assert code == 0, err


def lines_after(work: Path, n: int) -> list[str]:
    return (work / "a.jsonl").read_text().splitlines()[n:]


def test_removed_step_records_the_postponed_send_then_the_exit(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", SIMPLE)
    run(capsys)  # A and B enrolled at 21:00; `send a1` (step 1, line 9) postponed to 08:00
    write(work, "r.nurture", SIMPLE.replace("  send a1\n", "  wait 2h\n"))  # step 1: a wait now
    run(capsys, "--migrate", "--until", "2026-01-06T12:00:00Z")
    assert lines_after(work, 2) == [
        '{"lead": "A", "at": "2026-01-05T21:00:00Z", "action": "suppressed", "content": "a1", '
        '"channel": "email", "sequence": "one", "step": 1, "reason": "exit", '
        '"rule": "r.nurture:9"}',
        '{"lead": "A", "at": "2026-01-05T21:00:00Z", "action": "exited", "sequence": "one", '
        '"reason": "rules changed", "rule": "r.nurture:7"}',
        '{"lead": "B", "at": "2026-01-05T21:00:00Z", "action": "suppressed", "content": "a1", '
        '"channel": "email", "sequence": "one", "step": 1, "reason": "exit", '
        '"rule": "r.nurture:9"}',
        '{"lead": "B", "at": "2026-01-05T21:00:00Z", "action": "exited", "sequence": "one", '
        '"reason": "rules changed", "rule": "r.nurture:7"}',
    ]
    code, out, _ = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A")
    assert code == 0
    assert out.splitlines()[-3:] == [
        "2026-01-05T21:00:00Z  suppressed  postponed a1 dropped: exit  [r.nurture:9]",
        "2026-01-05T21:00:00Z  exited      left one (rules changed)  [r.nurture:7]",
        "2026-01-05T21:00:00Z  updated     lead attributes updated",  # re-evaluated: new rules
    ]


def test_removed_sequence_records_the_postponed_send_of_each_split_arm(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", SPLIT)  # split is step 1 (line 9); arm 1 step 2, arm 2 step 3
    run(capsys)  # with seed 0, A is in arm 2 (a2 postponed), B in arm 1 (a1 postponed)
    write(work, "r.nurture", SPLIT.replace("sequence one", "sequence two"))
    run(capsys, "--migrate", "--until", "2026-01-06T12:00:00Z")
    assert lines_after(work, 2) == [
        '{"lead": "A", "at": "2026-01-05T21:00:00Z", "action": "suppressed", "content": "a2", '
        '"channel": "email", "sequence": "one", "step": 3, "arm": 2, "reason": "exit", '
        '"rule": "r.nurture:11"}',
        '{"lead": "A", "at": "2026-01-05T21:00:00Z", "action": "exited", "sequence": "one", '
        '"reason": "rules changed", "rule": "r.nurture:7"}',
        '{"lead": "B", "at": "2026-01-05T21:00:00Z", "action": "suppressed", "content": "a1", '
        '"channel": "email", "sequence": "one", "step": 2, "arm": 1, "reason": "exit", '
        '"rule": "r.nurture:10"}',
        '{"lead": "B", "at": "2026-01-05T21:00:00Z", "action": "exited", "sequence": "one", '
        '"reason": "rules changed", "rule": "r.nurture:7"}',
    ]


def test_a_layout_without_send_details_still_records_the_suppressed_send(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", SIMPLE)
    run(capsys)
    with sqlite3.connect(work / "n.db") as db:  # as a database written before sends had details
        layout = json.loads(db.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()[0])
        for seq in layout[0]["sequences"]:
            seq["steps"] = [step[:2] for step in seq["steps"]]
        db.execute("UPDATE meta SET value = ? WHERE key = 'layout'", (json.dumps(layout),))
    write(work, "r.nurture", SIMPLE.replace("  send a1\n", "  wait 2h\n"))
    run(capsys, "--migrate")
    assert lines_after(work, 2)[:2] == [
        '{"lead": "A", "at": "2026-01-05T21:00:00Z", "action": "suppressed", "sequence": "one", '
        '"step": 1, "reason": "exit"}',
        '{"lead": "A", "at": "2026-01-05T21:00:00Z", "action": "exited", "sequence": "one", '
        '"reason": "rules changed", "rule": "r.nurture:7"}',
    ]


def test_a_wait_step_removed_records_no_suppressed_send(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", SIMPLE.replace("quiet 20:00-08:00", "quiet 23:00-23:30"))
    run(capsys)  # a1 sent at 21:00; now waiting at step 2 (wait 1d)
    write(work, "r.nurture", SIMPLE.replace("  wait 1d\n", "  send a2\n"))
    run(capsys, "--migrate")
    assert [json.loads(line)["action"] for line in lines_after(work, 4)] == ["exited", "exited"]


def test_a_rule_file_no_longer_given_records_its_postponed_send(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", SIMPLE.replace("quiet 20:00-08:00", "quiet 23:00-23:30"))
    write(
        work,
        "two.nurture",
        SIMPLE.replace('"quiet"', '"two"').replace("sequence one", "sequence two"),
    )
    files = ("r.nurture", "two.nurture")
    code, _, err = nurture(
        capsys,
        "run",
        *files,
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "--db",
        "n.db",
        "--actions",
        "a.jsonl",
    )
    assert code == 0, err  # r.nurture sends a1 at 21:00; two.nurture's a1 waits for 08:00
    run(capsys, "--migrate")  # r.nurture alone
    assert lines_after(work, 6) == [
        f'{{"lead": "{lead}", "at": "2026-01-05T21:00:00Z", "action": "{line}'
        for lead in ("A", "B")
        for line in (
            'suppressed", "content": "a1", "channel": "email", "sequence": "two", "step": 1, '
            '"reason": "exit", "rule": "two.nurture:9"}',
            'exited", "sequence": "two", "reason": "rules changed", "rule": "two.nurture:7"}',
        )
    ]
