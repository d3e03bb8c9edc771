"""Crash safety: `nurture run` killed with SIGKILL at several points and started again loses no
accepted event and writes no action twice: its actions file equals an uninterrupted run's."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from runkit import nurture

ROOT = Path(__file__).parents[2]
RULES = str(ROOT / "rules" / "b2b_saas_trial.nurture")
T0 = 1767225600.0  # 2026-01-01T00:00:00Z
DAY = 86400.0


def _iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def generate(folder: Path, leads: int, events_per_lead: int, seed: int = 5) -> int:
    """gen_leads.csv and gen_events.jsonl for the b2b playbook; returns the number of events."""
    rng = np.random.default_rng(seed)
    sources = ["trial_signup", "webinar", "trade_show", "organic"]
    lines = ["id,created_at,company_size,industry,title,email,source"]
    rows = []
    for i in range(leads):
        created = T0 + float(rng.integers(0, 20 * 86400))
        lines.append(
            f"L{i},{_iso(created)},{int(rng.integers(5, 900))},tech,"
            f"{'VP Sales' if i % 4 == 0 else 'Analyst'},u{i}@example.com,"
            f"{sources[int(rng.integers(0, 4))]}"
        )
        rows.append((created + 60, i, "signed_up", {}))
        for _ in range(int(rng.poisson(events_per_lead))):
            at = created + 60 + float(rng.integers(0, 30 * 86400))
            kind = ["opened", "clicked", "visited", "demo_requested"][
                int(rng.choice(4, p=[0.5, 0.25, 0.22, 0.03]))
            ]
            props = (
                {"content": "feature_spotlight", "channel": "email"}
                if kind in ("opened", "clicked")
                else {"page": "pricing" if rng.random() < 0.4 else "docs"}
                if kind == "visited"
                else {}
            )
            rows.append((at, i, kind, props))
    (folder / "gen_leads.csv").write_text("\n".join(lines) + "\n")
    with open(folder / "gen_events.jsonl", "w") as out:
        for n, (at, i, kind, props) in enumerate(rows):  # file order is not time order
            out.write(
                json.dumps(
                    {"id": f"e{n}", "lead": f"L{i}", "type": kind, "at": _iso(at), "props": props}
                )
                + "\n"
            )
    return len(rows)


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
