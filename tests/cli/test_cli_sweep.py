"""`nurture sweep` end to end (small), its mistakes (exit 1 and 2), --csv/--json, and Ctrl-C: the
points finished are reported, exit 130."""

from __future__ import annotations

import csv
import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cli.main import main

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
SMALL = ["--scenario", SCENARIO, "--leads", "120", "--days", "30", "--runs", "2", "--workers", "1"]


def test_a_sweep_prints_its_points_and_writes_csv_and_json(tmp_path: Path, capsys) -> None:
    out_csv, out_json = tmp_path / "s.csv", tmp_path / "s.json"
    code = main(
        [
            "sweep",
            RULES,
            *SMALL,
            "--vary",
            "sales.reps=1,3",
            "--objective",
            "sql - 0.1*unsubscribes",
        ]
        + ["--csv", str(out_csv), "--json", str(out_json)]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines()[2:5] == [
        "Params: consideration_at = 20, decision_at = 60, mql_at = 50, sql_at = 80, "
        "welcome_wait = 2d,",
        "  trial_holdout = 10%, weekly_limit = 4",
        "grid, 3 points: sales.reps over 1, 3 (now 2).",
    ]
    assert "Best for sql - 0.1*unsubscribes: sales.reps=" in out
    rows = list(csv.reader(out_csv.open()))
    assert rows[0][:7] == [
        "point",
        "sales.reps",
        "current",
        "best",
        "objective",
        "objective_low",
        "objective_high",
    ]
    assert [r[1:3] for r in rows[1:]] == [["2", "1"], ["1", "0"], ["3", "0"]]
    data = json.loads(out_json.read_text())
    assert data["axes"] == [
        {
            "name": "sales.reps",
            "path": "sales.reps",
            "kind": "scenario",
            "values": [1, 3],
            "current": 2,
        }
    ]
    assert (data["design"], data["complete"], data["planned"]) == ("grid", True, 3)
    assert len(data["points"]) == 3
    best = data["points"][data["best"]["point"]]
    assert best["objective"] == data["best"]["objective"]


def test_the_issues_vary_words_may_stand_apart_on_the_command_line(capsys) -> None:
    # the shell hands `0.05..0.07 step 0.01` over as three words
    code = main(
        ["sweep", RULES, *SMALL, "--vary", "behaviour.email.click=0.05..0.07", "step", "0.01"]
    )
    out = capsys.readouterr().out
    assert code == 0
    # the current value (the calibrated 0.068) is a point beside the grid's three
    assert "grid, 4 points: behaviour.email.click over 0.05, 0.06, 0.07 (now 0.068)." in out


def test_a_mistake_in_vary_is_the_users_exit_1(capsys) -> None:
    code = main(["sweep", RULES, *SMALL, "--vary", "behaviour.clik.email=0.05,0.08"])
    assert code == 1
    assert capsys.readouterr().err == (
        "nurture sweep: --vary behaviour.clik.email: no field 'clik' in the scenario\n"
        "  hint: did you mean 'click'?\n"
    )


def test_a_mistake_in_the_objective_is_the_users_exit_1(capsys) -> None:
    code = main(["sweep", RULES, *SMALL, "--vary", "sales.reps=1,3", "--objective", "open('x')"])
    assert code == 1
    assert capsys.readouterr().err == (
        "nurture sweep: --objective \"open('x')\": only figure names, numbers and + - * / are "
        "allowed (column 1: \"open('x')\")\n"
        "  hint: write figure names, numbers, + - * / and parentheses, "
        "e.g. sql - 0.1*unsubscribes\n"
    )


def test_no_vary_is_bad_usage_exit_2(capsys) -> None:
    try:
        main(["sweep", RULES])
    except SystemExit as stop:
        assert stop.code == 2
    assert "the following arguments are required: --vary" in capsys.readouterr().err


class _Stderr:
    """A process's stderr on a pseudo-terminal (so its progress bar draws), read as it comes by
    a thread (a full terminal would block the process)."""

    def __init__(self) -> None:
        self.master, self.slave = pty.openpty()
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read, daemon=True)

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: every writer has closed it
                return
            if not chunk:
                return
            self.chunks.append(chunk)

    def start(self) -> None:
        os.close(self.slave)  # the child holds its own copy
        self.reader.start()

    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")

    def wait_for(self, pattern: str, seconds: float) -> bool:
        """Until `pattern` is in what was written (True), or `seconds` pass (False)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if re.search(pattern, self.text()):
                return True
            time.sleep(0.05)
        return False

    def close(self) -> str:
        self.reader.join(timeout=30)
        os.close(self.master)
        return self.text()


def test_ctrl_c_reports_the_points_finished_and_exits_130(tmp_path: Path) -> None:
    """Ctrl-C once the first run has finished (the progress bar says 1/42 runs or more): no
    fixed sleep, so a loaded machine that starts the pool slowly does not interrupt it before
    its workers are up."""
    out_json = tmp_path / "s.json"
    command = [sys.executable, "-m", "cli.main", "sweep", RULES, "--scenario", SCENARIO]
    command += ["--leads", "400", "--runs", "2", "--workers", "2", "--json", str(out_json)]
    command += ["--vary", "behaviour.click.email=0.01..0.2 step 0.01"]
    stderr = _Stderr()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr.slave,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    stderr.start()
    try:
        started = stderr.wait_for(r"\] [1-9]\d*/42 runs", seconds=300)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends: the whole group
        out, _ = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        err = stderr.close()
    assert started, err
    assert process.returncode == 130, err
    data = json.loads(out_json.read_text())
    finished = len(data["points"])
    assert not data["complete"] and data["planned"] == 21  # 20 values and the current 0.068
    assert f"interrupted: {finished} of 21 points finished" in err
    assert f"Interrupted: {finished} of 21 points finished." in out
    assert "Traceback" not in err


class _Terminal:
    """A stream that says it is a terminal and keeps what is written."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_the_progress_bar_shows_points_and_an_eta(monkeypatch) -> None:
    from cli import cmd_simulate

    clock = iter([100.0, 130.0, 160.0])
    monkeypatch.setattr(cmd_simulate.time, "monotonic", lambda: next(clock))
    term = _Terminal()
    bar = cmd_simulate.ProgressBar(
        "sweeping", term, extra=lambda done, total: f"({int(done) // 2} points)"
    )
    bar(5, 20)  # 30 s for 5 runs: 90 s to go
    bar(20, 20)
    assert term.text == (
        "\rsweeping [#######.......................] 5/20 runs  (2 points)  30s  ETA 1m30s   "
        "\rsweeping [##############################] 20/20 runs  (10 points)  1m00s   \n"
    )


