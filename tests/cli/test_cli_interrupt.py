"""Ctrl-C on multi-run work (issue 11, item 5): `nurture simulate --runs 8` and `nurture compare`
stop soon after the terminal's SIGINT reaches their process group, say which replications had
finished, print no traceback and leave no process behind. The 10 s bound only guards against
the old behaviour (every remaining replication run to its end, 8-48 s here): it is not a speed
test; `bench/bench_interrupt.py` measures the delay."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

NURTURE = str(Path(sys.executable).with_name("nurture"))
RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(x) for x in task.read_text().split()]
    return found


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def interrupt(argv: list[str]) -> tuple[int, str, str]:
    """Start `nurture argv` in a process group of its own, send SIGINT to the whole group once
    its worker processes run (as a terminal's Ctrl-C does), and wait for it."""
    process = subprocess.Popen(
        [NURTURE, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    end = time.monotonic() + 60
    while len(_children(process.pid)) < 2 and time.monotonic() < end:
        time.sleep(0.05)
    assert len(_children(process.pid)) >= 2, "the pool's workers never started"
    time.sleep(1.0)  # into the replications
    os.killpg(process.pid, signal.SIGINT)
    try:
        out, err = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail("still running 10 s after Ctrl-C")
    time.sleep(0.2)
    assert not _group_alive(process.pid), "a process of the command outlived it"
    return process.returncode, out.decode(), err.decode()


FINISHED = r"(\d) of 8 replications had finished( \(runs? [0-7](, [0-7])*\))?"


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", RULES, "--scenario", SCENARIO],
        ["compare", RULES, "rules/b2b_saas_trial_variant.nurture", "--scenario", SCENARIO],
    ],
    ids=["simulate", "compare"],
)
def test_ctrl_c_stops_says_what_finished_and_leaves_nothing(argv, tmp_path):
    out_json = tmp_path / "out.json"
    options = ["--runs", "8", "--workers", "2", "--leads", "20000", "--json", str(out_json)]
    code, out, err = interrupt(argv + options)
    command = argv[0]
    assert code == 130
    assert out == ""
    lines = err.splitlines()
    assert lines[:2] == ["", f"nurture {command}: stopping (Ctrl-C again to quit at once)"]
    assert re.fullmatch(
        f"nurture {command}: interrupted: {FINISHED}; no report or file was written", lines[2]
    ), lines[2]
    assert len(lines) == 3
    assert not out_json.exists()
