"""The typed, frozen intermediate representation of a `.nurture` file.

Every node carries the `Span` of the text it came from. The transformer builds these nodes with
names unresolved (`Name`); the checker returns a new `Program` where every `Name` has been replaced
by what it refers to (`Attr`, `SegmentRef`, `ScoreRef`, `StageConst`, `Flag`, ...). The engine only
ever sees a checked program. No Lark type appears here.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field

from dsl.limits import UNIT_SECONDS


class Node(BaseModel):
    # Schemas are built on first validation, not at import: `nurture check` builds its nodes with
    # `model_construct` (the front end's own, already-checked values) and never pays for them.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Span(Node):
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


# Built without validation: validating here would build pydantic's schemas at import time.
NO_SPAN = Span.model_construct(line=0, column=0, end_line=0, end_column=0)


class Duration(Node):
    """A whole number of a unit; `seconds` is what the engine uses."""

    kind: Literal["duration"] = "duration"
    amount: int
    unit: Literal["m", "h", "d", "w"]
    span: Span = NO_SPAN

    @property
    def seconds(self) -> int:
        return self.amount * UNIT_SECONDS[self.unit]

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"


# ---------------------------------------------------------------- params (DSL.md, Parameters)

ParamKind = Literal["number", "duration", "percent"]
ParamValue = Union[float, Duration]  # noqa: UP007 (a number or a percentage; a duration)


class Param(Node):
    """`param NAME = VALUE [in LOW..HIGH]`: `value` is the one in force (the file's `default`
    unless set from outside, e.g. `--set NAME=VALUE`); a percentage is held as 10.0 for 10%."""

    name: str
    type: ParamKind
    value: ParamValue
    default: ParamValue
    low: ParamValue | None = None
    high: ParamValue | None = None
    set: bool = False
    span: Span = NO_SPAN


class ParamRef(Node):
    """A param's name where a literal of kind `expects` stands ("whole": a whole number), as
    written; the binding of params (`dsl.params.bind`) puts the value in force in its place, so a
    checked program never holds one. `negative`: written `-name` (score points)."""

    kind: Literal["param_ref"] = "param_ref"
    name: str
    expects: Literal["number", "whole", "duration", "percent"]
    negative: bool = False
    span: Span = NO_SPAN

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------- expressions


class Num(Node):
    kind: Literal["num"] = "num"
    value: float
    span: Span = NO_SPAN


class Str(Node):
    kind: Literal["str"] = "str"
    value: str
    span: Span = NO_SPAN


class Bool(Node):
    kind: Literal["bool"] = "bool"
    value: bool
    span: Span = NO_SPAN


class ListLit(Node):
    kind: Literal["list"] = "list"
    items: tuple[Expr, ...]
    span: Span = NO_SPAN


class Name(Node):
    """An unresolved bare name, as written. Never present in a checked program."""

    kind: Literal["name"] = "name"
    name: str
    span: Span = NO_SPAN


class Attr(Node):
    """A lead attribute from the `lead:` block (or `timezone`)."""

    kind: Literal["attr"] = "attr"
    name: str
    type: Literal["number", "text"]
    span: Span = NO_SPAN


class Prop(Node):
    """An event property, inside `where`."""

    kind: Literal["prop"] = "prop"
    name: str
    type: Literal["number", "text"]
    span: Span = NO_SPAN


class SegmentRef(Node):
    kind: Literal["segment"] = "segment"
    name: str
    span: Span = NO_SPAN


class ScoreRef(Node):
    """A score block's value; `name is None` is `score`, the sum of all blocks."""

    kind: Literal["score"] = "score"
    name: str | None
    span: Span = NO_SPAN


class StageVar(Node):
    """The lead's current stage (`stage`), compared by funnel position."""

    kind: Literal["stage_var"] = "stage_var"
    span: Span = NO_SPAN


class StageConst(Node):
    """A stage name used as a value; `index` is its funnel position (0 = first)."""

    kind: Literal["stage_const"] = "stage_const"
    name: str
    index: int
    span: Span = NO_SPAN


class Flag(Node):
    kind: Literal["flag"] = "flag"
    name: Literal["mql", "sql", "customer", "unsubscribed", "sunset"]
    span: Span = NO_SPAN


class Neg(Node):
    kind: Literal["neg"] = "neg"
    operand: Expr
    span: Span = NO_SPAN


class Arith(Node):
    kind: Literal["arith"] = "arith"
    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr
    span: Span = NO_SPAN


CompareOp = Literal[
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "contains",
    "startswith",
    "endswith",
    "matches",
]


class Compare(Node):
    kind: Literal["compare"] = "compare"
    op: CompareOp
    left: Expr
    right: Expr
    span: Span = NO_SPAN


