"""KPI cards: one per figure of `figures.KPIS`, each with its mean and the 90% interval of runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Grid
from textual.widgets import Static

from tui.figures import KPIS, Kpi
from tui.formats import interval, value

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from simulator import Forecast


class KpiCard(Static):
    DEFAULT_CLASSES = "kpi-card"

    def __init__(self, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kpi = kpi
        self.border_title = kpi.label
        self.value_text = "…"
        self.band_text = ""
        self.show(None)

    def show(self, forecast: Forecast | None) -> None:
        if forecast is None:
            self.value_text, self.band_text = "…", ""
        else:
            figure = self.kpi.get(forecast)
            self.value_text = value(figure, self.kpi.fmt)
            self.band_text = interval(figure, self.kpi.band).replace(" – ", "–")  # to fit 80 cols
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(self.value_text, style="bold")
        out.append("\n" + (self.band_text or " "))
        out.append("\n" + self.kpi.note, style="dim")
        self.update(out)
        self.tooltip = (
            f"{self.kpi.label}: {self.kpi.note}; 90% of runs between {self.band_text or '-'}"
        )


class KpiCards(Grid):
    DEFAULT_CLASSES = "kpi-cards"

    def compose(self) -> ComposeResult:
        for kpi in KPIS:
            yield KpiCard(kpi, id=f"kpi-{kpi.key}")

    def show(self, forecast: Forecast | None) -> None:
        for card in self.query(KpiCard):
            card.show(forecast)
