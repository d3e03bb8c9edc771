"""What `nurture run` leaves on disk (issue 11, item 6): a failed run leaves no database and no
lock, a finished one no lock; the actions summary says what the actions file holds; `-` for
stdout and stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, read_jsonl, write

LEADS = "id,created_at,plan,size\nA,2026-01-05T09:00:00Z,pro,10\nB,2026-01-05T09:00:00Z,free,3\n"
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None),
    ("b1", "B", "signed_up", "2026-01-06T12:00:00Z", None),
)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    return tmp_path


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


INPUTS = ["e.jsonl", "leads.csv", "r.nurture"]


def test_a_run_stopped_by_a_missing_file_leaves_no_database_and_no_lock(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = nurture(capsys, "run", "r.nurture", "--leads", "nothere.csv")
    assert code == 1
    assert err == "nurture run: nothere.csv: no such file\n"
    assert files(work) == INPUTS  # no nurture.db, no nurture.db.lock


def test_a_run_that_cannot_write_its_actions_leaves_no_new_database(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    code, _, err = nurture(capsys, *argv, "--actions", "missing/a.jsonl")
    assert code == 1
    assert err.startswith("nurture run: cannot write the actions file: missing/a.jsonl: folder ")
    assert files(work) == INPUTS


def test_a_finished_run_leaves_no_lock_and_a_failed_one_keeps_the_database(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    assert nurture(capsys, *argv, "--actions", "a.jsonl")[0] == 0
    assert files(work) == ["a.jsonl", *INPUTS[:2], "n.db", "r.nurture"]
    before = (work / "n.db").read_bytes()
    code, _, err = nurture(capsys, *argv, "--seed", "7")  # a mistake on a database in use
    assert code == 1
    assert "n.db was started with --seed 0" in err
    assert files(work) == ["a.jsonl", *INPUTS[:2], "n.db", "r.nurture"]
    assert (work / "n.db").read_bytes() == before


def test_the_summary_says_which_lines_are_new_and_that_the_file_is_the_whole_outbox(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    code, _, err = nurture(capsys, *argv, "--actions", "a.jsonl", "--until", "2026-01-05T12:00:00Z")
    assert code == 0
    # A: enrolled, send hello (B's signed_up is after --until)
    assert err.splitlines()[-1] == (
        "2 new actions this run (lines 1-2 of a.jsonl); a.jsonl holds the whole outbox of "
        "n.db: 2 actions; clock 2026-01-05T12:00:00Z"
    )
    code, _, err = nurture(capsys, *argv, "--actions", "a.jsonl", "--until", "2026-01-07T00:00:00Z")
    # A: send nudge a day later, exited (completed); B: enrolled, send hello at 12:00 on the 6th
    assert err.splitlines()[-1] == (
        "4 new actions this run (lines 3-6 of a.jsonl); a.jsonl holds the whole outbox of "
        "n.db: 6 actions; clock 2026-01-07T00:00:00Z"
    )
    assert len(read_jsonl(work / "a.jsonl")) == 6
    code, _, err = nurture(capsys, *argv, "--actions", "other.jsonl")
    assert err.splitlines()[-1] == (
        "0 new actions this run; other.jsonl holds the whole outbox of n.db: 6 actions; "
        "clock 2026-01-07T00:00:00Z"
    )
    assert read_jsonl(work / "other.jsonl") == read_jsonl(work / "a.jsonl")


def test_actions_dash_writes_this_runs_actions_to_stdout(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    code, out, err = nurture(capsys, *argv, "--actions", "-", "--until", "2026-01-05T12:00:00Z")
    assert code == 0
    assert [json.loads(line)["action"] for line in out.splitlines()] == ["enrolled", "send"]
    assert err.splitlines()[-1] == (
        "2 new actions this run (on stdout); clock 2026-01-05T12:00:00Z"
    )
    assert not (work / "-").exists()


def test_check_dash_reads_standard_input(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "cli.main", "check", "-"]
    good = subprocess.run(command, input=RULES, capture_output=True, text=True, cwd=ROOT)
    assert good.returncode == 0
    assert good.stdout == (
        '<stdin>: ok — campaign "runner test": 3 stages, 1 segment, 3 scores, 1 sequence, 3 steps\n'
    )
    bad = subprocess.run(
        command,
        input='campaign "x"\nstages a\nsegment s: plan == 1\n',
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert bad.returncode == 1
    assert bad.stderr.splitlines()[0] == "<stdin>:3:12: unknown name 'plan'"
    assert bad.stderr.splitlines()[-1] == "<stdin>: 1 error"


def test_json_dash_writes_the_forecast_to_stdout_and_the_report_to_stderr(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["simulate", "r.nurture", "--leads", "40", "--days", "5", "--runs", "1", "--json", "-"]
    code, out, err = nurture(capsys, *argv)
    assert code == 0
    data = json.loads(out)  # stdout holds the JSON and nothing else
    assert (data["leads"], data["runs"], data["campaign"]) == (40, 1, "runner test")
    assert "leads" in err and not (work / "-").exists()
