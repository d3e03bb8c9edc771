"""Charts of a forecast. Each draws what it is given and computes no figure.

`Bars`: horizontal bars drawn in text to the widget's width, each with its value and a note (a
share) beside it, in groups: a funnel reads at 80 columns however small its last step (a bar
never shorter than a sliver), in the theme's colours. `BandChart` (plotext): a weekly series, its
mean as a line between the 5th and the 95th percentile of runs, redrawn when the theme
changes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.widget import Widget
from textual_plotext import PlotextPlot

Series = Sequence[float | None]  # a weekly series (None: a week not measured)

_EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass(frozen=True)
class Bar:
    label: str
    size: float  # the bar's length, against the longest in the chart
    text: str  # the value as written beside the bar
    note: str = ""  # after the value, dimmed (a share)
    group: str = ""  # a heading when it changes from the bar before


def bar_text(size: float, longest: float, width: int) -> str:
    """A bar of `width` cells for `longest`, in eighths of a cell; a sliver for any size > 0."""
    if longest <= 0 or size <= 0:
        return ""
    eighths = max(1, round(8 * width * size / longest))
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


class Bars(Widget):
    """A bar chart in text: `show(title, bars)`."""

    DEFAULT_CLASSES = "bars"
    COMPONENT_CLASSES: ClassVar[set[str]] = {"bars--bar", "bars--title", "bars--group"}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title = ""
        self.bars: list[Bar] = []

    def show(self, title: str, bars: Sequence[Bar]) -> None:
        self.title, self.bars = title, list(bars)
        self.refresh(layout=True)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        groups = sum(1 for i, b in enumerate(self.bars) if b.group and self._new_group(i))
        return 1 + len(self.bars) + groups

    def _new_group(self, i: int) -> bool:
        return i == 0 or self.bars[i].group != self.bars[i - 1].group

    def render(self) -> Text:
        out = Text(no_wrap=True)  # (a style given here would be every part's base style)
        out.append(self.title, style=self.get_component_rich_style("bars--title"))
        if not self.bars:
            return out
        width = self.content_region.width or self.size.width
        label_w = max(len(b.label) for b in self.bars) + 1
        text_w = max(len(b.text) for b in self.bars) + 1
        note_w = max(len(b.note) for b in self.bars)
        room = max(4, width - label_w - text_w - note_w - 3)
        longest = max(b.size for b in self.bars)
        bar_style = self.get_component_rich_style("bars--bar")
        group_style = self.get_component_rich_style("bars--group")
        for i, b in enumerate(self.bars):
            if b.group and self._new_group(i):
                out.append("\n" + b.group, style=group_style)
            out.append("\n" + b.label.ljust(label_w))
            out.append(bar_text(b.size, longest, room).ljust(room), style=bar_style)
            out.append(" " + b.text.rjust(text_w))
            if b.note:
                out.append(" " + b.note.rjust(note_w), style="dim")
        return out


class BandChart(PlotextPlot):
    """A weekly series: the mean over runs as a line, between two lines for the 5th and the
    95th percentile of runs (the 90% interval)."""

    DEFAULT_CLASSES = "chart"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.series: tuple[str, Series, Series, Series] | None = None  # title, mean, low, high

    def on_mount(self) -> None:
        super().on_mount()
        self.app.theme_changed_signal.subscribe(self, lambda _: self._draw())

    def draw(
        self,
        title: str,
        mean: Sequence[float | None],
        low: Sequence[float | None],
        high: Sequence[float | None],
    ) -> None:
        self.series = (title, mean, low, high)
        self._draw()

    def _colour(self, name: str) -> tuple[int, int, int]:
        from textual.color import Color

        return Color.parse(self.app.theme_variables[name]).rgb

    def _draw(self) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if self.series is None:
            self.refresh()
            return
        title, mean, low, high = self.series
        plt.title(title)
        weeks = list(range(1, len(mean) + 1))
        if weeks:
            hi = [x or 0.0 for x in high]
            lo = [x or 0.0 for x in low]
            band, line = self._colour("primary"), self._colour("accent")
            # the 90% interval of runs as its two edges (a filled band reads as noise in braille)
            plt.plot(weeks, hi, marker="braille", color=band, label="5th-95th pct of runs")
            plt.plot(weeks, lo, marker="braille", color=band)
            plt.plot(weeks, [x or 0.0 for x in mean], marker="braille", color=line, label="mean")
            plt.xlabel("week")
            top, ticks = nice_ticks(max(hi))
            plt.ylim(0, top)
            plt.yticks(ticks, [f"{t:,.{0 if ticks[1] >= 1 else 1}f}" for t in ticks])
        self.refresh()


def nice_ticks(highest: float, count: int = 4) -> tuple[float, list[float]]:
    """An axis from 0 to a round top, and its ticks at a round step (1, 2 or 5 times a power of
    ten): `nice_ticks(23.9)` is (30, [0, 10, 20, 30])."""
    if highest <= 0:
        return 1.0, [0.0, 0.5, 1.0]
    raw = highest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    top = step * math.ceil(highest / step)
    return top, [step * k for k in range(round(top / step) + 1)]
