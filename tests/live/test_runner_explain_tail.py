"""`nurture explain` right after `nurture run` was killed between a batch commit and the next
checkpoint: it shows every committed batch (the journal after the checkpoint replayed in memory),
exactly as after a complete run of the same input, and leaves the database untouched."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write

ROOT = Path(__file__).parents[2]
LEADS = (
    "id,created_at,plan,size\nA1,2026-01-05T09:00:00Z,pro,10\n"
    "B1,2026-01-05T09:30:00Z,free,3\nC1,2026-01-06T09:45:00Z,free,1\n"
)
MAIL = {"content": "hello", "channel": "email"}
COMMITTED = [  # the events up to the kill (a5's batch is the last one committed)
    ("a1", "A1", "signed_up", "2026-01-05T10:00:00Z", None),
    ("b1", "B1", "signed_up", "2026-01-05T10:30:00Z", None),
    ("a2", "A1", "clicked", "2026-01-05T11:00:00Z", MAIL),
    ("a3", "A1", "visited", "2026-01-06T08:00:00Z", None),
    ("a4", "A1", "opened", "2026-01-06T09:00:00Z", MAIL),
    ("b2", "B1", "clicked", "2026-01-06T09:30:00Z", MAIL),
    ("a5", "A1", "opened", "2026-01-06T11:00:00Z", MAIL),
]
LATER = [
    ("a6", "A1", "visited", "2026-01-07T10:00:00Z", None),
    ("b3", "B1", "visited", "2026-01-07T11:00:00Z", None),
]

# One engine call a batch (A1's and B1's arrival, then each event, C1's arrival); a checkpoint once
# 6 calls are done (after A1's visit a3). The run kills itself (SIGKILL) right after committing the
# batch that holds a5, its 10th call: the lead states in the database are those of the checkpoint;
# a4, b2, C1's arrival, a5 and the timers before them (A1's and B1's nudge) are committed batches
# after it.
KILLED_RUN = """
import os, signal, sys
from live.store import Store
commit = Store.commit_batch
def commit_then_die(self, batch, meta=None):
    last = commit(self, batch, meta)
    if any(event.id == "a5" for event in batch.events):
        os.kill(os.getpid(), signal.SIGKILL)
    return last
Store.commit_batch = commit_then_die
from cli.main import main
sys.exit(main(sys.argv[1:]))
"""

A1_TEXT = """\
lead A1 at 2026-01-06T11:00:00Z
  r.nurture: score 26.17 (fit 10.00, activity 7.00, interest 9.17), stage hot
    segments: pro; flags: mql
    next: nothing due
      welcome: not enrolled: went through it (left 2026-01-06T10:00:00Z), once (no reenter) \
 [r.nurture:36]

2026-01-05T09:00:00Z  created   lead created
2026-01-05T09:00:00Z  fit       +10 fit: fit rule holds — when pro  [r.nurture:18]
2026-01-05T10:00:00Z  event     signed_up
2026-01-05T10:00:00Z  enrolled  entered welcome — on signed_up  [r.nurture:36]
2026-01-05T10:00:00Z  send      welcome step 1: sent hello by email  [r.nurture:38]
2026-01-05T10:00:00Z  step      welcome step 2: wait  [r.nurture:39]
2026-01-05T11:00:00Z  event     clicked channel=email content=hello
2026-01-05T11:00:00Z  points    +5 activity on clicked  [r.nurture:21]
2026-01-05T11:00:00Z  stage     stage new -> warm — when activity >= 5  [r.nurture:28]
2026-01-05T11:00:00Z  mql       became MQL — when score >= 15  [r.nurture:31]
2026-01-05T11:00:00Z  handoff   handed to sales — when mql  [r.nurture:42]
2026-01-05T11:00:00Z  task      sales task call  [r.nurture:43]
2026-01-06T08:00:00Z  event     visited
2026-01-06T08:00:00Z  points    +10 interest on visited  [r.nurture:25]
2026-01-06T08:00:00Z  stage     stage warm -> hot — when score >= 20  [r.nurture:29]
2026-01-06T09:00:00Z  event     opened channel=email content=hello
2026-01-06T09:00:00Z  points    +1 activity on opened  [r.nurture:22]
2026-01-06T10:00:00Z  send      welcome step 3: sent nudge by email  [r.nurture:40]
2026-01-06T10:00:00Z  exited    left welcome (completed)  [r.nurture:36]
2026-01-06T11:00:00Z  event     opened channel=email content=hello
2026-01-06T11:00:00Z  points    +1 activity on opened  [r.nurture:22]
2026-01-06T11:00:00Z  decay     -0.83 interest: decay since 2026-01-06T08:00:00Z (50% every 1d) \
 [r.nurture:26]
