"""A rule test's names checked against its rule files: attributes, event types and properties,
contents, channels, stages, score blocks, segments, sequences, action kinds and reasons, each
unknown one named where it is written, with the nearest known name. The rule files are loaded
by `live.ruletest_load`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, cast

from dsl import codes
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.ir import BUILTIN_EVENTS, CHANNELS, Span
from engine import ACTION_KINDS
from live.ruletest_spec import ActionSpec, Case, Check, TestFile

if TYPE_CHECKING:
    from dsl.ir import Program
    from live.tomlspan import Place

REASONS: tuple[str, ...] = (
    "holdout",
    "unsubscribed",
    "bounced",
    "exit",
    "sunset",
    "exit when",
    "completed",
)
REASONS += ("rules changed",)


def add_mistake(test: TestFile, place: Place, message: str, hint: str | None = None) -> None:
    span = Span(
        line=place.line,
        column=place.column,
        end_line=place.end_line,
        end_column=place.end_column,
    )
    diag = Diagnostic(codes.TEST_NAME, message, span, hint, file=test.path)
    if diag not in test.diagnostics:
        test.diagnostics.append(diag)


def check_names(test: TestFile, case: Case) -> None:
    """Every name the case writes, against its rule files (`case.programs`, loaded)."""
    _Names(test, case).check()


class _Names:
    def __init__(self, test: TestFile, case: Case) -> None:
        self.test = test
        self.case = case
        programs: list[Program] = case.programs
        self.programs = programs
        self.attrs: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.events: dict[str, dict[str, str]] = {k: dict(v) for k, v in BUILTIN_EVENTS.items()}
        for program in programs:
            for decl in program.lead:
                self.attrs.setdefault(decl.name, (decl.type, tuple(decl.options)))
            for event in program.events:
                self.events.setdefault(event.name, {}).update({p.name: p.type for p in event.props})
        self.contents = {c.name: c.channel for p in programs for c in p.contents}
        self.sequences = [s.name for p in programs for s in p.sequences]

    def mistake(
        self, path: tuple, message: str, hint: str | None = None, key: bool = False
    ) -> None:
        places = self.test.places
        assert places is not None
        add_mistake(self.test, places.key(path) if key else places.of(path), message, hint)

    def name(
        self,
        path: tuple,
        kind: str,
        value: str,
        known: list[str] | tuple[str, ...],
        key: bool = False,
    ) -> bool:
        """True when `value` is a known name; else the mistake is recorded (at the key that
        names it when `key`, else at the value)."""
        if value in known:
            return True
        hint = did_you_mean(value, known) or (
            f"the {kind}s are: " + ", ".join(known) if known else f"there is no {kind}"
        )
        self.mistake(path, f"unknown {kind} '{value}'", hint, key=key)
        return False

    def check(self) -> None:
        for name, path in self.case.attr_paths.items():
            self.attribute(name, self.case.attrs[name], path)
        for event in self.case.events:
            self.event(event.type, event.props, event.path)
        for expect in self.case.expects:
            expect.program = self.program_index(expect.file, expect.place)
            program = self.programs[expect.program]
            for check in expect.checks:
                self.expectation(check, program)

    def attribute(self, name: str, value: object, path: tuple) -> None:
        if name == "timezone":
            self.mistake(
                path,
                "the lead's time zone is the case's 'timezone'",
                key=True,
                hint=f'write timezone = "{value}" in the case (or at the top of the file)',
            )
            return
        if name not in self.attrs:
            self.name(path, "attribute", name, sorted(self.attrs), key=True)
            return
        kind, options = self.attrs[name]
        if kind == "number" and not isinstance(value, (int, float)):
            self.mistake(path, f"attribute '{name}' is a number, not {value!r}")
        elif kind == "text" and not isinstance(value, str):
            self.mistake(path, f"attribute '{name}' is a text: write it in quotes")
        elif kind == "one_of":
            lowered = {o.strip().lower(): o for o in options}
            if not isinstance(value, str) or value.strip().lower() not in lowered:
                hint = did_you_mean(str(value), options) or "one of " + ", ".join(
                    repr(o) for o in options
                )
                self.mistake(path, f"attribute '{name}' cannot be {value!r}", hint)
            else:
                self.case.attrs[name] = lowered[value.strip().lower()]

    def event(self, typ: str, props: dict[str, object], path: tuple) -> None:
        if not self.name(path + ("type",), "event type", typ, sorted(self.events)):
            return
        declared = self.events[typ]
        for key, value in props.items():
            where = path + (key,)
            if key not in declared:
                hint = did_you_mean(key, declared) or (
                    f"'{typ}' has the properties " + ", ".join(declared)
                    if declared
                    else f"'{typ}' has no properties"
                )
                self.mistake(where, f"unknown property '{key}' of '{typ}'", hint, key=True)
            elif declared[key] == "number" and (
                isinstance(value, bool) or not isinstance(value, (int, float))
            ):
                self.mistake(where, f"property '{key}' of '{typ}' is a number, not {value!r}")
            elif declared[key] == "text" and not isinstance(value, str):
                self.mistake(where, f"property '{key}' of '{typ}' is a text: write it in quotes")
            elif key == "channel":
                self.name(where, "channel", str(value).strip().lower(), CHANNELS)
            elif key == "content":
                self.name(where, "content", str(value).strip(), list(self.contents))

    def program_index(self, file: str | None, place: Place) -> int:
        """Which of the case's rule files `file` names (written relative to the test file)."""
        if file is None:
            return 0
        wanted = os.path.normpath(os.path.join(os.path.dirname(self.test.path), file))
        if wanted in self.case.rules:
            return self.case.rules.index(wanted)
        hint = "the case runs " + ", ".join(self.case.rules)
        add_mistake(self.test, place, f"'{file}' is not one of this case's rule files", hint)
        return 0

    def expectation(self, check: Check, program: Program) -> None:
        what = check.what
        if what.startswith("scores."):
            blocks = [b.name for b in program.scores]
            self.name(check.path, "score block", what.removeprefix("scores."), blocks, key=True)
        elif what == "stage":
            self.name(check.path, "stage", str(check.expected), [s.name for s in program.stages])
        elif what.startswith("segments"):
            known = [s.name for s in program.segments]
            for i, seg in enumerate(cast("list[str]", check.expected)):  # names, as read
                self.name(check.path + (i,), "segment", seg, known)
        elif isinstance(check.expected, list) and what in (
            "sends",
            "tasks",
            "suppressed",
            "actions",
        ):
            for spec in check.expected:
                self.action(spec)

    def action(self, spec: ActionSpec) -> None:
        f = spec.fields
        checks = (
            ("action", "action", ACTION_KINDS),
            ("content", "content", list(self.contents)),
            ("channel", "channel", CHANNELS),
            ("sequence", "sequence", self.sequences),
            ("reason", "reason", REASONS),
        )
        for key, kind, known in checks:
            if key in f and not (key == "action" and spec.path[-2] != "actions"):
                self.name(spec.path + (key,), kind, str(f[key]), list(known))
        if "file" in f:
            f["file"] = self.case.rules[self.program_index(str(f["file"]), spec.place)]
        content = f.get("content")
        if spec.path[-2] == "sends" and self.contents.get(str(content)) == "task":
            self.mistake(
                spec.path + ("content",),
                f"'{content}' is a sales task, not a send",
                "expect it under 'tasks'",
            )
