"""A table of leads that draws only the rows on screen (Textual's line API), so 100,000 rows
scroll as fast as 100. `enter` or a double click posts `LeadChosen`; a click on a column's
header posts `SortChosen`.

(Textual's DataTable keeps a cell object per value: adding 100,000 rows of 9 columns took 3.1 s
on the UI thread here, so it is used for the small tables only.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.leads_data import COLUMNS, LeadRows
from tui.messages import LeadChosen, SortChosen

if TYPE_CHECKING:
    from textual import events

WIDTHS = {
    "id": 7,
    "persona": 11,
    "stage": 13,
    "lifecycle": 13,
    "score": 7,  # "score ▼" when sorted by it
    "touches": 7,
    "deal": 8,
    "segments": 28,
    "arrived": 16,
}
RIGHT = ("score", "touches", "deal")


class LeadsTable(ScrollView, can_focus=True):
    DEFAULT_CLASSES = "leads-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "move(-20)", "Page up", show=False),
        Binding("pagedown", "move(20)", "Page down", show=False),
        Binding("home,g", "move(-1000000000)", "First", show=False),
        Binding("end,G", "move(1000000000)", "Last", show=False),
        Binding("enter", "choose", "Timeline"),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"leads-table--header", "leads-table--cursor"}

    cursor = reactive(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: LeadRows | None = None
        self.column_names: tuple[str, ...] = (
            COLUMNS  # the rows' (a live database's: no persona, deal)
        )
        self.order: np.ndarray = np.zeros(0, dtype=int)
        self.sort_by: str | None = None
        self.descending = False

    def show(
        self,
        rows: LeadRows | None,
        order: np.ndarray,
        sort_by: str | None = None,
        descending: bool = False,
    ) -> None:
        self.rows, self.order = rows, order
        if rows is not None:
            self.column_names = rows.columns
        self.sort_by, self.descending = sort_by, descending
        self.cursor = min(self.cursor, max(len(order) - 1, 0))
        width = sum(WIDTHS[c] for c in self.column_names) + len(self.column_names)
        self.virtual_size = Size(width, len(order) + 1)
        self.refresh()

    @property
    def lead_id(self) -> str | None:
        if self.rows is None or not len(self.order):
            return None
        return self.rows.lead_id(int(self.order[self.cursor]))

    def _line(self, cells: list[tuple[str, str]], style: Style) -> list[Segment]:
        out = []
        for name, text in cells:
            w = WIDTHS[name]
            text = text[: w - 1] + "…" if len(text) > w else text
            out.append(Segment((text.rjust(w) if name in RIGHT else text.ljust(w)) + " ", style))
        return out

    def _heading(self, column: str) -> str:
        if column != self.sort_by:
            return column
        return column + (" ▼" if self.descending else " ▲")

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        if y == 0:
            header = self.get_component_rich_style("leads-table--header", partial=True)
            segments = self._line([(c, self._heading(c)) for c in self.column_names], header)
        else:
            index = scroll_y + y - 1
            if self.rows is None or index >= len(self.order):
                return Strip.blank(self.size.width, self.rich_style)
            row = int(self.order[index])
            style = self.rich_style
            if index == self.cursor:
                style = style + self.get_component_rich_style("leads-table--cursor")
            segments = self._line([(c, self.rows.cell(row, c)) for c in self.column_names], style)
        strip = Strip(segments).crop(scroll_x, scroll_x + self.size.width)
        return strip.extend_cell_length(self.size.width, self.rich_style)

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        visible = max(self.size.height - 1, 1)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()

    def action_move(self, by: int) -> None:
        if len(self.order):
            self.cursor = max(0, min(len(self.order) - 1, self.cursor + by))

    def action_choose(self) -> None:
        if self.lead_id is not None:
            self.post_message(LeadChosen(self.lead_id))

    def column_at(self, x: int) -> str | None:
        """The column under screen column `x` of the widget (scrolling included)."""
        left = -self.scroll_offset.x
        for name in self.column_names:
            if left <= x < left + WIDTHS[name] + 1:
                return name
            left += WIDTHS[name] + 1
        return None

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            column = self.column_at(event.x)
            if column is not None:
                self.post_message(SortChosen(column))
            return
        index = self.scroll_offset.y + event.y - 1
        if 0 <= index < len(self.order):
            self.cursor = index
            if event.chain >= 2:
                self.action_choose()
