"""Syntax-error recovery: report a mistake, neutralise its line, parse again.

Line numbers never move: a bad line is blanked, or — when it heads a block — replaced by a neutral
header of the same kind so the block's body is still read and checked. A block left empty by a
blanking gets a neutral body line, so no "expected an indented block" follows from our own edit.
Mistakes on those neutral lines are never reported. `modified` keeps the original text of every line
changed, so the checker can tell a name lost with a blanked line from a genuinely unknown one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from dsl import codes
from dsl.diagnostics import Diagnostic
from dsl.fastnode import new
from dsl.ir import Span
from dsl.lines import brackets, code_of, first_word, indent_of
from dsl.parser import LayoutError, ParseResult, StuckWordError
from dsl.syntax_messages import describe, no_body

MAX_SYNTAX_ERRORS = 50
MAX_ROUNDS = 200

# A block keyword → a neutral header that keeps the body readable, and a neutral body line.
HEADERS = {
    "lead": "lead:",
    "score": "score _recover{n}:",
    "policy": "policy:",
    "sequence": "sequence _recover{n}:",
    "handoff": "handoff when true:",
    "if": "if true:",
    "else": "else:",
    "split": "split:",
}
BODIES = {
    "lead": "_recover{n}: text",
    "score": "+0 on created",
    "policy": "quiet 00:00-00:01",
    "sequence": "wait 1m",
    "if": "wait 1m",
    "else": "wait 1m",
    "split": "100% -> wait 1m",
    "handoff": "send _recover{n} within 1d",
}
# First words that start a line of their own: a line beginning with one cannot continue brackets.
LINE_WORDS = frozenset(
    "campaign stages lead event content segment policy sequence handoff mql sql send wait if else "
    "split for enter exit holdout reenter limit quiet sunset decay".split()
)
_OWN_LINE = re.compile(
    r"[ \t]*((score|stage)[ \t]+\w+[ \t]*(:|when\b)|[+-]\d+(\.\d+)?[ \t]+(on|when)\b)"
)
_CLOSER = {"(": ")", "[": "]"}


class Recovery:
    def __init__(self, lines: list[str], file: str) -> None:
        self.original = list(lines)
        self.lines = list(lines)
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.modified: dict[int, str] = {}
        self.placeholders: set[int] = set()
        self.reported: set[int] = set()

    # ------------------------------------------------------------ driver

    def run(self, parse: Callable[[str], Any]) -> ParseResult:
        from lark.exceptions import UnexpectedInput

        self.check_brackets()
        self.check_first_line()
        cache: dict[tuple[int, str], Any] = {}
        for _ in range(MAX_ROUNDS):
            before = list(self.lines)
            try:
                tree = self._parse_chunks(parse, cache)
            except LayoutError as err:
                line = self.on_layout(err)
            except StuckWordError as err:
                line = self.on_glued(err)
            except UnexpectedInput as err:
                line = self.on_syntax(err)
            else:
                return self._result(tree)
            if self.lines == before and not self._drop_top_level(line):
                break
            if len(self.diagnostics) >= MAX_SYNTAX_ERRORS:
                break
        return self._result(None)

    def _parse_chunks(self, parse: Callable[[str], Any], cache: dict[tuple[int, str], Any]) -> Any:
        """Parse top-level block by block, each at its own line numbers; a block already read
        (same place, same text) is not read again, so an edit costs one block, not the file."""
        from lark import Tree

        children: list[Any] = []
        for start, end in self.chunks():
            text = "\n".join(self.lines[start - 1 : end])
            key = (start, text)
            if key not in cache:
                cache[key] = parse("\n" * (start - 1) + text + "\n")
            children += cache[key].children
        return Tree("start", children)

    def chunks(self) -> list[tuple[int, int]]:
        """Runs of lines that each begin with a top-level line (outside brackets)."""
        starts, depth = [1], 0
        for i, text in enumerate(self.lines, start=1):
            if i > 1 and depth == 0 and text[:1] not in ("", " ", "\t", "#"):
                starts.append(i)
            for _, ch in brackets(text):
                depth = depth + 1 if ch in "([" else max(0, depth - 1)
        ends = [s - 1 for s in starts[1:]] + [len(self.lines)]
        return list(zip(starts, ends, strict=True))

    def _drop_top_level(self, line: int) -> bool:
        """Last resort when an edit changed nothing: blank the whole top-level block."""
        start = min(max(line, 1), len(self.lines))
        while start > 1 and indent_of(self.original[start - 1]) > 0:
            start -= 1
        end = start
        j = self.next_code_line(start)
        while j is not None and indent_of(self.original[j - 1]) > 0:
            end, j = j, self.next_code_line(j)
        return self.blank(start, max(end, line))

    def _result(self, tree: Any) -> ParseResult:
        return ParseResult(tree, self.diagnostics, self.modified, self.placeholders)

    def report(self, line: int, diag: Diagnostic) -> None:
        if line not in self.reported:
            self.reported.add(line)
            self.diagnostics.append(diag)

    # ------------------------------------------------------------ line helpers

    def code(self, i: int) -> str:
        return code_of(self.lines[i - 1]) if 1 <= i <= len(self.lines) else ""

    def next_code_line(self, i: int) -> int | None:
        last = len(self.lines)
        return next((j for j in range(i + 1, last + 1) if self.code(j).strip(" \t")), None)

    def prev_code_line(self, i: int) -> int | None:
        return next((j for j in range(i - 1, 0, -1) if self.code(j).strip(" \t")), None)

    def blank(self, start: int, end: int) -> bool:
        changed = False
        for i in range(max(start, 1), min(end, len(self.lines)) + 1):
            if self.lines[i - 1].strip(" \t"):
                if code_of(self.original[i - 1]).strip(" \t"):
                    self.modified.setdefault(i, self.original[i - 1])
                self.lines[i - 1] = ""
                self.placeholders.discard(i)
                changed = True
        return changed

    def replace(self, i: int, text: str) -> bool:
        if self.lines[i - 1] == text:
            return False
        self.modified.setdefault(i, self.original[i - 1])
        self.lines[i - 1] = text
        self.placeholders.add(i)
        return True

    def is_header(self, i: int) -> bool:
        if first_word(self.lines[i - 1]) not in HEADERS:
            return False
        nxt = self.next_code_line(i)
        deeper = nxt is not None and indent_of(self.lines[nxt - 1]) > indent_of(self.lines[i - 1])
        return self.code(i).endswith(":") or deeper

    def governed(self, i: int) -> tuple[int, int]:
        """The logical line at `i`, the more-indented lines after it, and an `if`'s `else`."""
        start, end = self.logical(i)
        base = indent_of(self.lines[start - 1])
        j = self.next_code_line(end)
        while j is not None and indent_of(self.lines[j - 1]) > base:
            end, j = j, self.next_code_line(j)
        if (
            first_word(self.lines[start - 1]) == "if"
            and j is not None
            and (first_word(self.lines[j - 1]) == "else" and indent_of(self.lines[j - 1]) == base)
        ):
            end = self.governed(j)[1]
        return start, end

    def logical(self, i: int) -> tuple[int, int]:
        """The lines joined to `i` by open brackets."""
        depth, starts = 0, []
        for text in self.lines:
            starts.append(depth)
            for _, ch in brackets(text):
                depth = depth + 1 if ch in "([" else max(0, depth - 1)
        start = i
        while start > 1 and starts[start - 1] > 0:
            start -= 1
        end = i
        while end < len(self.lines) and starts[end] > 0:
            end += 1
        return start, end

    # ------------------------------------------------------------ recovery steps

    def fill_empty_blocks(self) -> None:
        """A block whose every line we blanked gets a neutral body line."""
        for k in sorted(self.modified):
            if self.lines[k - 1].strip(" \t"):
                continue
            i = self.prev_code_line(k)
            if i is None:
                continue
            kw = first_word(self.lines[i - 1])
            if kw not in BODIES or not self.code(i).endswith(":"):
                continue
            j = self.next_code_line(i)
            if j is not None and indent_of(self.lines[j - 1]) > indent_of(self.lines[i - 1]):
                continue
            pad = " " * (indent_of(self.lines[i - 1]) + 2)
            self.replace(k, pad + BODIES[kw].format(n=k))

    def check_brackets(self) -> None:
        """Report every '(' or '[' left open, before Lark reads on into the next lines."""
        stack: list[tuple[int, int, str]] = []
        start = 1
        for i, text in enumerate(self.lines, start=1):
            if stack and code_of(text).strip(" \t") and not self._continues(start, text):
                self._unclosed(stack[-1], start, i - 1)
                stack = []
            if not stack:
                start = i
            for col, ch in brackets(text):
                if ch in "([":
                    stack.append((i, col + 1, ch))
                elif stack:
                    stack.pop()
        if stack:
            self._unclosed(stack[-1], start, len(self.lines))
        self.fill_empty_blocks()

    def check_first_line(self) -> None:
        """Lark cannot see the indentation of line 1 (no newline precedes it): check it here."""
        text = self.lines[0] if self.lines else ""
        if text[:1] in (" ", "\t") and code_of(text).strip(" \t"):
            width = len(text) - len(text.lstrip(" \t"))
            self.report(
                1,
                Diagnostic(
                    codes.BAD_INDENT,
                    "unexpected indentation",
                    new(Span, line=1, column=1, end_line=1, end_column=1 + width),
                    "top-level lines start at the first column",
                    file=self.file,
                ),
            )
            self._drop_run(1)

    def _continues(self, start: int, text: str) -> bool:
        if text.lstrip()[:1] in (")", "]"):
            return True
        if indent_of(text) > indent_of(self.lines[start - 1]):
            return True
        return first_word(text) not in LINE_WORDS and not _OWN_LINE.match(text)

    def _unclosed(self, opener: tuple[int, int, str], start: int, end: int) -> None:
        line, col, ch = opener
        self.report(
            line,
            Diagnostic(
                codes.UNCLOSED_BRACKET,
                f"this '{ch}' is never closed",
                new(Span, line=line, column=col, end_line=line, end_column=col + 1),
                f"close it with '{_CLOSER[ch]}'; a line goes on to the next only inside brackets",
                file=self.file,
            ),
        )
        self.blank(start, max(start, end))

    def on_layout(self, err: LayoutError) -> int:
        from dsl.syntax_messages import layout

        self.report(err.line, layout(err, self.lines[err.line - 1], self.file))
        end = err.line
        for j in range(err.line + 1, len(self.lines) + 1):
            text = self.lines[j - 1]
            if not code_of(text).strip(" \t"):
                continue
            lead = text[: len(text) - len(text.lstrip(" \t"))]
            if ("\t" not in lead) if err.kind == "tab" else (indent_of(text) in err.levels):
                break
            end = j
        self.blank(err.line, end)
        self.fill_empty_blocks()
        return err.line

    def on_glued(self, err: StuckWordError) -> int:
        from dsl.syntax_messages import glued

        if err.line not in self.placeholders:
            self.report(err.line, glued(err, self.file))
        self._drop(err.line)
        return err.line

    def on_syntax(self, err: Any) -> int:
        token = getattr(err, "token", None)
        at_end = token is not None and token.type in ("$END", "_DEDENT") or err.line < 1
        line = err.line if err.line >= 1 else (self.prev_code_line(len(self.lines) + 1) or 1)
        if line in self.placeholders:
            self._drop(line)
            return line
        header = line if at_end and self.code(line).endswith(":") else self.prev_code_line(line)
        if header is not None and self._lacks_body(header, line, err, at_end):
            if header not in self.placeholders:
                self.report(header, no_body(self.lines[header - 1], header, self.file))
            self._drop(header)
            return header
        if token is not None and token.type == "_DEDENT":  # it sits on the next line's text
            line = self.prev_code_line(line) or line
        self.report(line, describe(err, self.lines[line - 1], line, self.file))
        if token is not None and token.type == "_INDENT":
            self._drop_run(line)
            return line
        if self.is_header(line):
            kw = first_word(self.lines[line - 1])
            pad = " " * indent_of(self.lines[line - 1])
            if self.replace(line, pad + HEADERS[kw].format(n=line)):
                return line
        self._drop(line)
        return line

    def _lacks_body(self, header: int, line: int, err: Any, at_end: bool) -> bool:
        if not self.code(header).endswith(":") or first_word(self.lines[header - 1]) not in HEADERS:
            return False
        if at_end:
            return True
        text = self.lines[line - 1]
        first_col = len(text) - len(text.lstrip(" \t")) + 1
        return (
            header != line
            and err.column == first_col
            and (indent_of(text) <= indent_of(self.lines[header - 1]))
        )

    def _drop_run(self, line: int) -> None:
        """An unexpectedly indented line and the lines indented like it or more."""
        end, j = line, self.next_code_line(line)
        while j is not None and indent_of(self.lines[j - 1]) >= indent_of(self.lines[line - 1]):
            end, j = j, self.next_code_line(j)
        self.blank(line, end)
        self.fill_empty_blocks()

    def _drop(self, line: int) -> None:
        self.blank(*self.governed(line))
        self.fill_empty_blocks()