class And(Node):
    kind: Literal["and"] = "and"
    items: tuple[Expr, ...]
    span: Span = NO_SPAN


class Or(Node):
    kind: Literal["or"] = "or"
    items: tuple[Expr, ...]
    span: Span = NO_SPAN


class Not(Node):
    kind: Literal["not"] = "not"
    operand: Expr
    span: Span = NO_SPAN


class Call(Node):
    """A built-in call as written, before the checker resolves it."""

    kind: Literal["call"] = "call"
    func: str
    args: tuple[Expr, ...]
    where: Expr | None = None
    window: Duration | None = None
    span: Span = NO_SPAN


class Count(Node):
    """`count(EVENT [where COND], WINDOW)`: events of that type in `(now - window, now]`."""

    kind: Literal["count"] = "count"
    event: str
    where: Expr | None
    window: Duration
    span: Span = NO_SPAN


class DaysSince(Node):
    """`days_since(EVENT)`; `event == "last_engagement"` is any engagement event."""

    kind: Literal["days_since"] = "days_since"
    event: str
    span: Span = NO_SPAN


class ContentCheck(Node):
    """`opened(C)`, `clicked(C)`, `replied(C)`: whether the lead ever did so for content C."""

    kind: Literal["content_check"] = "content_check"
    action: Literal["opened", "clicked", "replied"]
    content: str
    span: Span = NO_SPAN


class InSequence(Node):
    kind: Literal["in_sequence"] = "in_sequence"
    sequence: str
    span: Span = NO_SPAN


class EventSince(Node):
    """A bare event type inside `wait until`: such an event arrived since the wait began."""

    kind: Literal["event_since"] = "event_since"
    event: str
    span: Span = NO_SPAN


Expr = Annotated[
    Union[  # noqa: UP007 (one discriminated union, kept explicit)
        Num,
        Str,
        Bool,
        ListLit,
        Name,
        Attr,
        Prop,
        SegmentRef,
        ScoreRef,
        StageVar,
        StageConst,
        Flag,
        Neg,
        Arith,
        Compare,
        And,
        Or,
        Not,
        Call,
        Count,
        DaysSince,
        ContentCheck,
        InSequence,
        EventSince,
    ],
    Field(discriminator="kind"),
]


# ---------------------------------------------------------------- declarations


class StageDecl(Node):
    name: str
    span: Span = NO_SPAN


class AttributeDecl(Node):
    name: str
    type: Literal["number", "text", "one_of"]
    options: tuple[str, ...] = ()
    span: Span = NO_SPAN


class PropDecl(Node):
    name: str
    type: Literal["number", "text"]
    span: Span = NO_SPAN


class EventDecl(Node):
    name: str
    props: tuple[PropDecl, ...] = ()
    span: Span = NO_SPAN


# The channels, defined once (here, and read everywhere else from here), in this order.
Channel = Literal["email", "sms", "ad", "social", "mail", "task"]
CHANNELS: tuple[str, ...] = get_args(Channel)
SALES_CHANNEL = "task"  # content on it is a task for sales, not a touch of the lead
LEAD_CHANNELS: tuple[str, ...] = tuple(c for c in CHANNELS if c != SALES_CHANNEL)  # touches


class ContentDecl(Node):
    name: str
    channel: str
    stage: str | None = None
    cost: float = 0.0
    span: Span = NO_SPAN
    channel_span: Span = NO_SPAN
    stage_span: Span = NO_SPAN


class Segment(Node):
    name: str
    condition: Expr
    span: Span = NO_SPAN


class Cap(Node):
    points: float
    window: Duration
    span: Span = NO_SPAN


class FitRule(Node):
    kind: Literal["fit"] = "fit"
    points: float
    condition: Expr
    span: Span = NO_SPAN


class EventRule(Node):
    kind: Literal["event"] = "event"
    points: float
    event: str
    where: Expr | None = None
    cap: Cap | None = None
    span: Span = NO_SPAN
    event_span: Span = NO_SPAN


ScoreRule = Annotated[Union[FitRule, EventRule], Field(discriminator="kind")]  # noqa: UP007


class Decay(Node):
    percent: float
    every: Duration
    span: Span = NO_SPAN


class ScoreBlock(Node):
    name: str
    rules: tuple[ScoreRule, ...] = ()
    decay: Decay | None = None
    span: Span = NO_SPAN


class StageRule(Node):
    stage: str
    condition: Expr
    span: Span = NO_SPAN
    stage_span: Span = NO_SPAN


class Lifecycle(Node):
    """`mql when COND` or `sql when COND`."""

    flag: Literal["mql", "sql"]
    condition: Expr
    span: Span = NO_SPAN


class Limit(Node):
    count: int
    window: Duration
    span: Span = NO_SPAN


class Quiet(Node):
    """Quiet hours, minutes after midnight; `start` included, `end` excluded; may wrap midnight."""

    start: int
    end: int
    span: Span = NO_SPAN


