"""What the forecast and compare screens share: one forecast (or comparison) at a time, run in a
thread worker with a `RunStatus`; `c` sets the job's stop event (the simulator then stops within a
fraction of a second); what happens comes back as messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.screen import Screen

from tui.forecasting import Job, Report, workers_for
from tui.running import run_job
from tui.widgets.run_status import RunStatus

if TYPE_CHECKING:
    from tui.app import NurtureApp
    from tui.messages import ForecastCancelled, ForecastFailed, ForecastFinished, ForecastProgressed


class JobScreen(Screen[None]):
    WHAT: ClassVar[str] = "forecast"  # or "comparison": said in the messages

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]  # Screen.app is an App; ours

    @property
    def status(self) -> RunStatus:
        return self.query_one(RunStatus)

    def start(self, runs: int, call: Callable[[Job, Report], Any]) -> None:
        """Run `call(job, report)` in a worker, unless a job is running here already."""
        if self.status.running:
            self.notify(f"A {self.WHAT} is running: c cancels it.", severity="warning")
            return
        job = Job(self.WHAT, runs, workers_for(runs))
        self.nurture.jobs.append(job)
        self.status.started(job)  # at once: the bar pulses before the worker's first word
        self.running(True)
        self._work(job, call)

    @work(thread=True, group="jobs")
    def _work(self, job: Job, call: Callable[[Job, Report], Any]) -> None:
        run_job(self.post_message, job, lambda report: call(job, report))

    def running(self, on: bool) -> None:
        """The screen's controls while a job runs (`on`) or not."""

    def finished(self, result: Any) -> None:
        """The job's result (a `Forecast` or a `Comparison`)."""

    def action_cancel(self) -> None:
        job = self.status.job
        if job is not None and not job.stop.is_set():
            job.stop.set()
            self.status.say("Cancelling…")

    def _ended(self, text: str) -> None:
        job = self.status.job
        if job is not None and job in self.nurture.jobs:
            self.nurture.jobs.remove(job)
        self.status.stopped(text)
        self.running(False)

    def on_forecast_progressed(self, event: ForecastProgressed) -> None:
        self.status.progressed(event.done, event.total)

    def on_forecast_cancelled(self, _: ForecastCancelled) -> None:
        self._ended("Cancelled; nothing changed.")

    def on_forecast_failed(self, event: ForecastFailed) -> None:
        self._ended(event.message)
        self.notify(event.message, title=self.WHAT.capitalize(), severity="error", timeout=10)

    def on_forecast_finished(self, event: ForecastFinished) -> None:
        self._ended("")
        self.finished(event.result)
