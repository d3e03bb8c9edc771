"""KPI cards: one per figure of `figures.KPIS`, each with its mean and 90% interval of runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import Grid
from textual.widgets import Static

from tui.figures import KPIS, Kpi, interval, stat, value

if TYPE_CHECKING:
    from textual.app import ComposeResult


class KpiCard(Static):
    DEFAULT_CLASSES = "kpi-card"

    def __init__(self, kpi: Kpi, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.kpi = kpi
        self.border_title = kpi.label
        self.show(None)

    @property
    def value_text(self) -> str:
        return self._value

    def show(self, forecast: Any) -> None:
        s = stat(forecast, self.kpi.key) if forecast is not None else None
        self._value = value(s, self.kpi.fmt) if forecast is not None else "…"
        out = Text()
        out.append(self._value, style="bold")
        band = interval(s, self.kpi.fmt)
        out.append("\n" + (band or " "))
        out.append("\n" + self.kpi.note, style="dim")
        self.update(out)
        self.tooltip = f"{self.kpi.label}: {self.kpi.note}; 90% of runs {band or '-'}"


class KpiCards(Grid):
    DEFAULT_CLASSES = "kpi-cards"

    def compose(self) -> ComposeResult:
        for kpi in KPIS:
            yield KpiCard(kpi, id=f"kpi-{kpi.key.replace('.', '-')}")

    def show(self, forecast: Any) -> None:
        for card in self.query(KpiCard):
            card.show(forecast)
