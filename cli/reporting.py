"""What the command line prints when a command stops on an error: a user's mistake (exit 1) or a
failure of nurture itself (exit 70, reported as a bug with what to send, never as the user's
mistake and never as a bare traceback)."""

from __future__ import annotations

import os
import shlex
import sys
import tempfile
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from cli import version_text
from dsl.errors import NurtureError

if TYPE_CHECKING:
    from dsl.diagnostics import Diagnostic

_HOME = Path(__file__).resolve().parents[1]  # the folder holding the packages


def report_mistake(command: str, err: NurtureError) -> None:
    """The mistake as the error says it (rule-file diagnostics with their lines and carets)."""
    from dsl.diagnostics import DiagnosticError

    if isinstance(err, DiagnosticError):
        from cli.loading import print_errors

        by_file: dict[str, list[Diagnostic]] = {}
        for diag in err.diagnostics:
            by_file.setdefault(diag.file, []).append(diag)
        for path, diagnostics in by_file.items():
            print_errors(path, diagnostics)
        return
    prefix = f"nurture {command}: " if err.prefixed else ""
    print(prefix + err.message, file=sys.stderr)
    if err.hint:
        print(f"  hint: {err.hint}", file=sys.stderr)


def report_bug(command: str, err: BaseException, argv: list[str]) -> None:
    """An internal failure: what failed and where, the full traceback in a file to send
    (with the command line, `argv` without the program name)."""
    frames = traceback.extract_tb(err.__traceback__)
    where = (
        f"{_short(frames[-1].filename)}:{frames[-1].lineno}, in {frames[-1].name}"
        if frames
        else "?"
    )
    lines = [
        f"nurture {command}: internal error: this is a bug in nurture, not a mistake in your input",
        f"  {type(err).__name__}: {err}",
        f"  at {where}",
    ]
    details = "".join(traceback.format_exception(err))
    saved = _save(f"{version_text()}\ncommand: nurture {shlex.join(argv)}\n\n{details}")
    if saved:
        lines.append(f"  the full traceback is in {saved}")
    lines.append(
        f"Please report it to the nurture maintainers ({version_text()}), with the command you ran"
        + (" and that file." if saved else " and the traceback below.")
    )
    print("\n".join(lines), file=sys.stderr)
    if not saved:
        print(details, file=sys.stderr, end="")


def _short(filename: str) -> str:
    try:
        return str(Path(filename).resolve().relative_to(_HOME))
    except ValueError:
        return filename


def _save(text: str) -> str | None:
    """The path of a new file in the temporary folder holding `text`, or None."""
    try:
        fd, path = tempfile.mkstemp(prefix="nurture-bug-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError:
        return None
    return path
