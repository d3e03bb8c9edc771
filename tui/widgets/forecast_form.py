"""The forecast's settings (leads, days, runs, seed) as a one-line form, with run and cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.validation import Integer, Number
from textual.widgets import Button, Input, Label

from tui.forecasting import Settings

if TYPE_CHECKING:
    from textual.app import ComposeResult

FIELDS = (
    # (name, label, validator, what a wrong value should be)
    ("leads", "leads", Integer(minimum=1), "a whole number of leads, 1 or more"),
    ("days", "days", Number(minimum=0.001), "a number of days above 0"),
    ("runs", "runs", Integer(minimum=1), "a whole number of runs, 1 or more"),
    ("seed", "seed", Integer(minimum=0), "a whole number, 0 or more"),
)


class ForecastForm(Horizontal):
    DEFAULT_CLASSES = "forecast-form"

    def compose(self) -> ComposeResult:
        for name, label, validator, _ in FIELDS:
            yield Label(label)
            yield Input(id=f"set-{name}", validators=[validator], compact=True, restrict=r"[0-9.]*")
        yield Button("Run", id="run", variant="primary", compact=True, action="screen.run")
        yield Button("Cancel", id="cancel", variant="error", compact=True, action="screen.cancel")

    def fill(self, settings: Settings) -> None:
        for name, *_ in FIELDS:
            value = getattr(settings, name)
            text = f"{value:g}" if isinstance(value, float) else str(value)
            self.query_one(f"#set-{name}", Input).value = text

    def read(self) -> Settings | str:
        """The settings typed, or what is wrong with them (the first mistake, in words)."""
        values: dict[str, float] = {}
        for name, label, validator, wanted in FIELDS:
            text = self.query_one(f"#set-{name}", Input).value.strip()
            if not validator.validate(text).is_valid:
                return f"{label}: {text or 'empty'} is not {wanted}"
            values[name] = float(text)
        return Settings(
            int(values["leads"]), values["days"], int(values["runs"]), int(values["seed"])
        )

    def running(self, on: bool) -> None:
        self.query_one("#run", Button).disabled = on
        self.query_one("#cancel", Button).disabled = not on
