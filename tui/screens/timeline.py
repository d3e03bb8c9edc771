"""A simulated lead's timeline: its standing at the horizon's end (from the forecast's leads
table), then every event, score change, stage move, enrolment, send, postponement and suppression
with the rule's file:line — the trail `explain` gives, rebuilt by the simulator for this lead
(run 0 of the forecast shown, same seed)."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, Static

from tui.forecasting import SettingsError, settings_of, timeline
from tui.messages import TimelineFailed, TimelineLoaded

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from simulator import Forecast, SimulatedLeads
    from tui.app import NurtureApp
    from tui.forecasting import Settings

# the entry kinds a reader looks for first, and their colour (theme variables)
KIND_STYLE = {
    "send": "$text-success",
    "suppressed": "$text-warning",
    "postponed": "$text-warning",
    "exited": "$text-error",
    "stage": "$text-accent",
    "mql": "$text-accent",
    "sql": "$text-accent",
    "event": "$text-primary",
}


def short_rule(rule: str | None) -> str:
    """`file:line` with the file relative to the working folder when it is under it."""
    if not rule:
        return ""
    path, sep, line = rule.rpartition(":")
    if not sep or not os.path.isabs(path):
        return rule
    relative = os.path.relpath(path)
    return f"{path if relative.startswith('..') else relative}:{line}"


def standing(t: SimulatedLeads | None, lead_id: str) -> str:
    """The lead's row of the leads table, in words ('' if the table does not hold it)."""
    if t is None or lead_id not in t.ids:
        return ""
    r = t.row(t.ids.index(lead_id))
    reached = (
        ("mql", r["mql_at"]),
        ("sql", r["sql_at"]),
        ("customer", r["customer_at"]),
        ("unsubscribed", r["unsubscribed_at"]),
        ("sunset", r["sunset_at"]),
    )
    flags = [k for k, at in reached if at]
    deal = f" · deal ${r['deal_value']:,.0f}" if r["deal_value"] is not None else ""
    return (
        f"persona {r['persona']} · stage {r['stage'] or '-'} · score {r['score']:.1f} · "
        f"{', '.join(flags) or 'no lifecycle flag'} · segments {', '.join(r['segments']) or '-'}"
        f" · {r['touches']} touches{deal}   (at the horizon's end)"
    )


class TimelineScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, lead_id: str) -> None:
        super().__init__()
        self.lead_id = lead_id
        self.started = time.monotonic()
        self.rebuilding = True

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]  # Screen.app is an App; ours

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(f"Lead {self.lead_id}", id="timeline-title")
        yield Static(id="standing")
        yield DataTable(id="timeline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"lead {self.lead_id}"
        self.query_one(DataTable).add_columns("at (UTC)", "what", "detail", "rule")
        f: Forecast | None = self.nurture.forecast
        program = self.nurture.rule_files[0].program
        if f is None or program is None:
            self._title("Run a forecast first (2, then r).")
            self.rebuilding = False
            return
        self.query_one("#standing", Static).update(standing(f.lead_table, self.lead_id))
        self._tick(f.leads)
        self.set_interval(0.5, lambda: self._tick(f.leads))
        self._load(program, settings_of(f))

    def _title(self, text: str) -> None:
        self.query_one("#timeline-title", Label).update(text)

    def _tick(self, leads: int) -> None:
        if self.rebuilding:
            seconds = time.monotonic() - self.started
            self._title(
                f"Lead {self.lead_id}: rebuilding its trail by running run 0 again "
                f"({leads:,} leads)…  {seconds:.1f} s  (escape: back)"
            )

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
        self.rebuilding = False
        self._title(event.message)

    @on(TimelineLoaded)
    def _loaded(self, event: TimelineLoaded) -> None:
        from engine import format_time

        self.rebuilding = False
        table = self.query_one(DataTable)
        entries = event.explanation.entries
        variables = self.app.theme_variables
        for i, e in enumerate(entries):
            when = format_time(e.at)[:16].replace("T", " ")
            style = KIND_STYLE.get(e.kind, "")
            kind = Text(e.kind, style=variables.get(style[1:], "") if style else "")
            table.add_row(when, kind, e.message, short_rule(e.rule), key=str(i))
        self._title(
            f"Lead {self.lead_id} — {len(entries)} entries, run 0 of the forecast (escape: back)"
        )
        table.focus()
