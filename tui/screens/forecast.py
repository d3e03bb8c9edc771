"""The forecast screen: the settings form, a progress bar with cancel, then the KPI cards, the
headline and its 'Watch' notes, the funnel, conversions over time, channels and the sales queue.

The forecast runs in a thread worker (the UI stays live); progress comes back as messages at most
ten a second; cancel stops it at the simulator's next progress call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from tui import figures
from tui.forecasting import Cancelled, SettingsError, guarded, run_forecast, scenario_settings
from tui.messages import (
    ForecastCancelled,
    ForecastFailed,
    ForecastFinished,
    ForecastProgressed,
    ForecastStarted,
)
from tui.widgets.charts import BandChart, BarChart
from tui.widgets.forecast_form import ForecastForm
from tui.widgets.kpi_cards import KpiCards

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.app import NurtureApp
    from tui.forecasting import Settings


class ForecastScreen(Screen[None]):
    AUTO_FOCUS = "#forecast-body"  # not a field: the number keys switch screens
    BINDINGS = [
        Binding("r", "run", "Run forecast"),
        Binding("c", "cancel", "Cancel"),
        Binding("escape", "leave_field", "Leave field", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.worker: Worker[None] | None = None

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield ForecastForm(id="form")
        with Horizontal(id="progress-row"):
            yield ProgressBar(id="progress", show_eta=False)
            yield Label("Press r to run a forecast.", id="status")
        with VerticalScroll(id="forecast-body"):
            yield KpiCards(id="kpis")
            yield Static(id="headline")
            with Horizontal(classes="charts"):
                yield BarChart(id="funnel")
                yield BandChart(id="over-time")
            yield Label("Touches and cost by channel", classes="section")
            yield DataTable(id="channels", cursor_type="row", zebra_stripes=True)
            yield Label("Sales queue", classes="section")
            yield DataTable(id="sales", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#channels", DataTable).add_columns(*figures.CHANNEL_COLUMNS)
        self.query_one("#sales", DataTable).add_columns("figure", "mean", "90% of runs")
        self.query_one(ForecastForm).running(False)
        self.watch(self.app, "forecast", self.show, init=True)
        self.watch(self.app, "rule_files", lambda _: self._fill_settings(), init=True)

    def _fill_settings(self) -> None:
        first = self.nurture.rule_files[0]
        program = first.program
        if first.checking:
            self._status("Checking the rule file…")
            return
        if program is None:
            self._status("The rule file has errors: fix them (screen 1) to run a forecast.")
            return
        try:
            self.query_one(ForecastForm).fill(
                scenario_settings(program, self.nurture.launch.scenario)
            )
        except SettingsError as err:
            self._status("Scenario: " + "; ".join(err.messages))
            return
        self._status("Press r to run a forecast.")

    def _status(self, text: str) -> None:
        self.query_one("#status", Label).update(text)

    @on(Input.Submitted)
    def _field_done(self, _: Input.Submitted) -> None:
        self.query_one("#forecast-body").focus()

    def action_leave_field(self) -> None:
        self.query_one("#forecast-body").focus()

    # ------------------------------------------------------------------ running

    def action_run(self) -> None:
        program = self.nurture.rule_files[0].program
        if program is None:
            self.notify("The rule file has errors; fix them first.", severity="error")
            return
        settings = self.query_one(ForecastForm).read()
        if isinstance(settings, str):
            self.notify(settings, title="Settings", severity="error")
            return
        self.nurture.settings = settings
        self.worker = self._run(program, settings)

    def action_cancel(self) -> None:
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
            self._status("Cancelling…")

    @work(thread=True, exclusive=True, group="forecast")
    def _run(self, program: Any, settings: Settings) -> None:
        worker = get_current_worker()
        self.post_message(ForecastStarted("forecast", settings.runs))
        report = lambda done, total: self.post_message(  # noqa: E731
            ForecastProgressed("forecast", done, total)
        )
        progress = guarded(report, lambda: worker.is_cancelled)
        try:
            result = run_forecast(program, self.nurture.launch.scenario, settings, progress)
        except Cancelled:
            self.post_message(ForecastCancelled("forecast"))
            return
        except SettingsError as err:
            self.post_message(ForecastFailed("forecast", "; ".join(err.messages)))
            return
        except Exception as err:  # noqa: BLE001 (our bug: said, not a traceback over the UI)
            message = f"internal error ({type(err).__name__}: {err}); please report it"
            self.post_message(ForecastFailed("forecast", message))
            return
        if not worker.is_cancelled:
            self.post_message(ForecastFinished("forecast", result))

    @on(ForecastStarted)
    def _started(self, event: ForecastStarted) -> None:
        self.query_one(ForecastForm).running(True)
        self.query_one(ProgressBar).update(total=event.runs, progress=0)
        self._status(f"Running {event.runs} run{'s' if event.runs != 1 else ''}…  (c cancels)")

    @on(ForecastProgressed)
    def _progressed(self, event: ForecastProgressed) -> None:
        self.query_one(ProgressBar).update(total=event.total, progress=event.done)
        self._status(f"{event.done:.1f} of {event.total} runs…  (c cancels)")

    @on(ForecastCancelled)
    def _cancelled(self, _: ForecastCancelled) -> None:
        self.query_one(ForecastForm).running(False)
        self._status("Cancelled; the last forecast (if any) is still shown.")

    @on(ForecastFailed)
    def _failed(self, event: ForecastFailed) -> None:
        self.query_one(ForecastForm).running(False)
        self._status(event.message)
        self.notify(event.message, title="Forecast", severity="error")

    @on(ForecastFinished)
    def _finished(self, event: ForecastFinished) -> None:
        self.query_one(ForecastForm).running(False)
        self.nurture.forecast = event.result

    # ------------------------------------------------------------------ showing

    def show(self, forecast: Any) -> None:
        self.query_one(KpiCards).show(forecast)
        if forecast is None:
            return
        f = forecast
        self._status(
            f"{f['leads']:,} leads · {f['days']:g} days · {f['runs']} runs · seed {f['seed']}"
        )
        self.query_one("#headline", Static).update(figures.headline(f))
        self.query_one("#funnel", BarChart).draw("Funnel (mean leads)", *figures.funnel(f))
        self.query_one("#over-time", BandChart).draw(
            "Customers per week", *figures.weekly(f, "customers")
        )
        for table_id, rows in (
            ("#channels", figures.channel_rows(f)),
            ("#sales", figures.sales_rows(f)),
        ):
            table = self.query_one(table_id, DataTable)
            table.clear()
            for row in rows:
                table.add_row(*row, key=row[0])
