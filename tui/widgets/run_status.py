"""A progress bar and a status line for a forecast or comparison running in a worker.

Until the simulator's first report (it builds the synthetic population and starts its processes)
the bar pulses and the line says so; then the bar shows the runs done, fractions of the runs under
way included. The line's clock ticks twice a second whatever the simulator reports, so the screen
shows life at least that often.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer

    from tui.forecasting import Job


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


class RunStatus(Horizontal):
    DEFAULT_CLASSES = "run-status"

    def __init__(self, idle: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.idle = idle
        self.job: Job | None = None
        self.done: float | None = None
        self.ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, show_percentage=False)
        yield Label(self.idle, classes="status")

    @property
    def running(self) -> bool:
        return self.job is not None

    @property
    def text(self) -> str:
        return str(self.query_one(".status", Label).render())

    def say(self, text: str) -> None:
        self.query_one(".status", Label).update(text)

    def started(self, job: Job) -> None:
        self.job, self.done = job, None
        self.query_one(ProgressBar).update(total=None, progress=0)  # pulses until a report
        self.ticker = self.set_interval(0.5, self._tick)
        self._tick()

    def progressed(self, done: float, total: int) -> None:
        if self.job is None:
            return
        self.done = done
        self.query_one(ProgressBar).update(total=total, progress=done)
        self._tick()

    def stopped(self, text: str) -> None:
        """The run ended (finished, cancelled or failed): say `text`."""
        if self.ticker is not None:
            self.ticker.stop()
        self.job, self.ticker = None, None
        bar = self.query_one(ProgressBar)
        if bar.total is None:
            bar.update(total=1, progress=0)
        self.say(text)

    def _tick(self) -> None:
        job = self.job
        if job is None:
            return
        seconds = time.monotonic() - job.started
        processes = plural(job.workers, "process", "processes")
        if job.stop.is_set():
            self.say(f"Cancelling…  {seconds:.0f} s")
        elif self.done is None:
            self.say(
                f"Building the synthetic leads, starting {processes}…  {seconds:.1f} s  (c cancels)"
            )
        else:
            self.say(
                f"{self.done:.1f} of {plural(job.runs, 'run')} · {processes} · "
                f"{seconds:.0f} s  (c cancels)"
            )
