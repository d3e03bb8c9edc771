"""The TUI's speed, as a person feels it (`python bench/bench_tui.py [--quick]`):

1. first screen: from starting `nurture tui FILE` in a pseudo-terminal to the rules tree on the
   screen (target: within 1.5 s); the best and the median of 5 launches;
2. the leads view with 100,000 leads (generated rows of the simulator's per-lead shape): a filter
   typed, run in a worker; the UI's longest stall meanwhile, measured by a 10 ms heartbeat timer
   on the UI's event loop (target: no stall a person sees, under 0.1 s), and the time until the
   filtered rows are shown;
3. a 2,000-lead, 20-run forecast of the B2B playbook: the longest gap between two progress
   updates on the screen (target: at most 1 s) and the UI's longest stall meanwhile.
Wall times; the machine is shared, so each figure is printed with its CPU time where it has one.
"""

from __future__ import annotations

import asyncio
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
B2B = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
ANSI = re.compile(
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])"
)


def first_screen() -> float:
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "tui", B2B, "--scenario", SCENARIO],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    seen, shown = b"", None
    while time.perf_counter() - start < 30:
        if select.select([master], [], [], 0.01)[0]:
            seen += os.read(master, 65536)
            if b"Segments" in ANSI.sub(b"", seen):
                shown = time.perf_counter() - start
                break
    os.write(master, b"q")
    end = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < end:
        if select.select([master], [], [], 0.05)[0]:
            try:
                os.read(master, 65536)
            except OSError:
                break
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    os.close(master)
    if shown is None:
        raise SystemExit("the first screen never appeared")
    return shown


class Heartbeat:
    """Timestamps of a 10 ms timer on the UI loop: the longest gap is the longest stall."""

    def __init__(self) -> None:
        self.beats: list[float] = []

    def __call__(self) -> None:
        self.beats.append(time.perf_counter())

    def longest(self) -> float:
        return max((b - a for a, b in zip(self.beats, self.beats[1:], strict=False)), default=0.0)


def generated(n: int):  # the per-lead row shape the simulator will give
    from tui.leads_data import LeadRows

    return LeadRows.from_columns(
        {
            "id": [f"L{i + 1}" for i in range(n)],
            "persona": ["founder" if i % 3 == 0 else "analyst" for i in range(n)],
            "arrival": [1.767e9 + 60.0 * i for i in range(n)],
            "stage": [("awareness", "consideration", "decision")[i % 3] for i in range(n)],
            "flags": ["mql" if i % 7 == 0 else "" for i in range(n)],
            "segments": ["trial;enterprise" if i % 2 else "dormant" for i in range(n)],
            "score": [float(i % 97) for i in range(n)],
            "touches": [i % 9 for i in range(n)],
            "deal": [0.0 if i % 11 else 6000.0 for i in range(n)],
        }
    )


async def leads_filter(n: int) -> tuple[float, float, float]:
    from tui import Launch, NurtureApp
    from tui.widgets.leads_table import LeadsTable

    app = NurtureApp(Launch((B2B,), SCENARIO, watch_seconds=0))
    rows = generated(n)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        start = time.perf_counter()
        screen.set_rows(rows)
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown_all = time.perf_counter() - start
        beat = Heartbeat()
        timer = app.set_interval(0.01, beat)
        await pilot.pause(0.1)
        start = time.perf_counter()
        screen.query_one("#filter").value = "segment:trial stage:decision"  # as pasted
        table = screen.query_one(LeadsTable)
        while len(table.order) != n // 6:  # odd i with i % 3 == 2: n / 6 leads
            await asyncio.sleep(0.005)
        filtered = time.perf_counter() - start
        await pilot.press("end")
        await pilot.pause(0.1)
        timer.stop()
        return shown_all, filtered, beat.longest()


async def forecast_progress(leads: int, runs: int) -> tuple[float, float, float, int]:
    from textual.widgets import Input

    from tui import Launch, NurtureApp

    app = NurtureApp(Launch((B2B,), SCENARIO, watch_seconds=0))
    updates: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        for name, value in (("leads", leads), ("days", 90), ("runs", runs), ("seed", 0)):
            screen.query_one(f"#set-{name}", Input).value = str(value)
        bar = screen.query_one("#progress")
        beat = Heartbeat()
        timer = app.set_interval(0.01, beat)
        start = time.perf_counter()
        await pilot.press("r")
        last = 0.0
        while app.forecast is None:  # each change of the bar on screen is an update
            await asyncio.sleep(0.01)  # (pilot.pause would wait for the messages to stop)
            if bar.progress != last:
                last = bar.progress
                updates.append(time.perf_counter())
        total = time.perf_counter() - start
        timer.stop()
    points = [start, *updates]
    gap = max(b - a for a, b in zip(points, points[1:], strict=False))
    return total, gap, beat.longest(), len(updates)


def main() -> None:
    quick = "--quick" in sys.argv
    launches = [first_screen() for _ in range(3 if quick else 5)]
    print(
        f"first screen (80x24 pty, b2b playbook): best {min(launches):.2f} s, "
        f"median {statistics.median(launches):.2f} s of {len(launches)}  (target <= 1.5 s)"
    )
    n = 20_000 if quick else 100_000
    shown, filtered, stall = asyncio.run(leads_filter(n))
    print(
        f"leads view, {n:,} rows: all shown {shown:.2f} s; filter typed to rows shown "
        f"{filtered:.2f} s; longest UI stall meanwhile {1000 * stall:.0f} ms  (target < 100 ms)"
    )
    leads, runs = (500, 5) if quick else (2000, 20)
    total, gap, stall, count = asyncio.run(forecast_progress(leads, runs))
    print(
        f"forecast {leads:,} leads x {runs} runs: {total:.1f} s, {count} progress updates, "
        f"longest gap {gap:.2f} s (target <= 1 s); longest UI stall {1000 * stall:.0f} ms"
    )


if __name__ == "__main__":
    main()