class Policy(Node):
    limit: Limit | None = None
    quiet: Quiet | None = None
    sunset: Expr | None = None
    span: Span = NO_SPAN


# ---------------------------------------------------------------- sequences


class Send(Node):
    kind: Literal["send"] = "send"
    content: str
    when: Expr | None = None
    span: Span = NO_SPAN
    content_span: Span = NO_SPAN


class Wait(Node):
    kind: Literal["wait"] = "wait"
    duration: Duration
    span: Span = NO_SPAN


class WaitUntil(Node):
    kind: Literal["wait_until"] = "wait_until"
    condition: Expr
    timeout: Duration
    span: Span = NO_SPAN


class If(Node):
    kind: Literal["if"] = "if"
    condition: Expr
    then: tuple[Step, ...]
    otherwise: tuple[Step, ...] = ()
    span: Span = NO_SPAN


class SplitArm(Node):
    percent: float
    step: Step
    span: Span = NO_SPAN


class Split(Node):
    kind: Literal["split"] = "split"
    arms: tuple[SplitArm, ...]
    span: Span = NO_SPAN


Step = Annotated[Union[Send, Wait, WaitUntil, If, Split], Field(discriminator="kind")]  # noqa: UP007


class EnterOn(Node):
    """`enter on EVENT [where COND]`: COND reads the event's properties, as in `count`."""

    kind: Literal["on"] = "on"
    event: str
    where: Expr | None = None
    span: Span = NO_SPAN
    event_span: Span = NO_SPAN


class EnterWhen(Node):
    kind: Literal["when"] = "when"
    condition: Expr
    span: Span = NO_SPAN


Enter = Annotated[Union[EnterOn, EnterWhen], Field(discriminator="kind")]  # noqa: UP007


class Sequence(Node):
    name: str
    audience: Expr | None = None
    enter: Enter | None = None
    exit: Expr | None = None
    holdout: float = 0.0
    reenter_after: Duration | None = None
    limit: Limit | None = None
    steps: tuple[Step, ...] = ()
    span: Span = NO_SPAN


class HandoffSend(Node):
    content: str
    within: Duration
    span: Span = NO_SPAN
    content_span: Span = NO_SPAN


class Handoff(Node):
    condition: Expr
    sends: tuple[HandoffSend, ...] = ()
    span: Span = NO_SPAN


class Program(Node):
    """One checked `.nurture` file."""

    path: str = "<rules>"
    campaign: str = ""
    stages: tuple[StageDecl, ...] = ()
    lead: tuple[AttributeDecl, ...] = ()
    events: tuple[EventDecl, ...] = ()
    contents: tuple[ContentDecl, ...] = ()
    segments: tuple[Segment, ...] = ()
    scores: tuple[ScoreBlock, ...] = ()
    stage_rules: tuple[StageRule, ...] = ()
    mql: Lifecycle | None = None
    sql: Lifecycle | None = None
    policy: Policy | None = None
    sequences: tuple[Sequence, ...] = ()
    handoffs: tuple[Handoff, ...] = ()
    params: tuple[Param, ...] = ()
    span: Span = NO_SPAN

    def stage_index(self, name: str) -> int:
        return [s.name for s in self.stages].index(name)

    def content(self, name: str) -> ContentDecl:
        return next(c for c in self.contents if c.name == name)

    def step_count(self) -> int:
        return sum(_count_steps(s.steps) for s in self.sequences)


def _count_steps(steps: tuple[Step, ...]) -> int:
    total = 0
    for step in steps:
        total += 1
        if isinstance(step, If):
            total += _count_steps(step.then) + _count_steps(step.otherwise)
        elif isinstance(step, Split):
            total += _count_steps(tuple(arm.step for arm in step.arms))
    return total


# Built-in events and their properties (DSL.md "Events").
BUILTIN_EVENTS: dict[str, dict[str, str]] = {
    "created": {},
    "signed_up": {},
    "delivered": {"content": "text", "channel": "text"},
    "opened": {"content": "text", "channel": "text"},
    "clicked": {"content": "text", "channel": "text"},
    "replied": {"content": "text", "channel": "text"},
    "bounced": {"content": "text", "channel": "text"},
    "unsubscribed": {"channel": "text"},
    "visited": {"page": "text"},
    "submitted": {"form": "text"},
    "demo_requested": {},
    "converted": {"value": "number"},
}

# Event types that are not of the lead's own doing (DSL.md `days_since(last_engagement)`).
NON_ENGAGEMENT_EVENTS = frozenset({"created", "delivered", "bounced", "unsubscribed"})

LIFECYCLE_FLAGS: tuple[str, ...] = ("mql", "sql", "customer", "unsubscribed", "sunset")
