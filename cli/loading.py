"""Loading rule files for a command: every mistake printed the way `nurture check` prints it."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl import Rules
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


def load_one(
    path: str, settings: Sequence[tuple[str, str]] = ()
) -> tuple[Rules, dict[str, str], Program] | None:
    """One rule file read (`dsl.Rules`, to be checked again with other values), the `--set`
    values it declares, and its program checked with them; None after printing its errors.
    ParamError when a value does not fit."""
    from dsl import DiagnosticError, Rules, read_source

    try:
        rules = Rules(read_source(path), path)
    except DiagnosticError as err:
        print_errors(path, err.diagnostics, "")
        return None
    (values,) = settings_by_file([rules], settings)
    program, diagnostics = rules.check(values)
    if program is None:
        print_errors(path, diagnostics, rules.text)
        return None
    return rules, values, program


def load_rules(path: str, settings: Sequence[tuple[str, str]] = ()) -> Program | None:
    """The checked program, or None after printing its errors to stderr. `settings` (from
    `--set`) override its params; ParamError when one does not fit."""
    programs = load_programs([path], settings)
    return programs[0] if programs else None


def load_programs(
    files: list[str], settings: Sequence[tuple[str, str]] = (), distinct: bool = True
) -> list[Program] | None:
    """Every rule file checked, each with the `--set` values of the params it declares; on any
    error, all of them printed and None. ParamError for a value that fits no file. `distinct`:
    a file given twice is an error (two runs of one file on one database make no sense)."""
    from dsl import DiagnosticError, Rules, read_source

    parsed: list[tuple[str, Rules]] = []
    failed = False
    seen: set[str] = set()
    for path in files:
        key = os.path.normpath(path)
        if distinct and key in seen:
            print(f"{path}: given twice", file=sys.stderr)
            failed = True
            continue
        seen.add(key)
        try:
            parsed.append((path, Rules(read_source(path), path)))
        except DiagnosticError as err:
            print_errors(path, err.diagnostics, "")
            failed = True
    own = settings_by_file([rules for _, rules in parsed], settings)
    programs: list[Program] = []
    for (path, rules), values in zip(parsed, own, strict=True):
        program, diagnostics = rules.check(values)
        if program is None:
            print_errors(path, diagnostics, rules.text)
            failed = True
        else:
            programs.append(program)
    return None if failed else programs


def settings_by_file(
    parsed: list[Rules], settings: Sequence[tuple[str, str]]
) -> list[dict[str, str]]:
    """For each file, the `--set` values of the params it declares. ParamError for a name given
    twice, or that no file declares (with the nearest name)."""
    from dsl import ParamError
    from dsl.diagnostics import did_you_mean

    wanted = given_once(settings)
    declared = [{p.name for p in rules.params} for rules in parsed]
    everything = sorted(set().union(*declared)) if declared else []
    for name, value in wanted.items():
        if not parsed or any(name in names for names in declared):
            continue
        if len(parsed) == 1:
            message = f"--set {name}={value}: {parsed[0].file} has no param '{name}'"
        else:
            message = f"--set {name}={value}: none of the rule files has a param '{name}'"
        listed = f"the params: {', '.join(everything)}" if everything else "there are no params"
        raise ParamError(message, did_you_mean(name, everything) or listed)
    return [{k: v for k, v in wanted.items() if k in names} for names in declared]


def given_once(settings: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The `--set` values by name; ParamError for a name given twice with different values."""
    from dsl import ParamError

    wanted: dict[str, str] = {}
    for name, value in settings:
        if name in wanted and wanted[name] != value:
            raise ParamError(
                f"--set {name} is given twice ({wanted[name]} and {value})", "give it once"
            )
        wanted[name] = value
    return wanted
