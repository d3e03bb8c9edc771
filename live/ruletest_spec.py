"""What a rule test file says, once read: cases, events and expectations, each with its place.

`live.ruletest_format` builds these from the TOML text; `live.ruletest_names` checks their names
against the rule files; `live.ruletest` runs them on the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from dsl.diagnostics import Diagnostic
    from dsl.ir import Program
    from live.tomlspan import Place, Spans

FLAGS = ("mql", "sql", "customer", "unsubscribed", "sunset")
ACTION_KEYS = ("action", "content", "channel", "sequence", "step", "arm", "reason", "at", "due")
ACTION_LISTS = {"sends": "send", "tasks": "task", "suppressed": "suppressed", "actions": None}
EXACT = 1e-9  # "exact" scores: equal up to floating-point rounding


@dataclass(frozen=True)
class Approx:
    """An expected number: `value`, within `within` either way."""

    value: float
    within: float = EXACT

    def holds(self, actual: float) -> bool:
        return abs(actual - self.value) <= self.within + EXACT

    def __str__(self) -> str:
        shown = f"{self.value:g}"
        return shown if self.within <= EXACT else f"{shown} ± {self.within:g}"


@dataclass(frozen=True)
class EventSpec:
    at: float
    type: str
    props: dict[str, object]
    place: Place
    path: tuple[str | int, ...]


@dataclass(frozen=True)
class ActionSpec:
    """One expected action: only the fields written are compared (times resolved)."""

    fields: dict[str, object]
    written: dict[str, str]  # field -> how the test file wrote it (for times)
    place: Place
    path: tuple[str | int, ...]


@dataclass(frozen=True)
class Check:
    """One expectation at a moment: `what` is `score`, `scores.fit`, `stage`, `mql`,
    `segments`, `segments_include`, `segments_exclude`, `sends`, `tasks`, `suppressed` or
    `actions`; `expected` an Approx, text, bool, list of names or list of ActionSpec."""

    what: str
    expected: object
    place: Place
    path: tuple[str | int, ...]


@dataclass
class Expectation:
    at: float
    written: str  # the time as written
    checks: list[Check]
    place: Place
    file: str | None = None  # which rule file's standing (several rule files), as written
    program: int = 0  # that file's place among the case's rule files


@dataclass
class Case:
    name: str
    place: Place
    index: int
    rules: list[str]  # paths, as the rule files are loaded
    rules_place: Place
    seed: int
    tz_name: str | None
    tz: ZoneInfo | None
    start: float
    lead_id: str
    attrs: dict[str, object]
    attr_paths: dict[str, tuple[str | int, ...]]
    events: list[EventSpec]
    expects: list[Expectation]
    now: float
    programs: list[Program] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)  # name -> value, as in a rule file
    param_paths: dict[str, tuple[str | int, ...]] = field(default_factory=dict)


@dataclass
class TestFile:
    path: str
    source: str
    cases: list[Case]
    diagnostics: list[Diagnostic]
    places: Spans | None = None
    rule_errors: dict[str, tuple[str, list[Diagnostic]]] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]
