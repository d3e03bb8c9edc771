"""One diagnostic type for syntax and semantic mistakes, and its text and JSON renderings."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from dsl.errors import NurtureError
from dsl.ir import Span

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Diagnostic:
    code: str
    message: str
    span: Span
    hint: str | None = None
    severity: Severity = "error"
    file: str = "<rules>"

    def sort_key(self) -> tuple[int, int, str]:
        return (self.span.line, self.span.column, self.message)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class DiagnosticError(NurtureError):
    """Raised by the front end when a file has errors; carries every diagnostic found (the
    command line prints them with their lines and carets)."""

    prefixed = False

    def __init__(self, diagnostics: list[Diagnostic] | None = None) -> None:
        self.diagnostics = [] if diagnostics is None else diagnostics
        super().__init__("\n".join(f"{d.file}:{d.span}: {d.message}" for d in self.diagnostics))


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The nearest known name, as a hint, or None when nothing is close."""
    pool = sorted(set(candidates))
    lowered = {c.lower(): c for c in pool}
    if name.lower() in lowered and lowered[name.lower()] != name:
        return f"did you mean '{lowered[name.lower()]}'?"
    match = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


SHOWN = 160  # a longer line is shown as a window of it around the place, cut with '…'


def render_text(diag: Diagnostic, source: str) -> str:
    """file:line:col: message, then the line, a caret run under the place, then the hint."""
    return _render(diag, _lines(source))


def _lines(source: str) -> list[str]:
    return source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _render(diag: Diagnostic, lines: list[str]) -> str:
    label = "warning: " if diag.severity == "warning" else ""
    where = f"{diag.file}:{diag.span.line}:{diag.span.column}" if diag.span.line else diag.file
    out = [f"{where}: {label}{diag.message}"]
    if 1 <= diag.span.line <= len(lines) and lines[diag.span.line - 1].strip(" \t"):
        text = _printable(lines[diag.span.line - 1])
        col = max(diag.span.column, 1)
        if diag.span.end_line == diag.span.line and diag.span.end_column > col:
            width = diag.span.end_column - col
        else:
            width = 1
        width = max(1, min(width, max(len(text) - col + 1, 1)))
        if len(text) > SHOWN:
            text, col, width = _window(text, col, width)
        prefix = "".join(ch if ch == "\t" else " " for ch in text[: col - 1])
        out.append(f"{diag.span.line:>5} | {text}")
        out.append(f"{'':>5} | {prefix}{'^' * width}")
    if diag.hint:
        out.append(f"{'':>5} = {diag.hint}")
    return "\n".join(out)


def _window(text: str, col: int, width: int) -> tuple[str, int, int]:
    """A part of a long line around column `col`, with '…' where it was cut."""
    start = max(0, col - 1 - 60)
    end = min(len(text), start + SHOWN - 40)
    shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    new_col = col - start + (1 if start else 0)
    return shown, new_col, max(1, min(width, end - (col - 1)))


def _printable(text: str) -> str:
    """The line as shown: control characters (other than tab) become '?', one for one."""
    return "".join(ch if ch == "\t" or ch.isprintable() else "?" for ch in text)


def render_all(diags: list[Diagnostic], source: str) -> str:
    lines = _lines(source)  # split once: a file may have thousands of warnings
    return "\n".join(_render(d, lines) for d in sorted(diags, key=Diagnostic.sort_key))


def render_json(diags: list[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in sorted(diags, key=Diagnostic.sort_key)], indent=2)
