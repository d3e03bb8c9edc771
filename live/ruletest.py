"""Rule tests (`nurture test`): each case is the engine itself run on one hand-made lead and its
events, its standing and actions compared with what the test expects at given moments.

The walk is the live runner's: the lead is added at the case's start; events in time order, every
timer due before an event run first; at an expected moment, the events and then the timers due up
to it. The actions an expectation lists are those since the previous expected moment (the first
one: since the start). A case stops at its first moment that fails (later ones would only repeat
it); the failure keeps the lead's explain trail over that window.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeGuard

from dsl.errors import InternalError
from dsl.params import params_in_force
from engine import Engine, Event, Lead, TraceEntry
from live.ruletest_compare import compare
from live.ruletest_format import read_test_file
from live.ruletest_load import RuleCache, load_rules, parse_rules
from live.ruletest_params import check_set

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from engine import Action
    from live.ruletest_spec import Case, Expectation, TestFile
    from live.tomlspan import Place

TRAIL_MOST = 30  # trail lines shown with a failure (the latest ones of its window)


@dataclass
class Failure:
    what: str
    expected: list[str]
    actual: list[str]
    place: Place


@dataclass
class CaseResult:
    name: str
    place: Place
    start: float
    tz: ZoneInfo | None
    lead: str
    failures: list[Failure] = field(default_factory=list)
    at: float | None = None  # the moment that failed
    written: str = ""  # that moment as the test wrote it
    window: tuple[float, float] | None = None
    trail: list[TraceEntry] = field(default_factory=list)
    hidden: int = 0  # earlier trail lines of the window, not shown
    params: list[str] = field(default_factory=list)  # values other than the rule files' own

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class FileResult:
    test: TestFile
    cases: list[CaseResult]


@dataclass
class Outcome:
    files: list[FileResult]
    missing: list[str]  # paths given that do not exist

    @property
    def passed(self) -> int:
        return sum(c.passed for f in self.files for c in f.cases)

    @property
    def total(self) -> int:
        return sum(len(f.cases) for f in self.files)

    @property
    def ok(self) -> bool:
        clean = all(not f.test.errors for f in self.files)
        return clean and not self.missing and self.passed == self.total


def find_test_files(paths: list[str]) -> tuple[list[str], list[str]]:
    """(test files, paths that do not exist): a folder gives every `*.test.toml` below it
    (hidden folders, such as `.venv` or `.git`, skipped)."""
    found: list[str] = []
    missing: list[str] = []
    for given in paths or ["."]:
        if os.path.isdir(given):
            below = []
            for folder, dirs, files in os.walk(given):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
                below += [os.path.normpath(os.path.join(folder, f)) for f in files]
            found.extend(sorted(f for f in below if f.endswith(".test.toml")))
        elif os.path.exists(given):
            found.append(given)
        else:
            missing.append(given)
    return list(dict.fromkeys(found)), missing


def run_tests(
    paths: list[str], pattern: str | None = None, settings: Mapping[str, str] | None = None
) -> Outcome:
    """Every case of every test file (those whose name matches `pattern`, when given);
    `settings` (`--set`) set params for the cases that do not set them (live/ruletest_params.py:
    a `ParamError`, before any case runs, for one that no rule file declares or that does not
    fit one)."""
    files, missing = find_test_files(paths)
    cache: RuleCache = {}
    tests = [read_test_file(path) for path in files]
    if settings:
        for test in tests:
            parse_rules(test, cache)
        check_set([r for r in cache.values() if not isinstance(r, tuple)], settings)
    results = []
    for test in tests:
        load_rules(test, cache, settings)  # names too, so that every mistake is reported at once
        chosen = [c for c in test.cases if selected(c.name, pattern)]
        if test.errors:
            results.append(FileResult(test, []))
            continue
        results.append(FileResult(test, [run_case(case) for case in chosen]))
    return Outcome(results, missing)


def selected(name: str, pattern: str | None) -> bool:
    """`-k`: a case whose name holds PATTERN (any case), or matches it as a glob."""
    if not pattern:
        return True
    lowered, wanted = name.lower(), pattern.lower()
    return wanted in lowered or fnmatch.fnmatchcase(lowered, wanted)


def run_case(case: Case) -> CaseResult:
    """The case run on the engine. An exception from here is a bug of nurture (the test file
    and its rule files were checked first): it goes to the command line's bug report."""
    result = CaseResult(case.name, case.place, case.start, case.tz, case.lead_id)
    result.params = list(
        dict.fromkeys(
            str(p) for program in case.programs for p in params_in_force(program) if p.changed
        )
    )
    _walk(case, result)
    return result


def _walk(case: Case, result: CaseResult) -> None:
    engine = Engine(case.programs, seed=case.seed, trace=True)
    attrs = {k: float(v) if _is_number(v) else v for k, v in case.attrs.items()}
    if case.tz_name is not None:
        attrs["timezone"] = case.tz_name
    actions: list[Action] = list(engine.add_lead(Lead(case.lead_id, case.start, attrs), case.start))
    events = list(case.events)
    seen, since = 0, case.start - 1.0  # the first window holds the start
    for expect in case.expects:
        while events and events[0].at <= expect.at:
            spec = events.pop(0)
            _advance(engine, spec.at, inclusive=False, out=actions)
            event = Event(
                f"e{len(case.events) - len(events)}",
                case.lead_id,
                spec.type,
                spec.at,
                _props(spec.props),
            )
            actions.extend(engine.ingest(event, spec.at))
        _advance(engine, expect.at, inclusive=True, out=actions)
        window = actions[seen:]
        seen = len(actions)
        failures = sorted(_check(case, engine, expect, window), key=lambda f: f.place.line)
        if failures:
            result.failures = failures
            result.at, result.written = expect.at, expect.written
            result.window = (since, expect.at)
            _trail(engine, case, since, expect.at, result)
            return
        since = expect.at


def _check(case: Case, engine: Engine, expect: Expectation, window: list[Action]) -> list[Failure]:
    view = engine.view(case.lead_id, expect.at, program=expect.program)
    failures = []
    for check in expect.checks:
        shown = compare(check, view, window, case.start, case.tz, case.rules[expect.program])
        if shown is not None:
            failures.append(Failure(check.what, shown[0], shown[1], check.place))
    return failures


def _trail(engine: Engine, case: Case, since: float, at: float, result: CaseResult) -> None:
    """The lead's trail over the failing window (the moment before it, when the window is empty)."""
    entries = engine.explain(case.lead_id).entries
    inside = [e for e in entries if since < e.at <= at] or [e for e in entries if e.at <= at][-5:]
    result.hidden = max(0, len(inside) - TRAIL_MOST)
    result.trail = inside[-TRAIL_MOST:]


def _advance(engine: Engine, until: float, inclusive: bool, out: list[Action]) -> None:
    while True:
        due = engine.next_due()
        if due is None or due > until or (due == until and not inclusive):
            return
        out.extend(engine.advance(due))
        after = engine.next_due()
        if after is not None and after <= due:
            raise InternalError(f"the engine did not move past its timer at {due}")


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _props(props: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in props.items():
        if _is_number(value):
            out[key] = float(value)
        elif key == "channel" and isinstance(value, str):
            out[key] = value.strip().lower()
        else:
            out[key] = value
    return out
