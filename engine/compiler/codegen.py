"""Conditions compiled to generated Python source, one module per program.

Every condition becomes `def NAME(L, P, t, w)` (lead state, program state, time, wait start)
returning a bool; `where` filters become `def NAME(E, L, P, t)` over the event's properties.
User text reaches the source only through `repr()` of a str/float/int/tuple (a rule's location
in a comment too: `rule_comment`); generated names are counters (`_v3`, `_w1`, `_re0`), never
user names. The module is executed once with no builtins and the helpers of
`engine.compiler.helpers` in its globals, under a file name that says which rule file it comes
from (`<nurture generated: rules/x.nurture>`), its source registered with `linecache`: a
traceback from inside it shows its lines.

A missing attribute or property (absent or empty) is `None`: every comparison on it is false,
through a guard `(_vN := value) is not None and ...` placed in front of the comparison.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from types import CodeType
from typing import Any

from dsl import ir
from dsl.limits import MAX_NESTING
from engine.compiler.codegen_values import ValuesMixin
from engine.compiler.helpers import module_globals

_CODE: dict[tuple[str, str], CodeType] = {}
CODE_CACHE = 64  # generated modules kept compiled; the table is emptied when full


def compiled_code(source: str, filename: str) -> CodeType:
    """Python's bytecode of generated source, compiled once per process: programs that differ
    only where the source does not (a param that is a wait, a holdout, a limit, ...) share it,
    and compiling is most of the cost of compiling rules. Each program still executes it into
    a namespace of its own."""
    key = (source, filename)
    code = _CODE.get(key)
    if code is None:
        if len(_CODE) >= CODE_CACHE:
            _CODE.clear()
        code = _CODE[key] = compile(source, filename, "exec")
    return code


class ModuleBuilder(ValuesMixin):
    """Collects generated functions of one program and executes them once."""

    def __init__(
        self,
        blocks: list[ir.ScoreBlock],
        segments: dict[str, int],
        segment_exprs: dict[str, ir.Expr],
        static_segments: set[str],
        sequences: dict[str, int],
        path: str = "",
    ) -> None:
        self.path = path  # the rule file, named in comments and in the module's file name
        self.blocks = blocks
        self.sequence_index = sequences
        self.block_index = {b.name: i for i, b in enumerate(blocks)}
        self.segments = segments
        self.segment_exprs = segment_exprs
        self.static_segments = static_segments
        self.lines: list[str] = []
        self.globals: dict[str, Any] = module_globals()
        self._n = 0
        self._names: list[str] = []
        self._where_ctx = False
        self._depth = 0
        self.inline_static = False
        self.in_round = False
        self.counted: dict[str, float] = {}
        self.counted_where: set[str] = set()
        self.content_actions: set[str] = set()
        self.filters: list[tuple[str, str, str]] = []  # (event, index key, where function)
        self.where_exprs: dict[str, ir.Expr] = {}  # where function -> its expression
        # while generating an event function: (normaliser, property) -> the local holding it
        self.prop_locals: dict[tuple[str, str], str] | None = None
        # while generating the static function: (raw, attribute) -> the local holding it
        self.attr_locals: dict[tuple[bool, str], str] | None = None
        self.tag = 0
        self._filter_keys: dict[tuple[str, str], str] = {}
        self.raw_attrs: set[str] = set()  # attributes read as written (by `matches`)
        self.static_mode = False  # compiling what only runs when attributes change
        self.dynamic_fit = False  # some fit rule reads more than attributes
        self.live_attrs: set[str] = set()  # attributes read at other times (kept per lead)
        self.live_raw: set[str] = set()
        self.read_attrs: set[str] = set()  # every attribute read (normalised) anywhere
        self.arrivals: set[str] = set()  # event types read by a bare event in `wait until`
        self.days_events: set[str] = set()  # event types read by days_since(...)

    def _fresh(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    # ------------------------------------------------------------ public

    def rule_comment(self, line: int, indent: str = "") -> str:
        """`# FILE:LINE`, the rule a piece of generated code comes from (the location through
        `repr()`: a file name never breaks the line); "" for a rule with no line."""
        if line <= 0:
            return ""
        return f"{indent}# {repr(f'{self.path}:{line}')[1:-1]}\n"

    def condition(self, expr: ir.Expr) -> str:
        """Adds a condition function; returns its generated name."""
        name = self._fresh("_c")
        body = self._bool(expr)
        note = self.rule_comment(expr.span.line)
        self.lines.append(f"{note}def {name}(L, P, t, w=0):\n    return {body}\n")
        self._names.append(name)
        return name

    def where(self, expr: ir.Expr) -> str:
        name = self._fresh("_w")
        saved, self._where_ctx = self._where_ctx, True
        locals_, self.prop_locals = self.prop_locals, None  # a function of its own
        try:
            body = self._bool(expr)
        finally:
            self._where_ctx = saved
            self.prop_locals = locals_
        note = self.rule_comment(expr.span.line)
        self.lines.append(f"{note}def {name}(E, L, P, t):\n    return {body}\n")
        self.where_exprs[name] = expr
        return name

    def prop_lines(self) -> list[str]:
        """The assignments of the event properties read inline (see `prop_locals`)."""
        return [
            f"    {v} = {fn}(E.get({name!r}))" for (fn, name), v in (self.prop_locals or {}).items()
        ]

    def build(self) -> dict[str, Callable[..., Any]]:
        """Executes the module (once): every generated function, by name."""
        source = "\n".join(self.lines)
        self.filename = register(self.path, source)
        namespace = self.globals
        exec(compiled_code(source, self.filename), namespace)  # noqa: S102
        self.source = source
        return {
            k: v
            for k, v in namespace.items()
            if k.startswith(("_c", "_w", "_round")) and callable(v) and k not in ("_cnt", "_cntw")
        }

    def inline_where(self, expr: ir.Expr) -> str:
        """A `where` filter inline, over the event's properties `E`."""
        saved, self._where_ctx = self._where_ctx, True
        try:
            return self._bool(expr)
        finally:
            self._where_ctx = saved

    def inline(self, expr: ir.Expr, scores_local: bool = True) -> str:
        """A condition as an expression over the fused round's locals."""
        self.in_round = "round" if scores_local else "entry"
        try:
            return self._bool(expr)
        finally:
            self.in_round = False

    # ------------------------------------------------------------ booleans

    def _bool(self, e: ir.Expr) -> str:
        if isinstance(e, ir.And):
            return "(" + " and ".join(self._bool(i) for i in e.items) + ")"
        if isinstance(e, ir.Or):
            return "(" + " or ".join(self._bool(i) for i in e.items) + ")"
        if isinstance(e, ir.Not):
            return f"(not {self._bool(e.operand)})"
        if isinstance(e, ir.Bool):
            return repr(bool(e.value))
        if isinstance(e, ir.Compare):
            return self._compare(e)
        if isinstance(e, ir.SegmentRef):
            return self._segment(e.name)
        if isinstance(e, ir.Flag):
            return _FLAG_CODE[e.name]
        if isinstance(e, ir.ContentCheck):
            self.content_actions.add(e.action)
            return f"({(e.action, e.content.strip().lower())!r} in L.done)"
        if isinstance(e, ir.InSequence):
            return f"(P.enr[{int(self._seq_index(e.sequence))}] is not None)"
        if isinstance(e, ir.EventSince):
            self.arrivals.add(e.event)
            return f"(L.arr.get({e.event!r}, 0) > w)"
        raise ValueError(f"not a condition: {e.kind}")

    def _segment(self, name: str) -> str:
        index = self.segments[name]
        if name in self.static_segments and not self.inline_static:
            return f"P.seg[{int(index)}]"
        self._depth += 1
        if self._depth > MAX_NESTING:  # the checker bounds segments inside segments by it
            raise ValueError(f"segment {name!r} refers to itself")
        try:
            return self._bool(self.segment_exprs[name])
        finally:
            self._depth -= 1

    def _seq_index(self, name: str) -> int:
        return self.sequence_index[name]


_FLAG_CODE = {
    "mql": "(P.mql_at is not None)",
    "sql": "(P.sql_at is not None)",
    "customer": "L.customer",
    "unsubscribed": "L.unsub",
    "sunset": "L.sunset",
}


def register(path: str, source: str) -> str:
    """Registers `source` with `linecache` under `<nurture generated: PATH>` and returns that
    name; when the name holds another source (another program of the same path in this
    process), under `<nurture generated: PATH #2>` and so on (each source once)."""
    lines = source.splitlines(keepends=True)
    base = f"nurture generated: {path}"
    n = 1
    while True:
        name = f"<{base}>" if n == 1 else f"<{base} #{n}>"
        entry = linecache.cache.get(name)
        if entry is None or (len(entry) == 4 and entry[2] == lines):
            # mtime None: `linecache.checkcache` keeps the entry (there is no file to check)
            linecache.cache[name] = (len(source), None, lines, name)
            return name
        n += 1
