"""Stopping a running forecast from another thread (the TUI's cancel key).

The caller passes any object with `is_set()` — a `threading.Event` is one — as `cancel=` to
`forecast` or `compare`, and sets it from another thread; the call then raises `Cancelled`
within a fraction of a second, with every process it started ended. Where it is looked at:

- between replications, and every ~0.1 s while the replications run in a process pool (the
  workers see a `multiprocessing.Event` the pool's owner sets in their place);
- inside a replication, by its scheduler every `CHECK_EVERY` instants, arrivals or events
  (a few ms of simulation each; one engine call is never cut short).
"""

from __future__ import annotations

from typing import Protocol

CHECK_EVERY = 256  # scheduler steps between two looks at the flag (each step: µs to a few ms)


class CancelFlag(Protocol):
    """What `cancel=` accepts: `threading.Event`, `multiprocessing.Event`, or any such flag."""

    def is_set(self) -> bool: ...


class Cancelled(Exception):
    """The forecast was cancelled by its caller (`cancel.is_set()`); it has no result.
    `finished`: the replications (run numbers) that had finished, of `total` (when known)."""

    def __init__(
        self,
        message: str = "the forecast was cancelled",
        finished: tuple[int, ...] = (),
        total: int = 0,
    ) -> None:
        super().__init__(message)  # (SimPy re-raises a process's exception from its args)
        self.finished = finished
        self.total = total

    def what_finished(self) -> str:
        """`3 of 8 replications had finished (runs 0, 1, 4)`."""
        runs = self.finished
        which = f" (run{'s' if len(runs) != 1 else ''} {', '.join(map(str, runs))})" if runs else ""
        plural = "s" if self.total != 1 else ""
        return f"{len(runs)} of {self.total} replication{plural} had finished{which}"


def stopped(finished: list[int], total: int) -> Cancelled:
    """The `Cancelled` of a set of replications, saying which had finished."""
    done = Cancelled(finished=tuple(sorted(finished)), total=total)
    return Cancelled(f"the forecast was cancelled: {done.what_finished()}", done.finished, total)


def check(cancel: CancelFlag | None) -> None:
    """Raise `Cancelled` when `cancel` is set."""
    if cancel is not None and cancel.is_set():
        raise Cancelled
