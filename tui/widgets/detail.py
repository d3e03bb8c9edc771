"""Under the rule file: the selected definition's text and, after a forecast, its figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from tui.figures import ITEM_FIGURES, item_figures
from tui.highlight import highlight_line

if TYPE_CHECKING:
    from simulator import Forecast
    from tui.outline import OutlineItem


FIGURED = tuple(ITEM_FIGURES)  # the kinds of tree item a forecast has figures for


class DetailPanel(Static):
    DEFAULT_CLASSES = "detail"

    def show(
        self, item: OutlineItem | None, source: str, forecast: Forecast | None, dark: bool
    ) -> None:
        if item is None or item.span is None:
            self.update(Text("Select a definition in the tree to see it here.", style="dim"))
            return
        lines = source.split("\n")[item.span.line - 1 : item.span.end_line]
        out = Text(no_wrap=True)
        out.append(f"line {item.span.line}\n", "dim")
        for line in lines[:8]:
            out.append_text(highlight_line(line, dark))
            out.append("\n")
        if len(lines) > 8:
            out.append(f"… {len(lines) - 8} more lines\n", "dim")
        figures = item_figures(forecast, item.key)
        if figures:
            runs = f"{forecast.runs} runs" if forecast is not None else ""
            out.append(f"Forecast (mean [90% of {runs}])\n", "bold")
            width = max(len(label) for label, _ in figures) + 2
            out.append("\n".join(f"{label:<{width}}{text}" for label, text in figures))
        elif forecast is None and item.key and item.key.split(":")[0] in FIGURED:
            out.append("Run a forecast (key 2, then r) to see its numbers here.", "dim italic")
        self.update(out)
