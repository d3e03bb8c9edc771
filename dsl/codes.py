"""Every diagnostic code nurture prints, declared once with its meaning (as OPA keeps its codes).

A code is the stable name of one kind of mistake: it is in the `--json` output of `check` and
`lint`, so scripts and editors may rely on it, and its spelling never changes. Where a diagnostic is
made, the code is one of the constants below (`codes.UNKNOWN_NAME`), never a bare string.

`docs/CODES.md` is generated from this registry (`python -m dsl.codes > docs/CODES.md`) and a test
checks it is current; another test fails when a diagnostic carries a code that is not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl.diagnostics import Severity


@dataclass(frozen=True)
class CodeInfo:
    code: str  # as printed, e.g. "unknown-name"
    severity: Severity  # errors stop a file; warnings (lint) do not
    group: str  # the heading it is listed under in docs/CODES.md
    meaning: str  # one line: what mistake the code names


REGISTRY: dict[str, CodeInfo] = {}


def _code(code: str, group: str, meaning: str, severity: Severity = "error") -> str:
    if code in REGISTRY:  # pragma: no cover (a mistake in this file, found at import)
        raise ValueError(f"diagnostic code {code!r} is declared twice")
    REGISTRY[code] = CodeInfo(code, severity, group, meaning)
    return code


_FILE = "Reading the file"
_SYNTAX = "Syntax"
_NAMES = "Declarations and names"
_VALUES = "Types and values"
_SEQUENCES = "Sequences and handoff"
_LINT = "Lint warnings (`nurture lint`)"
_TESTS = "Rule tests (`nurture test`)"

IO = _code(
    "io", _FILE, "the file cannot be read as rule text: missing, a folder, binary or not UTF-8"
)

SYNTAX = _code(
    "syntax", _SYNTAX, "a line that does not follow the grammar: an unexpected word or sign"
)
TAB = _code("tab", _SYNTAX, "a tab in the indentation (indent with spaces)")
BAD_INDENT = _code(
    "bad-indent", _SYNTAX, "an indentation no enclosing block uses, or one nothing opened"
)
NO_BODY = _code("no-body", _SYNTAX, "a block header ending in ':' with nothing indented under it")
UNCLOSED_BRACKET = _code("unclosed-bracket", _SYNTAX, "a '(' or '[' that is never closed")
UNCLOSED_STRING = _code("unclosed-string", _SYNTAX, "a text with no closing quote")
BAD_ESCAPE = _code("bad-escape", _SYNTAX, "a backslash in a text that starts no known escape")
ELSE_IF = _code("else-if", _SYNTAX, "'else if', which the language does not have (nest the 'if')")
MISSING_SIGN = _code("missing-sign", _SYNTAX, "score points written without their + or - sign")
NO_TIMEOUT = _code("no-timeout", _SYNTAX, "a 'wait until' without a time limit after its last 'or'")
BAD_NUMBER = _code(
    "bad-number", _SYNTAX, "letters glued to a number: neither a number nor a duration"
)
BAD_DURATION = _code(
    "bad-duration",
    _SYNTAX,
    "not a duration (a whole number of m, h, d or w), a duration where none fits, or one of 0",
)
BAD_PERCENT = _code("bad-percent", _SYNTAX, "a percentage without its % sign, or out of its range")
BAD_TIME = _code("bad-time", _SYNTAX, "not a time of day or a range of hours (quiet hours)")
RESERVED_WORD = _code("reserved-word", _SYNTAX, "a reserved word used as a name")
TOO_DEEP = _code(
    "too-deep", _SYNTAX, "a condition or steps nested more than 50 levels deep (dsl/limits.py)"
)

MISSING = _code("missing", _NAMES, "the file has no 'campaign' or no 'stages' line")
DUPLICATE = _code("duplicate", _NAMES, "a name, line or option given twice where one is allowed")
DUPLICATE_DECAY = _code("duplicate-decay", _NAMES, "a score block with more than one 'decay' line")
UNKNOWN_NAME = _code(
    "unknown-name", _NAMES, "a stage, segment, event, content, score or attribute never declared"
)
UNKNOWN_FUNCTION = _code(
    "unknown-function", _NAMES, "a call of a function the language does not have"
)
UNKNOWN_CHANNEL = _code(
    "unknown-channel", _NAMES, "a content on a channel the language does not have"
)
NOT_A_VALUE = _code("not-a-value", _NAMES, "a content or sequence name used as a value")
BARE_EVENT = _code(
    "bare-event", _NAMES, "an event type used as a condition (write count(E, 30d) >= 1)"
)
CYCLE = _code("cycle", _NAMES, "a segment that depends on itself, directly or through others")
FIRST_STAGE = _code("first-stage", _NAMES, "a rule for the first stage, where every lead starts")
STAGE_ORDER = _code("stage-order", _NAMES, "stage rules out of the funnel order of 'stages'")

TYPE = _code(
    "type", _VALUES, "a value of the wrong kind: a number, text, list or condition misused"
)
BAD_CALL = _code("bad-call", _VALUES, "a built-in function given the wrong arguments")
NOT_AN_OPTION = _code(
    "not-an-option", _VALUES, "a 'one of' attribute compared with a text not among its options"
)
BAD_REGEX = _code(
    "bad-regex",
    _VALUES,
    "a 'matches' pattern that is not RE2 syntax: invalid, or a lookaround or backreference",
)
PARAM_RANGE = _code(
    "param-range",
    _VALUES,
    "a param's range of another kind than its value, running backwards, or not holding the value",
)
NUMBER_RANGE = _code(
    "number-range", _VALUES, "a number with more than 15 digits before the point (held inexactly)"
)
DURATION_RANGE = _code("duration-range", _VALUES, "a duration longer than 100 years (36500d)")
BAD_CAP = _code("bad-cap", _VALUES, "a cap of 0 or below, or on a line that takes points away")
BAD_COST = _code("bad-cost", _VALUES, "a negative content cost")
BAD_LIMIT = _code("bad-limit", _VALUES, "a touch limit that is not a whole number of at least 1")

NO_ENTER = _code(
    "no-enter", _SEQUENCES, "a sequence with no 'enter on' or 'enter when': it never enrols"
)
NO_STEPS = _code("no-steps", _SEQUENCES, "a sequence without a step")
HEADER_AFTER_STEP = _code(
    "header-after-step", _SEQUENCES, "a sequence header line (for, enter, exit, ...) after a step"
)
SPLIT_TOTAL = _code("split-total", _SEQUENCES, "the arms of a split do not add up to 100%")
NOT_A_TASK = _code(
    "not-a-task", _SEQUENCES, "a handoff that sends content of a channel other than task"
)

SAME_FOR_EVERY_STAGE = _code(
    "same-for-every-stage",
    _LINT,
    "a sequence sends the same content to every stage (no audience, no conditions)",
    "warning",
)
ONE_STAGE_CONTENT = _code(
    "one-stage-content", _LINT, "all content is written for one stage", "warning"
)
TOO_AGGRESSIVE = _code(
    "too-aggressive",
    _LINT,
    "a sequence can send more than a limit allows or more than a touch a day for a week, "
    "or the policy has no limit",
    "warning",
)
ONE_CHANNEL = _code("one-channel", _LINT, "every touch goes by one channel", "warning")
NO_HANDOFF = _code(
    "no-handoff", _LINT, "no 'handoff': ready leads are never passed to sales", "warning"
)
NURTURE_FOREVER = _code(
    "nurture-forever",
    _LINT,
    "a sequence with no 'exit when' while the policy has no sunset",
    "warning",
)
LATER_STAGE_CONTENT = _code(
    "later-stage-content",
    _LINT,
    "content of a later stage sent, without a condition, to leads still in an earlier one",
    "warning",
)
UNREACHABLE = _code(
    "unreachable", _LINT, "steps, a split arm or a send that can never run", "warning"
)
UNUSED_SEGMENT = _code("unused-segment", _LINT, "a segment nothing uses", "warning")
UNREACHABLE_THRESHOLD = _code(
    "unreachable-threshold",
    _LINT,
    "a score threshold no lead can reach with the points given",
    "warning",
)
OVERLAPPING_SEQUENCES = _code(
    "overlapping-sequences",
    _LINT,
    "two sequences start on the same event and can both send on the same day",
    "warning",
)
ALLOW_WITHOUT_REASON = _code(
    "allow-without-reason",
    _LINT,
    "an allowance (# nurture: allow CODE  reason) that does not say why",
    "warning",
)
ALLOW_UNKNOWN_CODE = _code(
    "allow-unknown-code",
    _LINT,
    "an allowance naming no lint code, or one that does not exist",
    "warning",
)
ALLOW_UNUSED = _code(
    "allow-unused", _LINT, "an allowance on a line that has no such warning", "warning"
)

TEST_TOML = _code("test-toml", _TESTS, "a rule test file that is not valid TOML")
TEST_SCHEMA = _code(
    "test-schema",
    _TESTS,
    "a rule test file's unknown key, value of the wrong type, unreadable time or missing part",
)
TEST_NAME = _code(
    "test-name",
    _TESTS,
    "a name in a rule test that its rule files do not know, a param value they refuse, or a "
    "rule file that does not check",
)


def markdown() -> str:
    """docs/CODES.md: every code under its group, in declaration order."""
    out = [
        "# Diagnostic codes",
        "",
        "Every diagnostic `nurture check` and `nurture lint` print carries one of these codes (the",
        "`code` field of `--json`). Codes are stable: scripts and editors may rely on them.",
        "",
        "This page is generated from `dsl/codes.py` (`python -m dsl.codes > docs/CODES.md`);",
        "a test fails when it is out of date.",
    ]
    group = None
    for info in REGISTRY.values():
        if info.group != group:
            group = info.group
            out += ["", f"## {group}", "", "| code | meaning |", "|---|---|"]
        out.append(f"| `{info.code}` | {info.meaning} |")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
