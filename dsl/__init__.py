"""The nurture rule language: parse, check and format `.nurture` files.

`compile_source` / `load_program` return a checked `Program` or raise `DiagnosticError` with every
mistake of the file; `check_source` returns both the program (or None) and the diagnostics.

`NurtureError` is the base of every user's mistake in every package, `InternalError` of nurture's
own failures (dsl/errors.py); the diagnostic codes are registered in dsl/codes.py.
"""

from __future__ import annotations

from pathlib import Path

from dsl.diagnostics import Diagnostic, DiagnosticError
from dsl.errors import InternalError, NurtureError
from dsl.fastnode import new
from dsl.ir import Program, Span
from dsl.params import ParamError
from dsl.rules import Rules, Settings

__all__ = [
    "Diagnostic",
    "DiagnosticError",
    "InternalError",
    "NurtureError",
    "ParamError",
    "Program",
    "Rules",
    "check_source",
    "compile_source",
    "load_program",
    "read_source",
]


def check_source(
    text: str, file: str = "<rules>", params: Settings | None = None
) -> tuple[Program | None, list[Diagnostic]]:
    """Parse and check; all diagnostics sorted by position; the program when there is no error.
    `params` override the file's params by name (`{"mql_at": "60"}`; a ParamError when one does
    not fit); to try many values, parse once with `Rules` and check it with each."""
    return Rules(text, file).check(params)


def _check(text: str, file: str = "<rules>") -> tuple[Program | None, list[Diagnostic]]:
    """`check_source` with Python's cycle collector left as it is (bench/bench_parse.py)."""
    return Rules(text, file, pause_collector=False).check()


def too_deep(text: str, file: str) -> Diagnostic:
    import re

    from dsl import codes

    lines = text.split("\n")
    weights = [len(re.findall(r"\b(?:and|or|not)\b|[-+*/(\[]", line)) for line in lines]
    line = weights.index(max(weights)) + 1 if lines else 1
    span = new(Span, line=line, column=1, end_line=line, end_column=2)
    return Diagnostic(
        codes.TOO_DEEP,
        "this condition is nested too deeply to read",
        span,
        "split it into several segments",
        file=file,
    )


def compile_source(text: str, file: str = "<rules>", params: Settings | None = None) -> Program:
    program, diagnostics = check_source(text, file, params)
    if program is None:
        raise DiagnosticError(diagnostics)
    return program


def read_source(path: str | Path) -> str:
    """The text of a rule file, or a DiagnosticError that says why it cannot be read."""
    from dsl import codes

    p = Path(path)
    here = new(Span, line=0, column=0, end_line=0, end_column=0)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise DiagnosticError(
            [Diagnostic(codes.IO, "no such file", here, file=str(path))]
        ) from None
    except IsADirectoryError:
        raise DiagnosticError(
            [Diagnostic(codes.IO, "this is a folder, not a rule file", here, file=str(path))]
        ) from None
    except OSError as err:
        raise DiagnosticError(
            [Diagnostic(codes.IO, f"cannot read: {err.strerror}", here, file=str(path))]
        ) from None
    if b"\x00" in data:
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.IO,
                    "this is not a text file",
                    here,
                    "a rule file is plain text, like rules/b2b_saas_trial.nurture",
                    file=str(path),
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        span = new(Span, line=line, column=col, end_line=line, end_column=col + 1)
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.IO,
                    "this file is not UTF-8 text",
                    span,
                    "save it with the UTF-8 encoding",
                    file=str(path),
                )
            ]
        ) from None


def load_program(path: str | Path, params: Settings | None = None) -> Program:
    return compile_source(read_source(path), str(path), params)
