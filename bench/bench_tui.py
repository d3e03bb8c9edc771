"""The TUI's speed, as a person feels it (`python bench/bench_tui.py [--quick] [--db]`;
`--db-only` measures the live database's leads view alone):

1. first screen, in an 80x24 pseudo-terminal, side by side with two baselines launched in the
   same way, interleaved (the machine is shared: ratios measured in one run mean more than
   seconds): `python -c "import textual"` (the interpreter and Textual loaded, nothing drawn),
   and a one-widget Textual app (its first paint). For `nurture tui FILE`: the rule file on the
   screen (its `campaign` line), and the tree of definitions once the file is checked in the
   background (`Segments`). Target: within 1.5 s.
2. the leads view with 100,000 leads (generated columns of the simulator's `SimulatedLeads`):
   a filter typed, run in a worker; the UI's longest stall meanwhile, measured by a 10 ms
   heartbeat timer on the UI's event loop (target: under 0.1 s), and the time to the filtered
   rows on screen.
3. with `--db`, the leads view of a live database of 100,000 leads (rules/sample's 300 leads and
   their events copied under new ids until there are that many, run by `nurture run` once and
   kept in a temporary folder): the time from `4` to every lead on screen (`live.leads_table`
   in a worker: every lead restored and caught up), beside the same call made bare in this
   process; a filter typed to its rows on screen; a lead's timeline (`live.explain`) on
   screen; the UI's longest stall during each.
4. a 2,000-lead, 20-run forecast of the B2B playbook on every core: the longest gap between two
   changes of the progress bar, the longest between two changes of the progress line (bar or
   words: target at most 1 s), and the UI's longest stall meanwhile.
"""

from __future__ import annotations

import asyncio
import math
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
MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static
class A(App):
    def compose(self):
        yield Static('campaign Segments')
