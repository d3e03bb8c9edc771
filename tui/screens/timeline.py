"""A simulated lead's timeline: every event, score change, stage move, enrolment, send,
postponement and suppression, with the rule's file:line — the trail `explain` gives, rebuilt by
the simulator for this lead (run 0 of the forecast shown, same seed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from tui.forecasting import Settings, SettingsError, timeline
from tui.messages import TimelineFailed, TimelineLoaded

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.app import NurtureApp


class TimelineScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, lead_id: str) -> None:
        super().__init__()
        self.lead_id = lead_id

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Lead {self.lead_id}: rebuilding its trail…", id="timeline-title")
        yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"lead {self.lead_id}"
        self.query_one(DataTable).add_columns("at (UTC)", "what", "detail", "rule")
        f = self.nurture.forecast
        program = self.nurture.rule_files[0].program
        if f is None or program is None:
            self.query_one(Label).update("Run a forecast first (2, then r).")
            return
        self._load(program, Settings(f["leads"], f["days"], f["runs"], f["seed"]))

    @work(thread=True, exclusive=True)
    def _load(self, program: Any, settings: Settings) -> None:
        try:
            explanation, _ = timeline(program, self.nurture.launch.scenario, settings, self.lead_id)
        except KeyError:
            message = f"No lead {self.lead_id} in run 0: ids run from L1 to L{settings.leads:,}."
            self.post_message(TimelineFailed(self.lead_id, message))
            return
        except SettingsError as err:
            self.post_message(TimelineFailed(self.lead_id, "; ".join(err.messages)))
            return
        self.post_message(TimelineLoaded(self.lead_id, explanation))

    @on(TimelineFailed)
    def _failed(self, event: TimelineFailed) -> None:
        self.query_one(Label).update(event.message)

    @on(TimelineLoaded)
    def _loaded(self, event: TimelineLoaded) -> None:
        from engine import format_time

        table = self.query_one(DataTable)
        entries = event.explanation.entries
        for i, e in enumerate(entries):
            when = format_time(e.at).replace("T", " ").removesuffix("Z")
            table.add_row(when, e.kind, e.message, e.rule or "", key=str(i))
        self.query_one(Label).update(
            f"Lead {self.lead_id} — {len(entries)} entries, run 0 of the forecast (escape: back)"
        )
        table.focus()
