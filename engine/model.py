"""The engine's value types: leads and events in, actions and explanations out.

Times are float seconds since the Unix epoch (UTC) everywhere in the engine API.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError, asdict, dataclass, field
from operator import itemgetter
from typing import NamedTuple

from engine.times import format_time

ACTION_KINDS = (
    "send",
    "task",
    "suppressed",
    "enrolled",
    "exited",
    "mql",
    "sql",
    "handoff",
    "sunset",
)


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


ACTION_FIELDS = (
    "lead",
    "at",
    "action",
    "content",
    "channel",
    "sequence",
    "step",
    "arm",
    "reason",
    "due",
    "rule",
    "late",
    "program",
)


class Action(tuple):
    """What the outside world must do or know. Field order is the JSON key order.

    Immutable, compared and hashed by its fields, like a frozen dataclass of these fields (equal
    only to another Action); kept as a tuple so the engine builds one without a Python-level
    `__init__` (`Action.of`), since it writes one per send, enrolment, exit and flag."""

    __slots__ = ()
    __match_args__ = ACTION_FIELDS

    lead: str
    at: float
    action: str
    content: str | None
    channel: str | None
    sequence: str | None
    step: int | None
    arm: int | None
    reason: str | None
    due: float | None
    rule: str | None
    late: bool | None
    program: str | None

    def __new__(
        cls,
        lead: str,
        at: float,
        action: str,
        content: str | None = None,
        channel: str | None = None,
        sequence: str | None = None,
        step: int | None = None,
        arm: int | None = None,
        reason: str | None = None,
        due: float | None = None,
        rule: str | None = None,
        late: bool | None = None,
        program: str | None = None,
    ) -> Action:
        return tuple.__new__(
            cls,
            (
                lead,
                at,
                action,
                content,
                channel,
                sequence,
                step,
                arm,
                reason,
                due,
                rule,
                late,
                program,
            ),
        )

    def __eq__(self, other: object) -> bool:  # not equal to a plain tuple of the same values
        return other.__class__ is self.__class__ and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return other.__class__ is not self.__class__ or tuple.__ne__(self, other)

    __hash__ = tuple.__hash__  # as a frozen dataclass: the hash of the tuple of fields

    def __lt__(self, other: object) -> bool:
        return NotImplemented

    __le__ = __gt__ = __ge__ = __lt__  # unordered, as a dataclass without order=True

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getnewargs__(self) -> tuple:  # pickling calls Action(*fields)
        return tuple(self)

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={v!r}" for f, v in zip(ACTION_FIELDS, self, strict=True))
        return f"Action({inner})"

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f, value in zip(ACTION_FIELDS, self, strict=True):
            if value is None:
                continue
            out[f] = format_time(value) if f in ("at", "due") else value
        return out


for _i, _name in enumerate(ACTION_FIELDS):
    setattr(Action, _name, property(itemgetter(_i), doc=f"Field {_name}."))
del _i, _name


class TraceEntry(NamedTuple):
    """One line of a lead's explain trail (a tuple: cheap to keep by the million)."""

    at: float
    kind: str
    message: str
    rule: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "at": format_time(self.at),
            "kind": self.kind,
            "message": self.message,
        }
        if self.rule is not None:
            out["rule"] = self.rule
        return out


@dataclass(frozen=True, slots=True)
class NextStep:
    """What is due next for a lead in one sequence (`Engine.next_steps`): `due` the time it is
    carried out (a wait's end, a wait until's timeout, a postponed send's new time) and `what`
    (`step 3: send case_study by email`); or, when `due` is None, `what` says why nothing is
    (not enrolled: how it may enter, or why it may not). `rule`: the step's or the sequence's
    file:line."""

    sequence: str
    due: float | None
    step: int | None
    what: str
    rule: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "sequence": self.sequence,
            "due": None if self.due is None else format_time(self.due),
            "step": self.step,
            "what": self.what,
            "rule": self.rule,
        }


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
