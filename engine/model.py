"""The engine's value types: leads and events in, actions and explanations out.

Times are float seconds since the Unix epoch (UTC) everywhere in the engine API.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field, fields
from typing import NamedTuple

ACTION_KINDS = ("send", "task", "suppressed", "enrolled", "exited", "mql", "sql", "handoff",
                "sunset")


def fmt_time(at: float) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` (whole seconds, floored)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(math.floor(at)))


@dataclass(frozen=True, slots=True)
class Lead:
    id: str
    created_at: float | None = None
    attrs: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    lead: str
    type: str
    at: float
    props: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Action:
    """What the outside world must do or know. Field order is the JSON key order."""

    lead: str
    at: float
    action: str
    content: str | None = None
    channel: str | None = None
    sequence: str | None = None
    step: int | None = None
    arm: int | None = None
    reason: str | None = None
    due: float | None = None
    rule: str | None = None
    late: bool | None = None
    program: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in _ACTION_FIELDS:
            value = getattr(self, f)
            if value is None:
                continue
            out[f] = fmt_time(value) if f in ("at", "due") else value
        return out


_ACTION_FIELDS = tuple(f.name for f in fields(Action))


class TraceEntry(NamedTuple):
    """One line of a lead's explain trail (a tuple: cheap to keep by the million)."""

    at: float
    kind: str
    message: str
    rule: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"at": fmt_time(self.at), "kind": self.kind,
                                  "message": self.message}
        if self.rule is not None:
            out["rule"] = self.rule
        return out


@dataclass(frozen=True, slots=True)
class Explanation:
    lead: str
    entries: list[TraceEntry]

    def to_dict(self) -> dict[str, object]:
        return {"lead": self.lead, "entries": [e.to_dict() for e in self.entries]}


@dataclass(frozen=True, slots=True)
class LeadView:
    """A lead's standing under one program at one instant."""

    lead: str
    at: float
    scores: dict[str, float]
    score: float
    stage: str
    segments: list[str]
    mql: bool
    sql: bool
    customer: bool
    unsubscribed: bool
    sunset: bool
    mql_at: float | None
    sql_at: float | None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
