"""The forecast screen: the settings form, a progress bar with cancel, then the KPI cards, the
report's "Watch" notes, where each interval's width comes from (a fitted scenario's forecast: its
parameters' part and the simulation's), the funnel by stage, customers per week, touches and
cost by channel, and the sales queue over time.

The forecast runs in a thread worker on every core (the simulator's processes); the UI stays
live, progress comes back as messages at most ten a second, and `c` sets the job's stop event:
the simulator stops within a fraction of a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Input, Label, Static

from tui import figures
from tui.forecasting import SettingsError, run_forecast, scenario_settings
from tui.formats import num, pct
from tui.screens.job_screen import JobScreen
from tui.widgets.charts import BandChart, Bar, Bars
from tui.widgets.forecast_form import ForecastForm
from tui.widgets.kpi_cards import KpiCards
from tui.widgets.run_status import RunStatus

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from simulator import Forecast

IDLE = "Press r to run a forecast."
WIDTH_TITLE = "Where each interval's width comes from (a fitted scenario)"


def funnel_bars(f: Forecast) -> list[Bar]:
    return [
        Bar(r.label, r.count.mean or 0.0, num(r.count.mean), pct(r.share.mean), r.group)
        for r in figures.funnel_rows(f)
    ]


class ForecastScreen(JobScreen):
    AUTO_FOCUS = "#forecast-body"  # not a field: the number keys switch screens
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run forecast"),
        Binding("c", "cancel", "Cancel"),
        Binding("escape", "leave_field", "Leave field", show=False),
    ]

    scenario_problem: str | None = None  # what is wrong with the scenario, if anything

    def compose(self) -> ComposeResult:
        yield Header()
        yield ForecastForm(id="form")
        yield RunStatus(IDLE, id="run-status")
        with VerticalScroll(id="forecast-body"):
            yield KpiCards(id="kpis")
            yield Static(id="watch")
            with Vertical(id="width-part"):
                yield Label(WIDTH_TITLE, classes="section")
                yield Static(id="width-words")
                yield DataTable(id="width", cursor_type="row", zebra_stripes=True)
            with Horizontal(classes="charts"):
                yield Bars(id="funnel")
                yield BandChart(id="over-time")
            with Horizontal(classes="charts"):
                with Vertical(classes="chart-side"):
                    yield Label("Touches and cost by channel", classes="section")
                    yield DataTable(id="channels", cursor_type="row", zebra_stripes=True)
                    yield Label("Sales queue", classes="section")
                    yield DataTable(id="sales", cursor_type="row", zebra_stripes=True)
                yield BandChart(id="backlog")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#channels", DataTable).add_columns(*figures.CHANNEL_COLUMNS)
        self.query_one("#sales", DataTable).add_columns("figure", "mean", "90% of runs")
        self.query_one("#width-part").display = False
        self.query_one(ForecastForm).running(False)
        self.watch(self.app, "forecast", self.show, init=True)
        self.watch(self.app, "rule_files", lambda _: self._fill_settings(), init=True)

    def _fill_settings(self) -> None:
        first = self.nurture.rule_files[0]
        if self.status.running:
            return
        if first.checking:
            self.status.say("Checking the rule file…")
            return
        if first.program is None:
            self.status.say("The rule file has errors: fix them (screen 1) to run a forecast.")
            return
        try:
            settings = self.nurture.settings or scenario_settings(
                first.program, self.nurture.launch.scenario
            )
        except SettingsError as err:
            self.scenario_problem = "Scenario: " + "; ".join(err.messages)
            self.status.say(self.scenario_problem + "  (fix it, then ctrl+r)")
            return
        self.scenario_problem = None
        self.query_one(ForecastForm).fill(settings)
        if self.nurture.forecast is None:
            self.status.say(IDLE)

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
        if self.scenario_problem:
            self.notify(self.scenario_problem, title="Forecast", severity="error", timeout=10)
            return
        settings = self.query_one(ForecastForm).read()
        if isinstance(settings, str):
            self.notify(settings, title="Settings", severity="error")
            return
        scenario = self.nurture.launch.scenario
        self.nurture.settings = settings
        self.start(
            settings.runs,
            lambda job, report: run_forecast(program, scenario, settings, job, report),
        )

    def running(self, on: bool) -> None:
        self.query_one(ForecastForm).running(on)

    def finished(self, result: Forecast) -> None:
        self.nurture.forecast = result

    # ------------------------------------------------------------------ showing

    def show(self, f: Forecast | None) -> None:
        self.query_one(KpiCards).show(f)
        if f is None:
            return
        if not self.status.running:
            self.status.say(figures.header_text(f))
        self.query_one("#watch", Static).update(figures.watch_text(f))
        self._show_width(f)
        self.query_one("#funnel", Bars).show(
            f"Funnel: leads that reached each stage (mean of {f.runs} runs)", funnel_bars(f)
        )
        c = f.weekly.customers
        self.query_one("#over-time", BandChart).draw("Customers per week", c.mean, c.low, c.high)
        b = f.weekly.sales_backlog
        self.query_one("#backlog", BandChart).draw(
            "Sales queue: tasks waiting at each week's end", b.mean, b.low, b.high
        )
        for table_id, rows in (
            ("#channels", figures.channel_rows(f)),
            ("#sales", figures.sales_rows(f)),
        ):
            table = self.query_one(table_id, DataTable)
            table.clear()
            for row in rows:
                table.add_row(*row, key=row[0])

    def _show_width(self, f: Forecast) -> None:
        """A fitted scenario's forecast: each headline interval with the parameters drawn and
        fixed (the text report's section); hidden for other forecasts."""
        self.query_one("#width-part").display = bool(f.uncertainty)
        if not f.uncertainty:
            return
        from simulator.report_fit import WIDTH_HEAD, WIDTH_WORDS, width_rows

        self.query_one("#width-words", Static).update(WIDTH_WORDS)
        table = self.query_one("#width", DataTable)
        if not table.columns:
            table.add_columns(*WIDTH_HEAD)
        table.clear()
        for row in width_rows(f.uncertainty):
            table.add_row(*row, key=row[0])
