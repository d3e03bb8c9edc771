"""`nurture fmt FILE... [--check]`: rewrite rule files in the canonical layout, comments kept."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli import exitcodes


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "fmt",
        help="rewrite rule files in the canonical layout",
        description="Rewrite rule files in the canonical layout. fmt reads a file as written: "
        "params keep the values the file gives them (there is no --set).",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument(
        "--check",
        action="store_true",
        help="change nothing; list the files that would change and exit 1 if any",
    )


def run(args: argparse.Namespace) -> int:
    from dsl import DiagnosticError, read_source
    from dsl.diagnostics import render_all
    from dsl.format import format_source

    failed = changed = False
    for path in args.files:
        source = ""
        try:
            source = read_source(path)
            formatted = format_source(source, path)
        except DiagnosticError as err:
            print(render_all(err.diagnostics, source), file=sys.stderr)
            print(f"{path}: not formatted: fix the errors first", file=sys.stderr)
            failed = True
            continue
        if formatted == source:
            continue
        changed = True
        if args.check:
            print(f"would reformat {path}")
        else:
            Path(path).write_text(formatted, encoding="utf-8")
            print(f"reformatted {path}")
    if failed:
        return exitcodes.USER_ERROR
    return exitcodes.USER_ERROR if (args.check and changed) else exitcodes.OK
