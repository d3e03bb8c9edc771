"""The compare screen: with two files, both forecast on the same synthetic leads and random
streams (common random numbers), each difference with its 90% interval, `*` where it is clear of
zero. The settings are the forecast form's (screen 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tui import figures
from tui.forecasting import run_compare
from tui.screens.job_screen import JobScreen
from tui.widgets.run_status import RunStatus

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from simulator import Comparison

ONE_FILE = "Give two rule files (nurture tui A.nurture B.nurture) to compare them."
IDLE = "Press r to run both on common random numbers (settings: screen 2)."


class CompareScreen(JobScreen):
    WHAT = "comparison"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "run", "Run comparison"),
        Binding("c", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(id="files")
        yield RunStatus(IDLE, id="compare-status")
        yield DataTable(id="differences", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*figures.COMPARE_COLUMNS)
        files = self.nurture.rule_files
        if len(files) < 2:
            self.status.say(ONE_FILE)
        else:
            self.query_one("#files", Label).update(f"A = {files[0].path}\nB = {files[1].path}")
        self.watch(self.app, "comparison", self.show, init=True)

    def action_run(self) -> None:
        files = self.nurture.rule_files
        if len(files) < 2:
            self.notify(ONE_FILE, severity="warning")
            return
        broken = [f.path for f in files if f.program is None]
        if broken:
            self.notify(f"{broken[0]} has errors; fix them first.", severity="error")
            return
        settings = self.nurture.forecast_settings()
        if isinstance(settings, str):
            self.notify(settings, title="Settings", severity="error")
            return
        programs = [f.program for f in files if f.program is not None]  # none broken (above)
        scenario = self.nurture.launch.scenario
        self.start(
            settings.runs,
            lambda job, report: run_compare(programs, scenario, settings, job, report),
        )

    def finished(self, result: Comparison) -> None:
        self.nurture.comparison = result

    def show(self, c: Comparison | None) -> None:
        if c is None:
            return
        table = self.query_one(DataTable)
        table.clear()
        for row in figures.compare_rows(c):
            table.add_row(*row, key=row[0])
        first = c.files[0]
        if not self.status.running:
            self.status.say(
                f"{first.leads:,} leads · {first.runs} paired runs · seed {first.seed}"
                " · *: clear of zero"
            )
