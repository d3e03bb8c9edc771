"""A rule file read once, and checked with its own param values or with values set from outside.

`Rules(text, file)` parses (the costly part, once); `rules.check(settings)` binds the params
(`dsl.params.bind`) and checks, so trying other values never re-parses: a sweep reads a file once
and checks it once per point. The same settings give the same `Program` object again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

from dsl.collector import collector_paused
from dsl.diagnostics import Diagnostic, DiagnosticError
from dsl.ir import Param, Program

Settings = Mapping[str, str]  # param name -> value as written, e.g. {"mql_at": "60"}


class Rules:
    """The parse of one rule file: its items, its syntax mistakes, its declared params."""

    def __init__(self, text: str, file: str = "<rules>", pause_collector: bool = True) -> None:
        """`pause_collector`: pause Python's cycle collector while parsing and checking, a tenth
        of the time on large files (dsl/collector.py); False for bench/bench_parse.py."""
        from dsl.parser import normalise, parse_items

        self.file = file
        self.text = normalise(text)
        self._pause = collector_paused if pause_collector else contextlib.nullcontext
        with self._pause():
            self.parsed, self.items, self.build_errors = parse_items(self.text, file)
        self._checked: dict[tuple[tuple[str, str], ...], tuple[Program | None, list]] = {}

    @property
    def params(self) -> list[Param]:
        """The params as the file declares them (the first declaration of each name)."""
        seen: dict[str, Param] = {}
        for item in self.items:
            if isinstance(item, Param):
                seen.setdefault(item.name, item)
        return list(seen.values())

    def check(self, settings: Settings | None = None) -> tuple[Program | None, list[Diagnostic]]:
        """The checked program (None on any error) and every diagnostic, sorted by position;
        `settings` override the file's params (a `ParamError` when one does not fit)."""
        key = tuple(sorted((settings or {}).items()))
        found = self._checked.get(key)
        if found is None:
            with self._pause():
                found = self._checked[key] = self._check(settings)
        return found[0], list(found[1])

    def program(self, settings: Settings | None = None) -> Program:
        """The checked program, or DiagnosticError with every mistake of the file."""
        program, diagnostics = self.check(settings)
        if program is None:
            raise DiagnosticError(diagnostics)
        return program

    def _check(self, settings: Settings | None) -> tuple[Program | None, list[Diagnostic]]:
        from dsl.checker import Checker
        from dsl.follow_on import is_follow_on
        from dsl.params import apply_settings, bind

        parsed, file = self.parsed, self.file
        diagnostics = list(parsed.diagnostics)
        if parsed.tree is None:
            return None, sorted(diagnostics, key=Diagnostic.sort_key)
        items, semantic = self.items, list(self.build_errors)
        if parsed.has_params:
            items, found = bind(items, settings, file)
            semantic += found
        elif settings:
            apply_settings([], settings, file)  # names no param: a ParamError
        checker = Checker(file)
        try:
            program = checker.check(items, file)
        except RecursionError:  # a safety net: the builder bounds nesting (dsl/limits.py)
            from dsl import too_deep

            return None, sorted([*diagnostics, too_deep(self.text, file)], key=Diagnostic.sort_key)
        semantic += checker.diagnostics
        if parsed.modified:  # drop what only follows from the lines recovery blanked
            lines = self.text.split("\n")
            semantic = [d for d in semantic if not is_follow_on(d, lines, parsed.modified)]
        diagnostics += semantic
        diagnostics.sort(key=Diagnostic.sort_key)
        if any(d.severity == "error" for d in diagnostics):
            return None, diagnostics
        return program, diagnostics
