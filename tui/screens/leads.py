"""The leads screen: run 0's simulated leads (the forecast's `lead_table`) in a table that stays
fast at 100,000 rows; a filter (segment, stage, lifecycle, persona, id) and a sort run in a worker
thread; `enter` opens a lead's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label
from textual.worker import get_current_worker

from tui.leads_data import COLUMNS, FilterError, LeadRows, select
from tui.messages import LeadChosen, LeadsFiltered, SortChosen
from tui.widgets.leads_table import LeadsTable

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer

    from simulator import Forecast
    from tui.app import NurtureApp

PLACEHOLDER = "/ filter: segment:trial stage:decision lifecycle:mql persona:NAME L12"
NO_DB = (
    "--db: a live database's leads need live/'s front door (explain a live lead, list its "
    "leads), not on main yet; the simulated leads are shown."
)


class LeadsScreen(Screen[None]):
    AUTO_FOCUS = "LeadsTable"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("d", "descending", "Reverse"),
        Binding("escape", "focus_table", "Table", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: LeadRows | None = None
        self.sort_by: str | None = None
        self.descending = False
        self._pending: Timer | None = None

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=PLACEHOLDER, id="filter", compact=True)
        yield Label("Run a forecast (2, then r) to list its leads.", id="leads-status")
        yield LeadsTable(id="leads")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "forecast", self._forecast_changed, init=True)
        if self.nurture.launch.db:
            self.notify(NO_DB, title="--db", severity="warning", timeout=8)

    def set_rows(self, rows: LeadRows | None) -> None:
        """Show these rows (the forecast's leads table, or any other)."""
        self.rows = rows
        self._refilter()

    def _forecast_changed(self, f: Forecast | None) -> None:
        if f is None or f.lead_table is None:
            return
        self.set_rows(LeadRows(f.lead_table))

    def _refilter(self) -> None:
        if self.rows is not None:
            text = self.query_one("#filter", Input).value
            self._filter(self.rows, text, self.sort_by, self.descending)

    @on(Input.Changed, "#filter")
    def _typed(self, _: Input.Changed) -> None:
        """Filter once typing pauses (0.15 s), not at every key."""
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(0.15, self._refilter)

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        word = event.value.strip()
        if word and word[0] in "lL" and word[1:].isdigit():  # any lead, listed or not
            self.post_message(LeadChosen("L" + word[1:]))
        else:
            self.action_focus_table()

    @work(thread=True, exclusive=True, group="leads-filter")
    def _filter(self, rows: LeadRows, text: str, sort_by: str | None, descending: bool) -> None:
        worker = get_current_worker()
        try:
            order = select(rows, text, sort_by, descending)
        except FilterError as err:
            self.app.call_from_thread(self._status, str(err))
            return
        if not worker.is_cancelled:
            self.post_message(LeadsFiltered(text, order))

    @on(LeadsFiltered)
    def _filtered(self, event: LeadsFiltered) -> None:
        self.query_one(LeadsTable).show(self.rows, event.order, self.sort_by, self.descending)
        total = len(self.rows) if self.rows is not None else 0
        sort = (
            f" · sorted by {self.sort_by} {'▼' if self.descending else '▲'}" if self.sort_by else ""
        )
        run = " of run 0" if self.rows is not None else ""
        self._status(f"{len(event.order):,} of {total:,} leads{run}{sort} · enter: timeline")

    def _status(self, text: str) -> None:
        self.query_one("#leads-status", Label).update(text)

    def action_sort(self) -> None:
        """Sort by the next column (s), in the order of the table."""
        i = COLUMNS.index(self.sort_by) + 1 if self.sort_by in COLUMNS else 0
        self.sort_by = COLUMNS[i % len(COLUMNS)]
        self._refilter()

    @on(SortChosen)
    def _sort_chosen(self, event: SortChosen) -> None:
        """A header clicked: sort by it; clicked again, the other way."""
        if self.sort_by == event.column:
            self.descending = not self.descending
        else:
            self.sort_by, self.descending = event.column, False
        self._refilter()

    def action_descending(self) -> None:
        self.descending = not self.descending
        self._refilter()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(LeadsTable).focus()

    @on(LeadChosen)
    def _chosen(self, event: LeadChosen) -> None:
        from tui.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(event.lead_id))