A().run()
"""


def in_pty(args: list[str], marks: list[bytes], quit_key: bytes = b"q") -> list[float]:
    """Seconds from launch until each of `marks` is on the screen (escape sequences dropped);
    then quit with `quit_key` (the process is killed if it does not end)."""
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env, start_new_session=True
    )
    os.close(slave)
    seen, shown = b"", [math.nan] * len(marks)
    while time.perf_counter() - start < 30 and any(math.isnan(s) for s in shown):
        if select.select([master], [], [], 0.005)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
            plain = ANSI.sub(b"", seen)
            for k, mark in enumerate(marks):
                if math.isnan(shown[k]) and mark in plain:
                    shown[k] = time.perf_counter() - start
    if quit_key:
        os.write(master, quit_key)
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
    return shown


def import_textual() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], check=True, cwd=ROOT)
    return time.perf_counter() - start


def first_screens(launches: int) -> None:
    tui = [sys.executable, "-m", "cli.main", "tui", B2B, "--scenario", SCENARIO]
    rows: dict[str, list[float]] = {k: [] for k in ("import", "minimal", "text", "tree")}
    for _ in range(launches):  # interleaved: each launch of ours beside its baselines
        rows["import"].append(import_textual())
        rows["minimal"].append(in_pty([sys.executable, "-c", MINIMAL_APP], [b"Segments"])[0])
        text, tree = in_pty(tui, [b'campaign "B2B SaaS', b"Segments"])
        rows["text"].append(text)
        rows["tree"].append(tree)
    med = {k: statistics.median(v) for k, v in rows.items()}
    load = os.getloadavg()[0]
    print(f"first screen, 80x24 pty, median of {launches} interleaved launches (load {load:.1f}):")
    print(f"  python -c 'import textual.app'         {med['import']:.2f} s")
    print(f"  a one-widget Textual app, first paint   {med['minimal']:.2f} s")
    print(
        f"  nurture tui: the rule file on screen    {med['text']:.2f} s  "
        f"({med['text'] / med['minimal']:.2f}x the one-widget app; target <= 1.5 s)"
    )
    print(
        f"  nurture tui: the tree, file checked     {med['tree']:.2f} s  "
        f"({med['tree'] / med['minimal']:.2f}x)"
    )


class Heartbeat:
    """Timestamps of a 10 ms timer on the UI loop: the longest gap is the longest stall."""

    def __init__(self) -> None:
        self.beats: list[float] = []

    def __call__(self) -> None:
        self.beats.append(time.perf_counter())

    def longest(self) -> float:
        return max((b - a for a, b in zip(self.beats, self.beats[1:], strict=False)), default=0.0)


def generated(n: int):  # the simulator's SimulatedLeads columns, made up
    import numpy as np

    from simulator import SimulatedLeads

    i = np.arange(n)
    odd = i % 2 == 1
    when = lambda on: np.where(on, 1.77e9 + i, np.nan)  # noqa: E731
    return SimulatedLeads(
        run=0,
        ids=[f"L{k + 1}" for k in range(n)],
        index=i.astype(np.int64),
        persona=(i % 3).astype(np.int16),
        arrived_at=1.767e9 + 60.0 * i,
        stage=(i % 3).astype(np.int16),
        in_segment=np.stack([odd, odd, ~odd, i % 4 == 0], axis=1),
        score=(i % 97).astype(float),
        mql_at=when(i % 7 == 0),
        sql_at=when(i % 35 == 0),
        customer_at=when(i % 70 == 0),
        unsubscribed_at=when(i % 11 == 0),
        sunset_at=np.full(n, np.nan),
        touches=(i % 9).astype(np.int32),
        deal_value=np.where(i % 70 == 0, 6000.0, np.nan),
        personas=("founder", "analyst", "enterprise_buyer"),
        stages=("awareness", "consideration", "decision"),
        segments=("trial", "enterprise", "dormant", "pricing_curious"),
    )


async def leads_filter(n: int) -> tuple[float, float, float]:
    from tui import Launch, NurtureApp
    from tui.leads_data import LeadRows
    from tui.widgets.leads_table import LeadsTable

    app = NurtureApp(Launch((B2B,), SCENARIO, watch_seconds=0))
    rows = LeadRows(generated(n))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(LeadsTable)
        start = time.perf_counter()
        screen.set_rows(rows)
        while len(table.order) != n:
            await asyncio.sleep(0.005)
        shown_all = time.perf_counter() - start
        beat = Heartbeat()
        timer = app.set_interval(0.01, beat)
        await pilot.pause(0.1)
        start = time.perf_counter()
        screen.query_one("#filter").value = "segment:trial stage:decision"  # as pasted
        while len(table.order) != len(range(5, n, 6)):  # odd i with i % 3 == 2
            await asyncio.sleep(0.005)
        filtered = time.perf_counter() - start
        await pilot.press("end")
        await pilot.pause(0.1)
        timer.stop()
        return shown_all, filtered, beat.longest()


def live_db(n: int) -> Path:
    """A live database of `n` leads (rules/sample copied under new ids, run as its README says),
    made once in a temporary folder and reused (its making is `nurture run`'s speed, not the
    TUI's)."""
    import csv
    import json
    import shutil
    import tempfile

    folder = Path(tempfile.gettempdir()) / f"nurture-bench-live-{n}"
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copy(ROOT / B2B, folder / "b2b_saas_trial.nurture")
    rows = list(csv.reader(open(ROOT / "rules/sample/leads.csv", encoding="utf-8")))
    copies = -(-n // (len(rows) - 1))
    made = [f"{r[0]}-{k}" for k in range(copies) for r in rows[1:]][:n]
    with open(folder / "leads.csv", "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(rows[0])
        w.writerows([lead, *rows[1 + i % (len(rows) - 1)][1:]] for i, lead in enumerate(made))
    kept = set(made)
    with open(ROOT / "rules/sample/events.jsonl", encoding="utf-8") as src:
        events = [json.loads(line) for line in src]
    with open(folder / "events.jsonl", "w", encoding="utf-8") as out:
        for e in events:  # in time order: each event's copies together
            for k in range(copies):
                if f"{e['lead']}-{k}" in kept:
                    out.write(json.dumps({**e, "id": f"{e['id']}-{k}", "lead": f"{e['lead']}-{k}"}))
                    out.write("\n")
    start = time.perf_counter()
    args = ["run", "b2b_saas_trial.nurture", "--leads", "leads.csv", "--events", "events.jsonl"]
    args += ["--seed", "64775837", "--until", "2026-04-05T00:00:00Z", "--db", "live.db"]
    args += ["--actions", "actions.jsonl"]
    subprocess.run(
        [sys.executable, "-m", "cli.main", *args],
        cwd=folder,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    took = time.perf_counter() - start
    print(f"  (the database of {n:,} leads made by nurture run in {took:.0f} s)")
    (folder / "done").write_text("")
    return folder


async def db_leads(folder: Path, n: int) -> dict[str, float]:
    from textual.widgets import DataTable

    from tui import Launch, NurtureApp
    from tui.leads_data import select
    from tui.widgets.leads_table import LeadsTable

    os.chdir(folder)
    app = NurtureApp(Launch(("b2b_saas_trial.nurture",), None, "live.db", watch_seconds=0))
    out: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while app.rule_files[0].checking:
            await asyncio.sleep(0.01)
        beat = Heartbeat()
        timer = app.set_interval(0.01, beat)
        start = time.perf_counter()
        await pilot.press("4")
        table = app.screen.query_one(LeadsTable)
        while len(table.order) != n:
            await asyncio.sleep(0.01)
        out["shown"], out["shown_stall"] = time.perf_counter() - start, beat.longest()
        beat.beats.clear()
        text = "segment:trial stage:decision"
        expected = len(select(app.screen.rows, text))  # type: ignore[attr-defined]
        start = time.perf_counter()
        app.screen.query_one("#filter").value = text  # as pasted
        while len(table.order) != expected:
            await asyncio.sleep(0.005)
        out["filtered"], out["filter_stall"] = time.perf_counter() - start, beat.longest()
        out["rows"] = expected
        table.focus()
        beat.beats.clear()
        start = time.perf_counter()
        await pilot.press("enter")
        while not app.screen.query(DataTable) or not app.screen.query_one(DataTable).row_count:
            await asyncio.sleep(0.01)
        out["timeline"], out["timeline_stall"] = time.perf_counter() - start, beat.longest()
        timer.stop()
    return out


def bare_leads_table(folder: Path) -> float:
    import dsl
    import live

    os.chdir(folder)
    program = dsl.load_program("b2b_saas_trial.nurture")
    start = time.perf_counter()
    live.leads_table(["b2b_saas_trial.nurture"], [program], "live.db")
    return time.perf_counter() - start


def db_view(n: int) -> None:
    folder = live_db(n)
    here = os.getcwd()
    try:
        bare = bare_leads_table(folder)
        got = asyncio.run(db_leads(folder, n))
        bare_after = bare_leads_table(folder)
    finally:
        os.chdir(here)
    load = os.getloadavg()[0]
    print(f"leads view --db, {n:,} live leads (load {load:.1f}):")
    print(
        f"  4 to every lead on screen               {got['shown']:.2f} s; live.leads_table bare, "
        f"before and after: {bare:.2f} / {bare_after:.2f} s; longest UI stall "
        f"{1000 * got['shown_stall']:.0f} ms"
    )
    print(
        f"  a filter typed to its {got['rows']:,.0f} rows shown    {got['filtered']:.2f} s; "
        f"longest UI stall {1000 * got['filter_stall']:.0f} ms  (target < 100 ms)"
    )
    print(
        f"  enter to the lead's timeline on screen  {got['timeline']:.2f} s; "
        f"longest UI stall {1000 * got['timeline_stall']:.0f} ms"
    )


async def forecast_progress(leads: int, runs: int) -> tuple[float, float, float, float, int]:
    from textual.widgets import Input, ProgressBar

    from tui import Launch, NurtureApp
    from tui.widgets.run_status import RunStatus

    app = NurtureApp(Launch((B2B,), SCENARIO, watch_seconds=0))
    bar_changes: list[float] = []
    line_changes: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)  # the rule file checked
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        for name, value in (("leads", leads), ("days", 90), ("runs", runs), ("seed", 0)):
            screen.query_one(f"#set-{name}", Input).value = str(value)
        status = screen.query_one(RunStatus)
        bar = status.query_one(ProgressBar)
        beat = Heartbeat()
        timer = app.set_interval(0.01, beat)
        start = time.perf_counter()
        await pilot.press("r")
        last_bar, last_text = 0.0, ""
        while app.forecast is None:  # each change on screen is an update
            await asyncio.sleep(0.01)  # (pilot.pause would wait for the messages to stop)
            now = time.perf_counter()
            if bar.progress != last_bar:
                last_bar = bar.progress
                bar_changes.append(now)
            if status.text != last_text or bar_changes[-1:] == [now]:
                last_text = status.text
                line_changes.append(now)
        total = time.perf_counter() - start
        timer.stop()

    def gap(points: list[float]) -> float:
        points = [start, *points]
        return max(b - a for a, b in zip(points, points[1:], strict=False))

    return total, gap(bar_changes), gap(line_changes), beat.longest(), len(bar_changes)


def main() -> None:
    quick = "--quick" in sys.argv
    if "--db-only" in sys.argv:
        db_view(20_000 if quick else 100_000)
        return
    first_screens(3 if quick else 7)
    n = 20_000 if quick else 100_000
    shown, filtered, stall = asyncio.run(leads_filter(n))
    print(
        f"leads view, {n:,} rows: all shown {shown:.2f} s; filter typed to rows shown "
        f"{filtered:.2f} s; longest UI stall meanwhile {1000 * stall:.0f} ms  (target < 100 ms)"
    )
    if "--db" in sys.argv:
        db_view(20_000 if quick else 100_000)
    leads, runs = (500, 5) if quick else (2000, 20)
    total, bar_gap, line_gap, stall, count = asyncio.run(forecast_progress(leads, runs))
    print(
        f"forecast {leads:,} leads x {runs} runs on {os.cpu_count()} cores: {total:.1f} s; "
        f"{count} bar updates, longest gap {bar_gap:.2f} s; progress line's longest gap "
        f"{line_gap:.2f} s (target <= 1 s); longest UI stall {1000 * stall:.0f} ms"
    )


if __name__ == "__main__":
    main()
