"""The README's five-minute tour works (issue 11, item 1): every command of its tour block is run
verbatim, in order, by bash, in a temporary copy of the repository, and must exit 0 without a
traceback.

The block is the fenced block right after the line `<!-- tour: ... -->` in README.md.
A `nurture tui` line is run in a pseudo-terminal: the test waits for the app to show the first
rule file's campaign, presses `q`, and expects it to end with exit 0.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MARKER = "<!-- tour:"
LINE_TIMEOUT = 900  # seconds: a guard against a hang, not a speed test


def tour_block(readme: str) -> list[str] | None:
    """The commands of the fenced block after the tour marker, or None without a marker."""
    lines = readme.splitlines()
    start = next((i for i, x in enumerate(lines) if x.strip().startswith(MARKER)), None)
    if start is None:
        return None
    fence = lines[start + 1].strip() if start + 1 < len(lines) else ""
    assert fence.startswith("```"), "README.md: the tour marker is not followed by a ``` block"
    block = []
    for line in lines[start + 2 :]:
        if line.strip().startswith("```"):
            return [x for x in block if x.strip()]
        block.append(line)
    raise AssertionError("README.md: the tour block is not closed")


README_BLOCK = tour_block((ROOT / "README.md").read_text(encoding="utf-8"))
assert README_BLOCK is not None, "README.md has no tour block (a `<!-- tour: ... -->` line)"
TOUR: list[str] = README_BLOCK


def is_tui(line: str) -> bool:
    return re.search(r"\bnurture tui\b", line) is not None


@dataclass
class Outcome:
    code: int | None
    output: str


class Tour:
    """The tour's lines run in order, each at most once, in one copy of the repository."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.outcomes: list[Outcome] = []

    def through(self, index: int) -> Outcome:
        while len(self.outcomes) <= index:
            line = TOUR[len(self.outcomes)]
            self.outcomes.append(self._tui(line) if is_tui(line) else self._shell(line))
        return self.outcomes[index]

    def _shell(self, line: str) -> Outcome:
        try:
            done = subprocess.run(
                ["bash", "-c", line],
                cwd=self.folder,
                capture_output=True,
                text=True,
                timeout=LINE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            return Outcome(None, f"still running after {LINE_TIMEOUT} s")
        return Outcome(done.returncode, done.stdout + done.stderr)

    def _tui(self, line: str) -> Outcome:
        words = shlex.split(line, comments=True)
        first = next(w for w in words if w.endswith(".nurture"))
        campaign = re.search(r'campaign "([^"]*)"', (self.folder / first).read_text()).group(1)
        return run_in_terminal(line, self.folder, campaign)


def run_in_terminal(line: str, folder: Path, wait_for: str) -> Outcome:
    """`line` in a pseudo-terminal of 100x30: wait for `wait_for` on screen, then press q until
    it ends (30 s at most)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    process = subprocess.Popen(
        ["bash", "-c", line],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=folder,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        seen = _read_until(master, process, lambda text: wait_for in text, 60)
        if wait_for not in _plain(seen):
            shown = f"{wait_for!r} never appeared on screen (exit code {process.poll()}):\n"
            return Outcome(None, shown + _plain(seen)[-2000:])
        seen += _quit(master, process, 30)
        code = process.poll()
        return Outcome(code, _plain(seen)[-2000:] if code is not None else "q did not quit it")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


ANSI = re.compile(
    rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][A-Z0-9]|[=>78])"
)


def _plain(data: bytes) -> str:
    return ANSI.sub(b"", data).decode("utf-8", "replace")


def _quit(master: int, process: subprocess.Popen, seconds: float) -> bytes:
    """Press q, again every 3 s (a key sent before the app reads keys is lost), reading what
    the app writes (a full terminal would block it), until it ends or `seconds` pass."""
    seen, end, next_q = b"", time.monotonic() + seconds, 0.0
    while process.poll() is None and time.monotonic() < end:
        if time.monotonic() >= next_q:
            os.write(master, b"q")
            next_q = time.monotonic() + 3
        if select.select([master], [], [], 0.1)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:  # the terminal is closed: the app has ended or is ending
                try:
                    process.wait(max(0.0, end - time.monotonic()))
                except subprocess.TimeoutExpired:
                    pass
                break
    return seen


def _read_until(master: int, process: subprocess.Popen, done, seconds: float) -> bytes:
    """What the terminal shows until `done(text)`, the process ends, or `seconds` pass."""
    seen, end = b"", time.monotonic() + seconds
    while time.monotonic() < end and process.poll() is None:
        if select.select([master], [], [], 0.1)[0]:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
            if done(_plain(seen)):
                break
    return seen


def _files_of(root: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in listed.stdout.splitlines() if (root / name).is_file()]


@pytest.fixture(scope="module")
def tour(tmp_path_factory) -> Tour:
    """A copy of the repository's files (as git sees them), with `.venv/bin` this Python's."""
    folder = tmp_path_factory.mktemp("tour") / "nurture"
    for name in _files_of(ROOT):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, folder / name)
    (folder / ".venv").mkdir()
    (folder / ".venv" / "bin").symlink_to(Path(sys.executable).parent)
    return Tour(folder)


def test_the_tour_is_the_readmes():
    assert len(TOUR) >= 8
    assert all(line.startswith(".venv/bin/nurture ") for line in TOUR)


def _case(index: int, line: str) -> object:
    words = line.split("#")[0].split()
    return pytest.param(index, id=f"{index + 1}-{' '.join(words[1:3])}")


@pytest.mark.parametrize("index", [_case(i, line) for i, line in enumerate(TOUR)])
def test_each_tour_command_runs_clean(tour, index):
    outcome = tour.through(index)
    assert outcome.code == 0, f"{TOUR[index]}\n{outcome.output[-3000:]}"
    assert "Traceback" not in outcome.output


def test_the_tour_block_is_read_from_its_marker():
    readme = (
        "# x\n\n<!-- tour: the test runs it -->\n```\n.venv/bin/nurture check a.nurture  # c\n\n"
        ".venv/bin/nurture lint a.nurture\n```\n\n```\n.venv/bin/nurture other\n```\n"
    )
    assert tour_block(readme) == [
        ".venv/bin/nurture check a.nurture  # c",
        ".venv/bin/nurture lint a.nurture",
    ]
    assert tour_block("# x\n```\n.venv/bin/nurture check a.nurture\n```\n") is None
