"""A live lead's timeline (`--db`): its standing under each rule file at the database's clock,
then every event, score change (with decay), stage move, enrolment, send, postponement and
suppression with the rule's file:line — what `nurture explain FILE --db DB LEAD` prints, read by
`live.explain` in a worker (read-only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from tui.messages import TimelineFailed, TimelineLoaded
from tui.screens.timeline import KIND_STYLE, short_rule

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from live import LeadExplanation
    from tui.app import NurtureApp
    from tui.rulefile import RuleFile


class DbTimelineScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, db: str, lead_id: str) -> None:
        super().__init__()
        self.db = db
        self.lead_id = lead_id

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]  # Screen.app is an App; ours

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Lead {self.lead_id}: reading it from {self.db}…", id="timeline-title")
        yield Static(id="standing")
        yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"lead {self.lead_id} of {self.db}"
        self.query_one(DataTable).add_columns("at (UTC)", "what", "detail", "rule")
        self._load(list(self.nurture.rule_files))

    @work(thread=True, exclusive=True)
    def _load(self, files: list[RuleFile]) -> None:
        from tui.livedb import DbError, db_timeline

        try:
            found = db_timeline(files, self.db, self.lead_id)
        except DbError as err:
            self.post_message(TimelineFailed(self.lead_id, str(err)))
            return
        self.post_message(TimelineLoaded(self.lead_id, found))

    def _title(self, text: str) -> None:
        self.query_one("#timeline-title", Label).update(text)

    @on(TimelineFailed)
    def _failed(self, event: TimelineFailed) -> None:
        self._title(f"Lead {self.lead_id}: {event.message}")

    @on(TimelineLoaded)
    def _loaded(self, event: TimelineLoaded) -> None:
        from engine import format_time
        from live import entry_message
        from tui.livedb import standing_lines

        found: LeadExplanation = event.explanation
        self.query_one("#standing", Static).update("\n".join(standing_lines(found)[1:]))
        table = self.query_one(DataTable)
        variables = self.app.theme_variables
        for i, e in enumerate(found.entries):
            style = KIND_STYLE.get(e.kind, "")
            kind = Text(e.kind, style=variables.get(style[1:], "") if style else "")
            message = entry_message(e)  # with the condition of its rule, as explain says it
            table.add_row(format_time(e.at), kind, message, short_rule(e.rule), key=str(i))
        self._title(
            f"Lead {self.lead_id} of {self.db} at {format_time(found.clock)} — "
            f"{len(found.entries)} entries, as `nurture explain` gives them"
        )
        table.focus()
