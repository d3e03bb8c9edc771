"""The sequences screen: per sequence, the step funnel as a table and a chart, who entered and
exited, the lift against the holdout, and each split's arms with their difference and interval."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, OptionList

from tui import figures
from tui.widgets.charts import BarChart

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.app import NurtureApp


class SequencesScreen(Screen[None]):
    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sequences-body"):
            yield OptionList(id="sequence-list")
            with VerticalScroll(id="sequence-detail"):
                yield Label("Run a forecast (2, then r) to see the sequences.", id="seq-title")
                yield DataTable(id="steps", cursor_type="row", zebra_stripes=True)
                yield BarChart(id="step-chart")
                yield Label("Entered, exited and lift", classes="section")
                yield DataTable(id="exits", cursor_type="row")
                yield Label("Split arms", classes="section")
                yield DataTable(id="arms", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#steps", DataTable).add_columns(*figures.STEP_COLUMNS)
        self.query_one("#exits", DataTable).add_columns("figure", "mean", "90% of runs")
        self.query_one("#arms", DataTable).add_columns(*figures.ARM_COLUMNS)
        self.watch(self.app, "forecast", self._forecast_changed, init=True)

    def _forecast_changed(self, forecast: Any) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if forecast is None:
            return
        options.add_options(forecast["sequences"])
        if forecast["sequences"]:
            options.highlighted = 0
            self.show(forecast["sequences"][0])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(str(event.option.prompt))

    def show(self, seq: str) -> None:
        f = self.nurture.forecast
        if f is None:
            return
        self.query_one("#seq-title", Label).update(f"Sequence {seq} — mean of {f['runs']} runs")
        steps = figures.step_rows(f, seq)
        self._fill("#steps", steps)
        self._fill("#exits", figures.exit_rows(f, seq))
        self._fill("#arms", figures.arm_rows(f, seq))
        sent = [(f"{r[0]}. {r[1]}", float(r[3].replace(",", ""))) for r in steps]
        self.query_one("#step-chart", BarChart).draw(
            "Sent per step", [s[0] for s in sent], [s[1] for s in sent]
        )

    def _fill(self, selector: str, rows: list[tuple[str, ...]]) -> None:
        table = self.query_one(selector, DataTable)
        table.clear()
        for i, row in enumerate(rows):
            table.add_row(*row, key=str(i))
