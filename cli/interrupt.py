"""Ctrl-C on long work: the first one asks the work to stop (it stops within its next look at
the flag, a fraction of a second, and says what had finished); a second one quits at once.

Ctrl-C reaches every process of the terminal's foreground group: the simulator's pool workers
and shards ignore it (their owner stops them), so only this process acts on it.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

from cli import exitcodes

if TYPE_CHECKING:
    from simulator import Cancelled


@contextmanager
def ctrl_c_sets(flag: threading.Event, command: str) -> Iterator[threading.Event]:
    """While inside, the first Ctrl-C sets `flag` and says the work is stopping; the next one
    raises KeyboardInterrupt as usual. Outside the main thread it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        if flag.is_set():
            raise KeyboardInterrupt
        flag.set()
        print(
            f"\nnurture {command}: stopping (Ctrl-C again to quit at once)",
            file=sys.stderr,
            flush=True,
        )

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def report_cancelled(command: str, err: Cancelled) -> int:
    """What had finished when the work stopped on Ctrl-C; the exit code to return."""
    done = err.what_finished() if err.total else "before the export was written"
    print(f"nurture {command}: interrupted: {done}; no report or file was written", file=sys.stderr)
    return exitcodes.INTERRUPTED
