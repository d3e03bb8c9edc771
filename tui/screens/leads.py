"""The leads screen: run 0's simulated leads (the forecast's `lead_table`), or with `--db` the
leads of a live database (`live.leads_table`, read in a worker once the rule files are checked,
again when they are reloaded), in a table that stays fast at 100,000 rows; a filter (segment,
stage, lifecycle, persona, id) and a sort run in a worker thread; `enter` opens a lead's
timeline (a live lead's: `nurture explain`'s)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label
from textual.worker import get_current_worker

from tui.leads_data import COLUMNS, LIVE_COLUMNS, FilterError, LeadRows, select
from tui.messages import DbLeadsFailed, DbLeadsLoaded, LeadChosen, LeadsFiltered, SortChosen
from tui.widgets.leads_table import LeadsTable

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer

    from simulator import Forecast
    from tui.app import NurtureApp
    from tui.rulefile import RuleFile

PLACEHOLDER = "/ filter: segment:trial stage:decision lifecycle:mql persona:NAME L12"
DB_PLACEHOLDER = "/ filter: segment:NAME stage:NAME lifecycle:mql a word of the id"


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
        self._reading_since: float | None = None  # the database's leads being read since
        self._ticker: Timer | None = None

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]  # Screen.app is an App; ours

    @property
    def db(self) -> str | None:
        """The live database whose leads are shown (`--db`), else None: the forecast's."""
        return self.nurture.launch.db

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder=DB_PLACEHOLDER if self.db else PLACEHOLDER, id="filter", compact=True
        )
        first = "Run a forecast (2, then r) to list its leads."
        yield Label(f"Reading the leads of {self.db}…" if self.db else first, id="leads-status")
        yield LeadsTable(id="leads")
        yield Footer()

    def on_mount(self) -> None:
        if self.db:
            self.sub_title = f"leads of {self.db}"
            self.query_one(LeadsTable).column_names = LIVE_COLUMNS
            self.watch(self.app, "rule_files", self._files_changed, init=True)
        else:
            self.watch(self.app, "forecast", self._forecast_changed, init=True)

    def _files_changed(self, files: list[RuleFile]) -> None:
        """Checked (or reloaded) rule files: read the database's leads under them."""
        if self.db and not any(f.checking for f in files):
            self._reading_since = time.monotonic()
            self._tick_reading()
            if self._ticker is None:
                self._ticker = self.set_interval(0.5, self._tick_reading)
            self._read_db(files, self.db)

    def _tick_reading(self) -> None:
        """While the database is read (every lead restored: seconds for 100,000), a clock."""
        if self._reading_since is not None:
            seconds = time.monotonic() - self._reading_since
            self._status(
                f"Reading the leads of {self.db}: every lead restored and caught up, as "
                f"`nurture explain` does one…  {seconds:.1f} s"
            )

    @work(thread=True, exclusive=True, group="leads-db")
    def _read_db(self, files: list[RuleFile], db: str) -> None:
        from tui.livedb import DbError, db_leads

        worker = get_current_worker()
        try:
            table = db_leads(files, db)
        except DbError as err:
            if not worker.is_cancelled:
                self.post_message(DbLeadsFailed(db, str(err)))
            return
        if not worker.is_cancelled:  # else a reload started a newer read
            self.post_message(DbLeadsLoaded(db, LeadRows(table)))

    @on(DbLeadsLoaded)
    def _db_loaded(self, event: DbLeadsLoaded) -> None:
        self._reading_since = None
        self.set_rows(event.rows)

    @on(DbLeadsFailed)
    def _db_failed(self, event: DbLeadsFailed) -> None:
        self._reading_since = None
        self.rows = None
        self.query_one(LeadsTable).show(None, np.zeros(0, dtype=int))
        self._status(f"{event.db}: cannot show its leads — {event.message}")
        self.notify(event.message, title=f"--db {event.db}", severity="error", timeout=10)

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
        if self.db and word and ":" not in word and " " not in word:  # a lead id, listed or not
            self.post_message(LeadChosen(word))
        elif not self.db and word and word[0] in "lL" and word[1:].isdigit():
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
        if self.rows is not None and self.rows.live:
            run = f" of {self.db} at {_clock(self.rows)}"
        else:
            run = " of run 0" if self.rows is not None else ""
        self._status(f"{len(event.order):,} of {total:,} leads{run}{sort} · enter: timeline")

    def _status(self, text: str) -> None:
        self.query_one("#leads-status", Label).update(text)

    def action_sort(self) -> None:
        """Sort by the next column (s), in the order of the table."""
        columns = self.rows.columns if self.rows is not None else COLUMNS
        i = columns.index(self.sort_by) + 1 if self.sort_by in columns else 0
        self.sort_by = columns[i % len(columns)]
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
        if self.db:
            from tui.screens.db_timeline import DbTimelineScreen

            self.app.push_screen(DbTimelineScreen(self.db, event.lead_id))
            return
        from tui.screens.timeline import TimelineScreen

        self.app.push_screen(TimelineScreen(event.lead_id))


def _clock(rows: LeadRows) -> str:
    """The database's clock, to the minute (UTC)."""
    from engine import format_time

    return format_time(rows.table.clock)[:16].replace("T", " ")  # type: ignore[union-attr]  # live
