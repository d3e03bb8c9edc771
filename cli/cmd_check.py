"""`nurture check FILE... [--json | --emit-python]`: parse and check; a summary per clean file,
every error otherwise. `--emit-python` prints, for each clean file, the Python the engine
generates from it (in place of the summary): what runs, with each rule's file:line above its
code, as a traceback from inside it would show it."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli import exitcodes
from cli.argtypes import add_set_option


def add_parser(sub: Any) -> None:
    p = sub.add_parser("check", help="parse and check rule files")
    p.add_argument("files", nargs="+", metavar="FILE")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="diagnostics as JSON on stdout")
    out.add_argument(
        "--emit-python",
        action="store_true",
        help="print the Python generated from each clean file (in place of its summary)",
    )
    add_set_option(p)


def summary(program: Any) -> str:
    counts = ", ".join(
        _plural(n, word)
        for n, word in (
            (len(program.stages), "stage"),
            (len(program.segments), "segment"),
            (len(program.scores), "score"),
            (len(program.sequences), "sequence"),
            (program.step_count(), "step"),
        )
    )
    if program.params:
        counts += ", " + _plural(len(program.params), "param")
        changed = [p for p in program.params if p.set]
        if changed:
            counts += " (set: " + ", ".join(f"{p.name} = {_value(p)}" for p in changed) + ")"
    return f'{program.path}: ok — campaign "{program.campaign}": {counts}'


def _value(param: Any) -> str:
    from dsl.params import text

    return text(param.value, param.type)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    from cli.loading import settings_by_file
    from dsl import DiagnosticError, Rules, read_source
    from dsl.diagnostics import render_all

    failed = False
    emitted = False  # some source printed (the next one comes after a blank line)
    report: list[dict[str, object]] = []
    files: list[tuple[str, str, Rules | None, list[Any]]] = []
    for path in args.files:
        try:
            source = read_source(path)
        except DiagnosticError as err:
            files.append((path, "", None, err.diagnostics))
        else:
            files.append((path, source, Rules(source, path), []))
    own = iter(settings_by_file([f[2] for f in files if f[2] is not None], args.settings))
    for path, source, rules, diags in files:
        program = None
        if rules is not None:
            program, diags = rules.check(next(own))
        errors = [d for d in diags if d.severity == "error"]
        failed = failed or bool(errors)
        if args.json:
            report.append(
                {"file": path, "ok": not errors, "diagnostics": [d.to_dict() for d in diags]}
            )
            continue
        if diags:
            print(render_all(diags, source), file=sys.stderr)
        if errors:
            count = len(errors)
            print(f"{path}: {count} error{'s' if count != 1 else ''}", file=sys.stderr)
        elif program is not None and args.emit_python:
            _emit(program, first=not emitted)
            emitted = True
        elif program is not None:
            print(summary(program))
    if args.json:
        print(json.dumps(report, indent=2))
    return exitcodes.USER_ERROR if failed else exitcodes.OK


def _emit(program: Any, first: bool) -> None:
    """Prints the program's generated Python (after a blank line unless it is the first); a
    failure to make it is a bug, reported by cli/main.py."""
    from engine import Engine

    source = Engine([program], trace=False).generated_source()
    if not first:
        print()
    print(source, end="")
