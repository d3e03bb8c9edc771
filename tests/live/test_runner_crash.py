"""Crash safety: `nurture run` killed with SIGKILL at several points and started again loses no
accepted event and writes no action twice: its actions file equals an uninterrupted run's."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from runkit import generate, nurture

ROOT = Path(__file__).parents[2]
RULES = str(ROOT / "rules" / "b2b_saas_trial.nurture")
T0 = 1767225600.0  # 2026-01-01T00:00:00Z
DAY = 86400.0


def command(db: str, actions: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "cli.main",
        "run",
        RULES,
        "--leads",
        "gen_leads.csv",
        "--events",
        "gen_events.jsonl",
        "--db",
        db,
        "--actions",
        actions,
        "--batch-size",
        "300",
        "--checkpoint-every",
        "2000",
        "--until",
        "2026-02-25T00:00:00Z",
    ]


def outbox_rows(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1) as con:
            return int(con.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_when(db: Path, actions: str, rows: int, delay: float = 0.0) -> None:
    """Start the run, SIGKILL it once the outbox holds `rows` rows (then `delay` s later)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        command(str(db), actions),
        cwd=db.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while proc.poll() is None and outbox_rows(db) < rows:
            time.sleep(0.005)
        time.sleep(delay)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


def test_killed_runs_resume_to_the_same_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    count = generate(tmp_path, leads=600, events_per_lead=14)
    assert nurture(capsys, *command("clean.db", "clean.jsonl")[3:])[0] == 0
    clean = (tmp_path / "clean.jsonl").read_bytes()
    total = clean.count(b"\n")
    assert total > 1000
    db = tmp_path / "crash.db"
    for share, delay in ((0.15, 0.0), (0.4, 0.013), (0.7, 0.031)):
        kill_when(db, "crash.jsonl", int(total * share), delay)
        assert 0 < outbox_rows(db) < total  # killed mid-run
    assert nurture(capsys, *command("crash.db", "crash.jsonl")[3:])[0] == 0
    assert (tmp_path / "crash.jsonl").read_bytes() == clean
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM events").fetchone() == (count,)
        assert con.execute("SELECT COUNT(*) FROM outbox").fetchone() == (total,)


def test_killed_run_leaves_the_same_states_and_trail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from live.store import Store

    monkeypatch.chdir(tmp_path)
    generate(tmp_path, leads=200, events_per_lead=10)
    assert nurture(capsys, *command("clean.db", "clean.jsonl")[3:])[0] == 0
    total = (tmp_path / "clean.jsonl").read_bytes().count(b"\n")
    kill_when(tmp_path / "crash.db", "crash.jsonl", total // 2)
    assert nurture(capsys, *command("crash.db", "crash.jsonl")[3:])[0] == 0
    clean, crashed = Store("clean.db", readonly=True), Store("crash.db", readonly=True)
    assert list(crashed.states()) == list(clean.states())