"""
# score: fit 10 + activity 5 + 1 + 1 + interest 10 x 0.5^(3h / 24h) = 9.17 (decay 50% every 1d):
# the timeline's points and decay add up to it: 10 + 5 + 10 + 1 + 1 - 0.83 = 26.17

B1_TIMELINE = """\
2026-01-06T09:30:00Z  event     clicked channel=email content=hello
2026-01-06T09:30:00Z  points    +5 activity on clicked  [r.nurture:21]
2026-01-06T09:30:00Z  stage     stage new -> warm — when activity >= 5  [r.nurture:28]
2026-01-06T10:30:00Z  send      welcome step 3: sent nudge by email  [r.nurture:40]
2026-01-06T10:30:00Z  exited    left welcome (completed)  [r.nurture:36]
"""


@pytest.fixture
def killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "all.jsonl", events_text(*COMMITTED, *LATER))
    write(tmp_path, "committed.jsonl", events_text(*COMMITTED))
    argv = [
        "run",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "all.jsonl",
        "--db",
        "k.db",
        "--actions",
        "k.jsonl",
        "--batch-size",
        "1",
        "--checkpoint-every",
        "6",
    ]
    done = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, *argv],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    return tmp_path


def explain(capsys: pytest.CaptureFixture[str], db: str, lead: str, *extra: str) -> str:
    code, out, err = nurture(capsys, "explain", "r.nurture", "--db", db, lead, *extra)
    assert code == 0, err
    return out


def test_explain_after_a_kill_shows_the_committed_batches(
    killed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from live.store import Store

    store = Store("k.db", readonly=True)
    try:  # the killed run left states older than its last batches
        assert store.journal_after(int(store.get("checkpoint_journal") or 0))
        assert len(store.state("A1")["trace"]) == 15  # up to a3's stage move: the checkpoint's
        assert store.state("C1") is None  # arrived after the checkpoint
    finally:
        store.close()
    assert explain(capsys, "k.db", "A1") == A1_TEXT
    assert explain(capsys, "k.db", "B1").endswith(B1_TIMELINE)
    assert explain(capsys, "k.db", "C1").splitlines()[-1] == (
        "2026-01-06T09:45:00Z  created  lead created"
    )


def test_explain_after_a_kill_equals_explain_after_a_complete_run(
    killed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = nurture(
        capsys,
        "run",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "committed.jsonl",
        "--db",
        "c.db",
        "--actions",
        "c.jsonl",
        "--until",
        "2026-01-06T11:00:00Z",
    )
    assert code == 0, err
    for lead in ("A1", "B1", "C1"):
        for extra in ((), ("--json",)):
            assert explain(capsys, "k.db", lead, *extra) == explain(capsys, "c.db", lead, *extra)


def test_explain_writes_nothing_to_the_database(
    killed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = [killed / "k.db", killed / "k.db-wal"]  # the WAL holds the batches of the killed run
    before = [path.read_bytes() for path in files]
    stamps = [path.stat().st_mtime_ns for path in files]
    for lead in ("A1", "B1", "C1"):
        explain(capsys, "k.db", lead)
    assert [path.read_bytes() for path in files] == before
    assert [path.stat().st_mtime_ns for path in files] == stamps


def test_a_run_after_explain_resumes_the_killed_run(
    killed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    explain(capsys, "k.db", "A1")
    code, _, err = nurture(
        capsys,
        "run",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "all.jsonl",
        "--db",
        "k.db",
        "--actions",
        "k.jsonl",
    )
    assert code == 0, err
    # interest: 10 x 0.5^(26h / 24h) = 4.72 before the second visit (-5.28), then 14.72 x
    # 0.5^(1h / 24h) = 14.30 at the clock, B1's last event (-0.42)
    decay = "  decay     {} interest: decay since {} (50% every 1d)  [r.nurture:26]"
    assert explain(capsys, "k.db", "A1").splitlines()[-4:] == [
        "2026-01-07T10:00:00Z  event     visited",
        "2026-01-07T10:00:00Z" + decay.format("-5.28", "2026-01-06T08:00:00Z"),
        "2026-01-07T10:00:00Z  points    +10 interest on visited  [r.nurture:25]",
        "2026-01-07T11:00:00Z" + decay.format("-0.42", "2026-01-07T10:00:00Z"),
    ]
