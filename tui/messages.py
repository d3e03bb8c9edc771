"""What happened, as messages between the app's parts: small dataclasses named as past events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class RulesReloaded(Message):
    """The rule files were read again (a key, or a file changed on disk)."""

    changed: list[str]


@dataclass
class ForecastStarted(Message):
    what: str  # "forecast" or "comparison"
    runs: int


@dataclass
class ForecastProgressed(Message):
    what: str
    done: float  # runs done, fractions of the running ones included
    total: int


@dataclass
class ForecastFinished(Message):
    what: str
    result: Any  # the simulator's forecast (or comparison) result


@dataclass
class ForecastCancelled(Message):
    what: str


@dataclass
class ForecastFailed(Message):
    what: str
    message: str  # what is wrong with the input, in the user's words


@dataclass
class LeadChosen(Message):
    """A lead was selected in the leads table: open its timeline."""

    lead_id: str


@dataclass
class DefinitionChosen(Message):
    """A tree item (or a palette entry) named a definition: show it."""

    file_index: int
    line: int


@dataclass
class LeadsFiltered(Message):
    """The leads worker finished a filter/sort: the rows to show, in order."""

    text: str
    order: Any  # numpy array of row indices


@dataclass
class TimelineLoaded(Message):
    lead_id: str
    explanation: Any  # the engine's Explanation of the lead


@dataclass
class TimelineFailed(Message):
    lead_id: str
    message: str
