"""Allowances: `# nurture: allow CODE  reason` silences the warning CODE on that line.

The comment goes at the end of the line the warning points at, or alone on the line just above it.
Several codes may share one reason: `# nurture: allow no-handoff, one-channel  reason`. The reason
is required: an allowance is a decision someone must be able to read later. An allowance is itself
checked: one without a reason, one that names no known code, and one that silences nothing are
each a warning (which no allowance silences).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dsl import codes
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.format import find_comments
from dsl.ir import Span
from dsl.lines import code_of

_ALLOW = re.compile(r"#\s*nurture\s*:\s*allow\b(?P<rest>.*)$", re.IGNORECASE)
_CODES = re.compile(r"\s*(?P<codes>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)(?P<reason>.*)$")
EXAMPLE = "# nurture: allow too-aggressive  the limit postpones the fourth touch on purpose"


@dataclass(frozen=True)
class Allowance:
    line: int  # where the comment is
    column: int
    target: int  # the line it allows warnings on
    codes: tuple[str, ...]
    reason: str


def allowances(source: str) -> list[Allowance]:
    """Every allowance comment of the file, with the line it applies to."""
    lines = source.split("\n")
    found = []
    for line, text, alone in find_comments(source):
        m = _ALLOW.match(text)
        if m is None:
            continue
        column = lines[line - 1].rfind(text) + 1
        target = _next_code_line(lines, line) if alone else line
        parsed = _CODES.match(m.group("rest"))
        codes = tuple(c.strip() for c in parsed.group("codes").split(",")) if parsed else ()
        reason = parsed.group("reason").strip() if parsed else ""
        found.append(Allowance(line, column, target, codes, reason))
    return found


def _next_code_line(lines: list[str], line: int) -> int:
    for number in range(line + 1, len(lines) + 1):
        if code_of(lines[number - 1]).strip():
            return number
    return line


def apply(
    warnings: list[Diagnostic], source: str, file: str, known: dict[str, str]
) -> list[Diagnostic]:
    """The warnings no allowance silences, and the warnings about the allowances themselves."""
    given = allowances(source)
    silenced = {(a.target, code) for a in given for code in a.codes}
    kept = [w for w in warnings if (w.span.line, w.code) not in silenced]
    present = {(w.span.line, w.code) for w in warnings}
    for allow in given:
        kept.extend(_check(allow, present, file, known))
    return kept


def _check(
    allow: Allowance, present: set[tuple[int, str]], file: str, known: dict[str, str]
) -> list[Diagnostic]:
    span = Span(
        line=allow.line, column=allow.column, end_line=allow.line, end_column=allow.column + 1
    )

    def warn(code: str, message: str, hint: str | None) -> Diagnostic:
        return Diagnostic(code, message, span, hint, severity="warning", file=file)

    out = []
    if not allow.codes:
        out.append(warn(codes.ALLOW_UNKNOWN_CODE, "this allowance names no lint code", EXAMPLE))
    for code in allow.codes:
        if code not in known:
            hint = did_you_mean(code, known) or "docs/LINT.md lists the codes"
            out.append(warn(codes.ALLOW_UNKNOWN_CODE, f"'{code}' is not a lint code", hint))
        elif (allow.target, code) not in present:
            out.append(
                warn(
                    codes.ALLOW_UNUSED,
                    f"nothing to allow: no '{code}' warning on line {allow.target}",
                    "remove the allowance, or move it to the line the warning points at",
                )
            )
    if allow.codes and not allow.reason:
        out.append(
            warn(
                codes.ALLOW_WITHOUT_REASON,
                "this allowance gives no reason",
                "say why after the code, e.g. " + EXAMPLE,
            )
        )
    return out
