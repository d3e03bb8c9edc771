"""The sequences screen: per sequence, the step funnel as a table and a chart, who entered and
exited (by reason), the lift against the holdout, and each split's arms with their difference
from arm 1 and its interval."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, OptionList

from tui import figures
from tui.formats import num
from tui.widgets.charts import Bar, Bars

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from simulator import Forecast
    from tui.app import NurtureApp


def step_bars(f: Forecast, seq: str) -> list[Bar]:
    """Leads sent each step, and of those who reached it (the rest held out or back)."""
    return [
        Bar(
            f"{s.step}. {s.content}"[:24],
            s.sent.mean or 0.0,
            num(s.sent.mean),
            f"of {num(s.reached.mean)}",
        )
        for s in f.sequences[seq].steps
    ]


class SequencesScreen(Screen[None]):
    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]  # Screen.app is an App; ours

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sequences-body"):
            yield OptionList(id="sequence-list")
            with VerticalScroll(id="sequence-detail"):
                yield Label("Run a forecast (2, then r) to see the sequences.", id="seq-title")
                yield DataTable(id="steps", cursor_type="row", zebra_stripes=True)
                yield Bars(id="step-chart")
                yield Label("Entered, exited and lift against the holdout", classes="section")
                yield DataTable(id="exits", cursor_type="row")
                yield Label("Split arms", classes="section")
                yield DataTable(id="arms", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#steps", DataTable).add_columns(*figures.STEP_COLUMNS)
        self.query_one("#exits", DataTable).add_columns("figure", "mean", "90% of runs")
        self.query_one("#arms", DataTable).add_columns(*figures.ARM_COLUMNS)
        self.watch(self.app, "forecast", self._forecast_changed, init=True)

    def _forecast_changed(self, f: Forecast | None) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if f is None:
            return
        names = list(f.sequences)
        options.add_options(names)
        if names:
            options.highlighted = 0
            self.show(names[0])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(str(event.option.prompt))

    def show(self, seq: str) -> None:
        f = self.nurture.forecast
        if f is None or seq not in f.sequences:
            return
        self.query_one("#seq-title", Label).update(f"Sequence {seq} — mean of {f.runs} runs")
        self._fill("#steps", figures.step_rows(f, seq))
        self._fill("#exits", figures.exit_rows(f, seq))
        arms = figures.arm_rows(f, seq)
        self._fill("#arms", arms or [("", "", "this sequence has no split", "", "", "", "")])
        self.query_one("#step-chart", Bars).show(
            "Leads sent each step, of those who reached it", step_bars(f, seq)
        )

    def _fill(self, selector: str, rows: Sequence[tuple[str, ...]]) -> None:
        table = self.query_one(selector, DataTable)
        table.clear()
        for i, row in enumerate(rows):
            table.add_row(*row, key=str(i))
