"""How long `nurture sweep` takes to stop after Ctrl-C (SIGINT to its process group, as a terminal
sends it), on the process pool and on a Dask LocalCluster: python bench/ctrl_c_latency.py."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


def stop_after(seconds: float, backend: list[str]) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "cli.main", "sweep", RULES, "--scenario", SCENARIO]
    command += ["--leads", "2000", "--runs", "2", *backend]
    command += ["--vary", "behaviour.click.email=0.01..0.2 step 0.01"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(seconds)
    sent = time.monotonic()
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=120)
    return time.monotonic() - sent, process.returncode, err.strip().splitlines()[-1]


def main() -> None:
    for label, backend, wait in (
        ("pool of 2", ["--workers", "2"], 8.0),
        ("Dask local:2", ["--cluster", "local:2"], 15.0),
    ):
        for _ in range(3):
            latency, code, last = stop_after(wait, backend)
            print(f"{label:<14} stopped {latency:5.2f} s after SIGINT, exit {code}: {last}")


if __name__ == "__main__":
    main()
