"""Charts of a forecast (plotext in the terminal): the funnel, a weekly series with its band,
and bars by name. Each chart draws what it is given; it computes no figure."""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot


class BarChart(PlotextPlot):
    DEFAULT_CLASSES = "chart"

    def draw(self, title: str, labels: Sequence[str], values: Sequence[float]) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        if labels:
            plt.bar(
                list(labels), [round(v, 1) for v in values], orientation="horizontal", width=0.6
            )
        self.refresh()


class BandChart(PlotextPlot):
    """A weekly mean with the 5th and 95th percentile of runs drawn around it."""

    DEFAULT_CLASSES = "chart"

    def draw(
        self,
        title: str,
        mean: Sequence[float | None],
        lo: Sequence[float | None],
        hi: Sequence[float | None],
    ) -> None:
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(title)
        weeks = list(range(1, len(mean) + 1))
        if weeks:
            plt.plot(weeks, [x or 0.0 for x in hi], marker="braille", label="95th pct")
            plt.plot(weeks, [x or 0.0 for x in mean], marker="braille", label="mean")
            plt.plot(weeks, [x or 0.0 for x in lo], marker="braille", label="5th pct")
            plt.xlabel("week")
        self.refresh()
