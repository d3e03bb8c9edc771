"""`nurture tui` in a real pseudo-terminal (Python's pty: always there): the first screen
appears, the forecast key runs a forecast, and a KPI is read off the screen."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from tuikit import B2B, B2B_SCENARIO

from dsl import load_program
from simulator import Overrides, forecast, prepare

ANSI = re.compile(
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])"
)


class Terminal:
    """The app's output, escape sequences dropped, read until a text shows up."""

    def __init__(self, args: list[str], cwd: Path, columns: int = 80, lines: int = 24) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(lines)}
        self.process = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
        )
        os.close(slave)
        self.seen = b""

    def wait_for(self, text: str, seconds: float) -> str:
        import select

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536)
                except OSError:  # the app ended
                    break
            plain = ANSI.sub(b"", self.seen).decode("utf-8", "replace")
            if text in plain:
                return plain
        raise AssertionError(f"{text!r} not on screen; last output:\n{self.plain()[-2000:]}")

    def plain(self) -> str:
        return ANSI.sub(b"", self.seen).decode("utf-8", "replace")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        """Quit with q, reading what the app still writes (a full pty would block it)."""
        import select

        self.press("q")
        end = time.monotonic() + 15
        try:
            while self.process.poll() is None and time.monotonic() < end:
                if select.select([self.master], [], [], 0.1)[0]:
                    try:
                        self.seen += os.read(self.master, 65536)
                    except OSError:
                        break
            if self.process.poll() is None:
                self.process.kill()
            return self.process.wait(timeout=10)
        finally:
            os.close(self.master)


def test_nurture_tui_in_a_pseudo_terminal(tmp_path: Path) -> None:
    scenario = tmp_path / "small.scenario.toml"
    text = Path(B2B_SCENARIO).read_text()
    text = text.replace("leads = 2000", "leads = 300").replace("days = 90", "days = 30")
    scenario.write_text(re.sub(r"(?m)^runs = \d+", "runs = 2", text))
    program = load_program(B2B)
    expected = forecast(program, prepare(program, str(scenario), Overrides()), str(scenario), 1)
    revenue = f"${expected.kpis.revenue.mean:,.0f}"  # as the Revenue card writes it

    nurture = [sys.executable, "-m", "cli.main", "tui", B2B, "--scenario", str(scenario)]
    term = Terminal(nurture, Path(B2B).parents[1])
    try:
        first = term.wait_for("Segments", 30)
        assert "Stages" in first and "B2B SaaS trial nurture" in first
        term.press("2")
        term.wait_for("Press r to run a forecast.", 15)
        term.press("r")
        term.wait_for("300 leads · 30 days · 2 runs · seed 0", 60)
        screen = term.wait_for(revenue, 5)  # the Revenue card, drawn with the status
        assert "Revenue" in screen
    finally:
        assert term.close() == 0
