"""Text → Lark tree, with every syntax mistake of a file turned into a diagnostic.

One cached LALR parser (contextual lexer, an indenter, positions kept), built lazily so that a
command that never parses does not pay for Lark. Error recovery (`dsl.recovery`) re-parses with the
offending line blanked out or replaced by a neutral placeholder, so line numbers never move and
later mistakes are still reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dsl.diagnostics import Diagnostic

if TYPE_CHECKING:
    from lark import Lark, Tree

GRAMMAR_PATH = Path(__file__).with_name("grammar.lark")


class LayoutError(Exception):
    """A tab in the indentation, or a dedent to a column no enclosing block uses."""

    def __init__(self, line: int, column: int, kind: str, levels: tuple[int, ...]) -> None:
        super().__init__(kind)
        self.line, self.column, self.kind, self.levels = line, column, kind, levels


class StuckWordError(Exception):
    """A keyword glued to the word after it (`sendwelcome`), which the contextual lexer splits."""

    def __init__(self, line: int, column: int, keyword: str, rest: str) -> None:
        super().__init__(keyword + rest)
        self.line, self.column, self.keyword, self.rest = line, column, keyword, rest


def _make_indenter() -> Any:
    from lark.lark import PostLex
    from lark.lexer import Token

    class NurtureIndenter(PostLex):
        """Python-like blocks; _INDENT/_DEDENT sit where the next line's text starts.

        All state lives in `process` (not on the instance), so one parser may serve several
        threads at once."""

        always_accept = ("_NL",)

        def process(self, stream: Iterator[Token]) -> Iterator[Token]:
            levels, parens = [0], 0
            token = prev = None
            for token in stream:
                _check_glued(token, prev)
                prev = token
                if token.type == "_NL":
                    if parens == 0:
                        yield token
                        yield from _layout(token, levels, Token)
                else:
                    yield token
                if token.type in ("LPAR", "LSQB"):
                    parens += 1
                elif token.type in ("RPAR", "RSQB"):
                    parens = max(0, parens - 1)
            while len(levels) > 1:
                levels.pop()
                if token is None:
                    yield Token("_DEDENT", "", 0, 1, 1, 1, 1, 0)
                else:
                    yield Token.new_borrow_pos("_DEDENT", "", token)

    return NurtureIndenter()


def _layout(token: Any, levels: list[int], token_class: Any) -> Iterator[Any]:
    """The _INDENT/_DEDENT tokens after one newline; `levels` is the stack of open blocks."""
    indent_str = token.rsplit("\n", 1)[1]
    line, column, pos = token.end_line, token.end_column, token.end_pos
    if "\t" in indent_str:
        raise LayoutError(line, indent_str.index("\t") + 1, "tab", tuple(levels))
    indent, before = len(indent_str), tuple(levels)
    if indent > levels[-1]:
        levels.append(indent)
        yield token_class("_INDENT", indent_str, pos, line, column, line, column, pos)
        return
    while indent < levels[-1]:
        levels.pop()
        yield token_class("_DEDENT", indent_str, pos, line, column, line, column, pos)
    if indent != levels[-1]:
        raise LayoutError(line, indent + 1, "dedent", before)


def _check_glued(token: Any, prev: Any) -> None:
    """`sendwelcome` must not read as `send welcome`: a keyword needs a break after it."""
    if (
        prev is not None
        and prev.type != "NAME"
        and str(prev).isidentifier()
        and token.start_pos == prev.end_pos
        and (str(token)[:1].isalnum() or str(token)[:1] == "_")
    ):
        raise StuckWordError(prev.line, prev.column, str(prev), str(token))


def _lark(strict: bool = False) -> Lark:
    from lark import Lark

    return Lark(
        GRAMMAR_PATH.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        postlex=_make_indenter(),
        propagate_positions=True,
        maybe_placeholders=True,
        strict=strict,
        cache=not strict,  # the LALR tables, kept in the temp folder: a cold start loads them
    )


@lru_cache(maxsize=2)
def get_parser(strict: bool = False) -> Lark:
    """The one tree-building parser; `strict=True` (tests only) refuses any grammar conflict."""
    return _lark(strict)


def bare_parse(text: str) -> Tree:
    """Lark alone, no recovery: used by the benchmark as the floor."""
    return get_parser().parse(text)


def normalise(text: str) -> str:
    """CRLF line ends become LF (columns unchanged), and the last line gets its newline."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return text


@dataclass
class ParseResult:
    """What could be read, every syntax mistake, and the lines recovery changed (old text)."""

    tree: Tree | None
    diagnostics: list[Diagnostic]
    modified: dict[int, str] = field(default_factory=dict)
    placeholders: set[int] = field(default_factory=set)
    has_params: bool = False  # the items hold params to bind (dsl.params)


def parse_recovering(text: str, file: str = "<rules>") -> ParseResult:
    """Parse, recovering from syntax errors so that every mistake of the file is reported."""
    return _recovering(get_parser().parse, normalise(text), file)


def parse_items(text: str, file: str = "<rules>") -> tuple[ParseResult, list[Any], list[Any]]:
    """Parse to IR items (nodes and tagged tuples, names unresolved), with recovery.

    Returns the parse result, the items, and the mistakes found while building nodes (bad
    escapes, bad times, ...)."""
    from dsl.transformer import build_items

    text = normalise(text)
    result = _recovering(get_parser().parse, text, file)
    if result.tree is None:
        return result, [], []
    items, build_errors, result.has_params = build_items(result.tree, file, text)
    return result, items, build_errors


def _recovering(parse: Callable[[str], Any], text: str, file: str) -> ParseResult:
    from lark.exceptions import UnexpectedInput

    from dsl.recovery import Recovery

    if not text[:1].isspace() or not text.split("\n", 1)[0].strip():
        try:  # the common case: a clean file, parsed once
            return ParseResult(parse(text), [])
        except (UnexpectedInput, LayoutError, StuckWordError):
            pass
    return Recovery(text.split("\n"), file).run(parse)


def parse_text(text: str, file: str = "<rules>") -> tuple[Tree | None, list[Diagnostic]]:
    """Parse, recovering from syntax errors: the tree of what could be read, and the errors."""
    result = parse_recovering(text, file)
    return result.tree, result.diagnostics