def test_an_unreachable_scheduler_is_the_users_mistake(monkeypatch, capsys) -> None:
    import socket

    from simulator import backends

    monkeypatch.setattr(backends, "CONNECT_TIMEOUT", "1s")
    with socket.socket() as s:  # a port nobody listens on: bound, never listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        code = main(
            ["sweep", RULES, *SMALL[:-2], "--vary", "sales.reps=1,3"]
            + ["--cluster", f"tcp://127.0.0.1:{port}"]
        )
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith(
        f"nurture sweep: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: "
    )
    assert err.endswith(
        "  hint: start one with `dask scheduler` and workers with `dask worker ADDRESS` "
        "(see the README, Scale-out), or use --cluster local:N\n"
    )


def test_workers_and_cluster_exclude_each_other(capsys) -> None:
    try:
        main(["sweep", RULES, *SMALL, "--vary", "sales.reps=1,3", "--cluster", "local:2"])
    except SystemExit as stop:
        assert stop.code == 2
    assert capsys.readouterr().err == (
        "nurture sweep: give --workers (a process pool) or --cluster (Dask), not both\n"
    )


def test_a_sweep_over_params_and_an_assumption(tmp_path: Path, capsys) -> None:
    out_json = tmp_path / "s.json"
    code = main(
        ["sweep", RULES, *SMALL, "--vary", "welcome_wait=1d,3d", "--vary", "sql_at=range 3"]
        + ["--vary", "sales.reps=2", "--set", "mql_at=40", "--json", str(out_json)]
    )
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines()[2:5] == [
        "Params: consideration_at = 20, decision_at = 60, mql_at = 40 (set; the file says 50),",
        "  trial_holdout = 10%, weekly_limit = 4",
        "grid, 7 points: welcome_wait over 1d, 3d (now 2d); sql_at over 60, 90, 120 (now 80); "
        "sales.reps over 2 (now 2).",
    ]
    data = json.loads(out_json.read_text())
    assert data["params"]["mql_at"] == {"value": "40", "file": "50", "set": True}
    assert data["axes"][0] == {
        "name": "welcome_wait",
        "path": "welcome_wait",
        "kind": "param",
        "values": [1.0, 3.0],
        "current": 2.0,
        "unit": "days",
        "texts": ["1d", "3d"],
        "current_text": "2d",
    }
    names = ("welcome_wait", "sql_at", "sales.reps")  # the JSON's keys come sorted
    points = {tuple(p["values"][n] for n in names): p for p in data["points"]}
    assert list(points) == [
        (2.0, 80.0, 2),
        (1.0, 60.0, 2),
        (1.0, 90.0, 2),
        (1.0, 120.0, 2),
        (3.0, 60.0, 2),
        (3.0, 90.0, 2),
        (3.0, 120.0, 2),
    ]
    at = points[(3.0, 120.0, 2)]["forecast"]["params"]
    assert (at["welcome_wait"], at["sql_at"], at["mql_at"]) == (
        {"value": "3d", "file": "2d", "set": True},
        {"value": "120", "file": "80", "set": True},
        {"value": "40", "file": "50", "set": True},
    )
    assert points[(2.0, 80.0, 2)]["current"] is True


def test_a_mistake_in_a_param_axis_is_the_users_exit_1(capsys) -> None:
    code = main(["sweep", RULES, *SMALL, "--vary", "sql_at=50,60"])
    assert code == 1
    assert capsys.readouterr().err == (
        "nurture sweep: --vary sql_at: 50 is outside the range of 'sql_at', 60..120 "
        "(line 10 of rules/b2b_saas_trial.nurture)\n"
        "  hint: a sweep tries the values the param's range allows; widen the range in the file "
        "to try others\n"
    )
    code = main(["sweep", RULES, *SMALL, "--vary", "sql_att=70"])
    assert code == 1
    assert capsys.readouterr().err == (
        "nurture sweep: --vary sql_att: rules/b2b_saas_trial.nurture has no param 'sql_att'\n"
        "  hint: did you mean 'sql_at'?\n"
    )
