"""Loading rule files for a command: every mistake printed the way `nurture check` prints it."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl.diagnostics import Diagnostic
    from dsl.ir import Program


def print_errors(path: str, diagnostics: list[Diagnostic], source: str | None = None) -> None:
    """The diagnostics with their lines and carets, then `PATH: N errors`, on stderr."""
    from dsl import DiagnosticError, read_source
    from dsl.diagnostics import render_all

    if source is None:
        try:
            source = read_source(path)
        except DiagnosticError:
            source = ""
    print(render_all(diagnostics, source), file=sys.stderr)
    count = sum(1 for d in diagnostics if d.severity == "error")
    print(f"{path}: {count} error{'s' if count != 1 else ''}", file=sys.stderr)


def load_rules(path: str) -> Program | None:
    """The checked program, or None after printing its errors to stderr."""
    from dsl import DiagnosticError, load_program

    try:
        return load_program(path)
    except DiagnosticError as err:
        print_errors(path, err.diagnostics)
        return None


def load_programs(files: list[str]) -> list[Program] | None:
    """Every rule file checked; on any error, all of them printed and None."""
    programs: list[Program] = []
    failed = False
    seen: set[str] = set()
    for path in files:
        key = os.path.normpath(path)
        if key in seen:
            print(f"{path}: given twice", file=sys.stderr)
            failed = True
            continue
        seen.add(key)
        program = load_rules(path)
        if program is None:
            failed = True
        else:
            programs.append(program)
    return None if failed else programs
