"""The compare screen: with two files, both forecast on the same synthetic leads and random
streams (common random numbers), each difference with its 90% interval, `*` where it is clear of
zero. The settings are the forecast form's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, ProgressBar
from textual.worker import Worker, get_current_worker

from tui import figures
from tui.forecasting import Cancelled, SettingsError, guarded, run_compare
from tui.messages import (
    ForecastCancelled,
    ForecastFailed,
    ForecastFinished,
    ForecastProgressed,
    ForecastStarted,
)

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.app import NurtureApp
    from tui.forecasting import Settings


class CompareScreen(Screen[None]):
    BINDINGS = [Binding("r", "run", "Run comparison"), Binding("c", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__()
        self.worker: Worker[None] | None = None

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(id="files")
        with Horizontal(id="compare-progress-row"):
            yield ProgressBar(id="compare-progress", show_eta=False)
            yield Label(id="compare-status")
        yield DataTable(id="differences", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*figures.COMPARE_COLUMNS)
        files = self.nurture.rule_files
        if len(files) < 2:
            self._status("Give two rule files (nurture tui A B) to compare them.")
        else:
            self.query_one("#files", Label).update(f"A = {files[0].path}\nB = {files[1].path}")
            self._status("Press r to run both on common random numbers (settings: screen 2).")
        self.watch(self.app, "comparison", self.show, init=True)

    def _status(self, text: str) -> None:
        self.query_one("#compare-status", Label).update(text)

    def action_run(self) -> None:
        files = self.nurture.rule_files
        if len(files) < 2:
            self.notify("Give two rule files (nurture tui A B) to compare.", severity="warning")
            return
        broken = [f.path for f in files if f.program is None]
        if broken:
            self.notify(f"{broken[0]} has errors; fix them first.", severity="error")
            return
        settings = self.nurture.forecast_settings()
        if isinstance(settings, str):
            self.notify(settings, title="Settings", severity="error")
            return
        self.worker = self._run([f.program for f in files], settings)

    def action_cancel(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self._status("Cancelling…")

    @work(thread=True, exclusive=True, group="compare")
    def _run(self, programs: list[Any], settings: Settings) -> None:
        worker = get_current_worker()
        self.post_message(ForecastStarted("comparison", settings.runs))
        report = lambda done, total: self.post_message(  # noqa: E731
            ForecastProgressed("comparison", done, total)
        )
        try:
            result = run_compare(
                programs,
                self.nurture.launch.scenario,
                settings,
                guarded(report, lambda: worker.is_cancelled),
            )
        except Cancelled:
            self.post_message(ForecastCancelled("comparison"))
            return
        except SettingsError as err:
            self.post_message(ForecastFailed("comparison", "; ".join(err.messages)))
            return
        except Exception as err:  # noqa: BLE001 (our bug: said, not a traceback over the UI)
            message = f"internal error ({type(err).__name__}: {err}); please report it"
            self.post_message(ForecastFailed("comparison", message))
            return
        self.post_message(ForecastFinished("comparison", result))

    @on(ForecastStarted)
    def _started(self, event: ForecastStarted) -> None:
        self.query_one(ProgressBar).update(total=event.runs, progress=0)
        self._status(f"Running {event.runs} paired runs…  (c cancels)")

    @on(ForecastProgressed)
    def _progressed(self, event: ForecastProgressed) -> None:
        self.query_one(ProgressBar).update(total=event.total, progress=event.done)

    @on(ForecastCancelled)
    def _cancelled(self, _: ForecastCancelled) -> None:
        self._status("Cancelled.")

    @on(ForecastFailed)
    def _failed(self, event: ForecastFailed) -> None:
        self._status(event.message)

    @on(ForecastFinished)
    def _finished(self, event: ForecastFinished) -> None:
        self.nurture.comparison = event.result

    def show(self, comparison: Any) -> None:
        if comparison is None:
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in figures.compare_rows(comparison):
            table.add_row(*row, key=row[0])
        first = comparison["files"][0]
        self._status(
            f"{first['leads']:,} leads · {first['runs']} paired runs · seed {first['seed']}"
            " · * = 90% interval clear of zero"
        )
