"""A rule file as the TUI holds it: its text, its checked program (or None) and its diagnostics.

Loading never raises for the user's mistakes: a file that cannot be read, does not parse or does
not check comes back with its diagnostics and no program, so the rules screen can show them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl import Diagnostic, Program


@dataclass(frozen=True)
class RuleFile:
    path: str
    source: str
    program: Program | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    mtime: float | None = None  # of the file when it was read (None: could not be read)
    checking: bool = False  # read, not checked yet (the app checks in a worker)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.program is not None

    def summary(self) -> str:
        """`3 errors, 1 warning` or `ok`: what the title bar says of the file."""
        if self.checking:
            return "checking…"
        e, w = len(self.errors), len(self.warnings)
        if not e and not w:
            return "ok"
        parts = [f"{e} error{'s' if e != 1 else ''}"] if e else []
        parts += [f"{w} warning{'s' if w != 1 else ''}"] if w else []
        return ", ".join(parts)


def mtime_of(path: str) -> float | None:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def load_rule_file(path: str, values: Mapping[str, str] | None = None) -> RuleFile:
    """Read, check and (when it checks) lint `path`; every mistake becomes a diagnostic.
    `values`: the `--set` values of its params (`nurture tui --set`); one that no longer fits
    the file as edited is a diagnostic on its first line."""
    from dsl import DiagnosticError, ParamError, Rules, read_source
    from dsl.diagnostics import Diagnostic
    from dsl.ir import Span
    from dsl.lint import lint

    stamp = mtime_of(path)
    try:
        source = read_source(path)
        program, diagnostics = Rules(source, path).check(dict(values or {}))
    except DiagnosticError as err:
        return RuleFile(path, "", None, list(err.diagnostics), stamp)
    except ParamError as err:
        where = Span(line=1, column=1, end_line=1, end_column=2)
        found = Diagnostic("param-range", err.message, where, err.hint, file=path)
        return RuleFile(path, source, None, [found], stamp)
    if program is not None:
        diagnostics = sorted(diagnostics + lint(program), key=lambda d: d.sort_key())
    return RuleFile(path, source, program, diagnostics, stamp)


def unchecked_rule_file(path: str) -> RuleFile:
    """The file's text only, at once (the first screen shows it while the check runs)."""
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            source = f.read()
    except OSError:
        source = ""
    return RuleFile(path, source, None, [], None, checking=True)
