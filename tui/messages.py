"""What happened, as messages between the app's parts: small dataclasses named as past events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    import numpy as np


@dataclass
class RulesReloaded(Message):
    """The rule files were read again (a key, or a file changed on disk)."""

    changed: list[str]


@dataclass
class ForecastProgressed(Message):
    what: str
    done: float  # runs done, fractions of the runs under way included
    total: int


@dataclass
class ForecastFinished(Message):
    what: str
    result: Any  # the simulator's `Forecast` (or `Comparison`)


@dataclass
class ForecastCancelled(Message):
    what: str


@dataclass
class ForecastFailed(Message):
    what: str
    message: str  # what is wrong with the input, in the user's words (or a bug, said so)


@dataclass
class LeadChosen(Message):
    """A lead was selected in the leads table: open its timeline."""

    lead_id: str


@dataclass
class SortChosen(Message):
    """A column's header was clicked in the leads table: sort by it."""

    column: str


@dataclass
class LeadsFiltered(Message):
    """The leads worker finished a filter/sort: the rows to show, in order."""

    text: str
    order: np.ndarray  # row indices into the leads table


@dataclass
class TimelineLoaded(Message):
    lead_id: str
    explanation: Any  # the engine's Explanation of the lead


@dataclass
class TimelineFailed(Message):
    lead_id: str
    message: str


@dataclass
class DbLeadsLoaded(Message):
    """The leads of the live database (`--db`) were read."""

    db: str
    rows: Any  # tui.leads_data.LeadRows over live's `LiveLeads`


@dataclass
class DbLeadsFailed(Message):
    """The live database's leads cannot be shown; `message` says why (explain's words)."""

    db: str
    message: str
