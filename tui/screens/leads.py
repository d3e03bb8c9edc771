"""The leads screen: the forecast's simulated leads in a table that stays fast at 100,000 rows,
a filter (segment, stage, lifecycle, persona, id) and sort run in a worker thread, and `enter` for
a lead's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label
from textual.worker import get_current_worker

from tui.leads_data import COLUMNS, FilterError, LeadRows, select
from tui.messages import LeadChosen, LeadsFiltered
from tui.widgets.leads_table import LeadsTable

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.timer import Timer

    from tui.app import NurtureApp


def lead_rows(forecast: Any) -> LeadRows | None:
    """The forecast's leads: run 0's traced sample (ids; the other columns come with the
    simulator's per-lead rows of run 0)."""
    if forecast is None:
        return None
    ids = sorted(forecast.get("traces") or {}, key=lambda i: int(i[1:]) if i[1:].isdigit() else 0)
    return LeadRows.from_columns({"id": ids})


class LeadsScreen(Screen[None]):
    AUTO_FOCUS = "LeadsTable"
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter"),
        Binding("s", "sort", "Sort"),
        Binding("d", "descending", "Reverse", show=False),
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
        yield Input(
            placeholder="filter: segment:trial stage:decision lifecycle:mql L12", id="filter"
        )
        yield Label("Run a forecast (2, then r) to list its leads.", id="leads-status")
        yield LeadsTable(id="leads")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "forecast", self._forecast_changed, init=True)

    def set_rows(self, rows: LeadRows | None) -> None:
        """Show these rows (the forecast's, or any of the same columns)."""
        self.rows = rows
        self._refilter()

    def _forecast_changed(self, forecast: Any) -> None:
        self.set_rows(lead_rows(forecast))

    def _refilter(self) -> None:
        if self.rows is not None:
            self._filter(
                self.rows, self.query_one("#filter", Input).value, self.sort_by, self.descending
            )

    @on(Input.Changed, "#filter")
    def _typed(self, _: Input.Changed) -> None:
        """Filter once typing pauses (0.15 s), not at every key."""
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(0.15, self._refilter)

    @on(Input.Submitted, "#filter")
    def _submitted(self, event: Input.Submitted) -> None:
        word = event.value.strip()
        if word and word.startswith("L") and word[1:].isdigit():  # any lead, listed or not
            self.post_message(LeadChosen(word))
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
        self.query_one(LeadsTable).show(self.rows, event.order)
        total = len(self.rows) if self.rows is not None else 0
        sort = (
            f" · sorted by {self.sort_by} {'↓' if self.descending else '↑'}" if self.sort_by else ""
        )
        self._status(f"{len(event.order):,} of {total:,} leads{sort} · enter: timeline")

    def _status(self, text: str) -> None:
        self.query_one("#leads-status", Label).update(text)

    def action_sort(self) -> None:
        i = COLUMNS.index(self.sort_by) + 1 if self.sort_by in COLUMNS else 0
        self.sort_by = COLUMNS[i % len(COLUMNS)]
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
