"""One error family: a user's mistake (NurtureError, from any package) is printed with its hint and
exits 1; nurture's own failure is reported as a bug (exit 70), never as the user's mistake and never
as a bare traceback."""

from __future__ import annotations

import argparse
import inspect
import pickle
import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write

from cli import cmd_check
from dsl import DiagnosticError, InternalError, NurtureError, compile_source
from dsl.regex import PatternError
from live.inputs import InputError
from live.meta import RunError
from live.store import StoreError
from live.walk import ReplayMismatch
from simulator.loader import ScenarioError


@pytest.fixture
def bug_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where a bug report's traceback is saved (the temporary folder)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _failing(monkeypatch: pytest.MonkeyPatch, err: BaseException) -> None:
    """`nurture check` raises `err` (from the line RAISED)."""

    def run(args: argparse.Namespace) -> int:
        raise err

    monkeypatch.setattr(cmd_check, "run", run)


RAISED = inspect.getsourcelines(_failing)[1] + 4


def test_every_users_mistake_shares_one_base() -> None:
    for cls in (DiagnosticError, ScenarioError, InputError, StoreError, RunError, PatternError):
        assert issubclass(cls, NurtureError), cls
        assert not issubclass(cls, InternalError), cls
    assert issubclass(ReplayMismatch, InternalError)
    assert not issubclass(ReplayMismatch, NurtureError)
    assert not issubclass(InternalError, NurtureError)


def test_a_mistake_is_printed_with_the_command_and_its_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _failing(monkeypatch, NurtureError("leads.csv: no 'id' column", "name the first column id"))
    assert nurture(capsys, "check", "r.nurture") == (
        1,
        "",
        "nurture check: leads.csv: no 'id' column\n  hint: name the first column id\n",
    )


def test_a_scenario_mistake_is_printed_line_by_line_as_it_is(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _failing(monkeypatch, ScenarioError(["s.toml:3: one", "s.toml:5: two"]))
    assert nurture(capsys, "check", "r.nurture") == (1, "", "s.toml:3: one\ns.toml:5: two\n")


def test_rule_file_diagnostics_are_printed_with_their_lines_and_carets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", 'campaign "x"\nstages a\nsegment s: size > 1\n')
    with pytest.raises(DiagnosticError) as caught:
        compile_source((tmp_path / "r.nurture").read_text(), "r.nurture")
    _failing(monkeypatch, caught.value)
    assert nurture(capsys, "check", "r.nurture") == (
        1,
        "",
        "r.nurture:3:12: unknown name 'size'\n"
        "    3 | segment s: size > 1\n"
        "      |            ^^^^\n"
        "      = not a lead attribute, segment, score, stage or flag; declare it in the 'lead:' "
        "block or define it\n"
        "r.nurture: 1 error\n",
    )


def test_a_failure_of_nurture_is_reported_as_a_bug_with_its_traceback_saved(
    bug_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _failing(monkeypatch, KeyError("progs"))
    code, out, err = nurture(capsys, "check", "r.nurture")
    assert (code, out) == (70, "")
    [saved] = bug_folder.glob("nurture-bug-*.txt")
    assert err == (
        "nurture check: internal error: this is a bug in nurture, not a mistake in your input\n"
        "  KeyError: 'progs'\n"
        f"  at tests/cli/test_cli_errors.py:{RAISED}, in run\n"
        f"  the full traceback is in {saved}\n"
        "Please report it to the nurture maintainers (nurture 0.1.0), with the command you ran "
        "and that file.\n"
    )
    assert "Traceback" not in err
    text = saved.read_text()
    assert text.startswith("nurture 0.1.0\ncommand: nurture check r.nurture\n\n")
    assert "Traceback (most recent call last):" in text
    assert text.endswith("KeyError: 'progs'\n")


def test_when_the_traceback_cannot_be_saved_it_follows_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no" / "such" / "folder"))
    _failing(monkeypatch, InternalError("engine did not move past its timer at 5.0"))
    code, _, err = nurture(capsys, "check", "r.nurture")
    assert code == 70
    assert err.startswith(
        "nurture check: internal error: this is a bug in nurture, not a mistake in your input\n"
        "  InternalError: engine did not move past its timer at 5.0\n"
        f"  at tests/cli/test_cli_errors.py:{RAISED}, in run\n"
        "Please report it to the nurture maintainers (nurture 0.1.0), with the command you ran "
        "and the traceback below.\nTraceback (most recent call last):\n"
    )


def test_ctrl_c_exits_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _failing(monkeypatch, KeyboardInterrupt())
    assert nurture(capsys, "check", "r.nurture") == (130, "", "interrupted\n")


def test_a_replay_mismatch_in_explain_is_a_bug_not_the_users_mistake(
    tmp_path: Path,
    bug_folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", "id,created_at,plan,size\nA1,2026-01-05T09:00:00Z,pro,10\n")
    write(
        tmp_path,
        "e.jsonl",
        events_text(("a1", "A1", "signed_up", "2026-01-05T10:00:00Z", None)),
    )
    code, _, _ = nurture(
        capsys, "run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"
    )
    assert code == 0
    db = sqlite3.connect(tmp_path / "n.db")  # no checkpoint, no states, one action less
    db.execute("UPDATE meta SET value = '0' WHERE key LIKE 'checkpoint_%'")
    db.execute("DELETE FROM lead_state")
    db.execute("DELETE FROM outbox WHERE seq = 2")
    db.commit()
    db.close()
    code, out, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A1")
    assert (code, out) == (70, "")
    lines = err.splitlines()
    assert lines[0] == (
        "nurture explain: internal error: this is a bug in nurture, not a mistake in your input"
    )
    assert re.fullmatch(
        r"  ReplayMismatch: n\.db: replaying the interrupted run gave \d+ actions where the "
        r"outbox holds \d+; the database was changed by hand",
        lines[1],
    )
    assert re.fullmatch(r"  at live/walk\.py:\d+, in replay", lines[2])


def test_errors_cross_a_process_boundary_whole() -> None:
    """A mistake found in a worker process comes back with every field."""
    err = pickle.loads(pickle.dumps(NurtureError("too many leads", "give fewer")))
    assert (type(err), err.message, err.hint, str(err)) == (
        NurtureError,
        "too many leads",
        "give fewer",
        "too many leads",
    )
    scenario = pickle.loads(pickle.dumps(ScenarioError(["s.toml:3: one", "s.toml:4: two"])))
    assert scenario.messages == ["s.toml:3: one", "s.toml:4: two"]
    assert scenario.message == "s.toml:3: one\ns.toml:4: two"


def test_more_leads_than_a_replication_holds_is_the_users_mistake(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import simulator.model

    monkeypatch.setattr(simulator.model, "MAX_LEADS", 5)  # 16,777,216 in earnest
    argv = ["simulate", "rules/b2b_saas_trial.nurture", "--leads", "10", "--runs", "1"]
    assert nurture(capsys, *argv, "--workers", "1") == (
        1,
        "",
        "nurture simulate: 10 leads: at most 5 fit in one replication\n"
        "  hint: give --leads 5 or fewer\n",
    )
