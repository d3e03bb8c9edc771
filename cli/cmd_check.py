"""`nurture check FILE...`: parse and check; a summary per clean file, every error otherwise."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from cli import exitcodes


def add_parser(sub: Any) -> None:
    p = sub.add_parser("check", help="parse and check rule files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="diagnostics as JSON on stdout")


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
    return f'{program.path}: ok — campaign "{program.campaign}": {counts}'


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run(args: argparse.Namespace) -> int:
    from dsl import DiagnosticError, check_source, read_source
    from dsl.diagnostics import render_all

    failed = False
    report: list[dict[str, object]] = []
    for path in args.files:
        try:
            source = read_source(path)
        except DiagnosticError as err:
            source, program, diags = "", None, err.diagnostics
        else:
            program, diags = check_source(source, path)
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
        elif program is not None:
            print(summary(program))
    if args.json:
        print(json.dumps(report, indent=2))
    return exitcodes.USER_ERROR if failed else exitcodes.OK
