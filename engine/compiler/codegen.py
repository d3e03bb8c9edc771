"""Conditions compiled to generated Python source.

Every condition becomes `def NAME(L, P, t, w)` (lead state, program state, time, wait start)
returning a bool; `where` filters become `def NAME(E, L, P, t)` over the event's properties.
User text reaches the source only through `repr()` of a str/float/int/tuple; generated names are
counters (`_v3`, `_w1`, `_re0`), never user names. The module is executed once with
`{"__builtins__": {}}` and the helpers below in its globals.

A missing attribute or property (absent or empty) is `None`: every comparison on it is false,
through a guard `(_vN := value) is not None and ...` placed in front of the comparison.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable
from types import CodeType
from typing import Any

from dsl import ir
from dsl.limits import MAX_NESTING
from engine.compiler.regexguard import Matcher
from engine.runtime.state import EMPTY_MAP, EMPTY_SET, put, shared

DAY = 86400.0


def norm_text(value: object) -> str | None:
    """Text as compared: surrounding spaces and case ignored; empty is missing."""
    if value.__class__ is str:
        s = value.strip()  # type: ignore[attr-defined]
    elif value is None:
        return None
    else:
        s = str(value).strip()
    return s.lower() if s else None


def raw_text(value: object) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s if s else None


def norm_number(value: object) -> float | None:
    if value.__class__ is float:  # as float(value): the same number
        return value  # type: ignore[return-value]
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    s = str(value).strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def _count(times: list[float] | None, low: float) -> int:
    return 0 if not times else len(times) - bisect_right(times, low)


def _count_where(
    times: list[float] | None,
    props: list[dict] | None,
    low: float,
    fn: Callable[..., bool],
    L: Any,
    P: Any,
    t: float,
) -> int:
    if not times:
        return 0
    n = 0
    for i in range(bisect_right(times, low), len(times)):
        if fn(props[i], L, P, t):  # type: ignore[index]
            n += 1
    return n


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


class ModuleBuilder:
    """Collects generated functions of one program and executes them once."""

    def __init__(
        self,
        blocks: list[ir.ScoreBlock],
        segments: dict[str, int],
        segment_exprs: dict[str, ir.Expr],
        static_segments: set[str],
        sequences: dict[str, int],
    ) -> None:
        self.blocks = blocks
        self.sequence_index = sequences
        self.block_index = {b.name: i for i, b in enumerate(blocks)}
        self.segments = segments
        self.segment_exprs = segment_exprs
        self.static_segments = static_segments
        self.lines: list[str] = []
        self.globals: dict[str, Any] = {
            "__builtins__": {},
            "_cnt": _count,
            "_cntw": _count_where,
            "_tn": norm_text,
            "_nm": norm_number,
            "_rw": raw_text,
            "_put": put,
            "_len": len,
            "_EM": EMPTY_MAP,
            "_ES": EMPTY_SET,
            "_set": set,
            "_str": str,
            "_shared": shared,
            "_RU": ("until", "run"),
        }
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

    def condition(self, expr: ir.Expr) -> str:
        """Adds a condition function; returns its generated name."""
        name = self._fresh("_c")
        body = self._bool(expr)
        self.lines.append(f"def {name}(L, P, t, w=0):\n    return {body}\n")
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
        self.lines.append(f"def {name}(E, L, P, t):\n    return {body}\n")
        self.where_exprs[name] = expr
        return name

    def prop_lines(self) -> list[str]:
        """The assignments of the event properties read inline (see `prop_locals`)."""
        return [
            f"    {v} = {fn}(E.get({name!r}))" for (fn, name), v in (self.prop_locals or {}).items()
        ]

    def build(self) -> dict[str, Callable[..., Any]]:
        source = "\n".join(self.lines)
        namespace = self.globals
        exec(compiled_code(source, "<nurture rules>"), namespace)  # noqa: S102
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

    # ------------------------------------------------------------ comparisons

    def _compare(self, e: ir.Compare) -> str:
        op = e.op
        if op in (">=", ">") and isinstance(e.left, ir.Count) and isinstance(e.right, ir.Num):
            fast = self._count_at_least(e.left, float(e.right.value), op)
            if fast is not None:
                return fast
        if op in ("in", "not in"):
            left, guards = self._val(e.left)
            items = self._list(e.right, e.left)
            cmp = f"{left} {op} {items!r}"
        elif op == "matches":
            left, guards = self._val(e.left, raw=True)
            pattern = e.right.value if isinstance(e.right, ir.Str) else ""
            rx = self._fresh("_re")
            self.globals[rx] = Matcher(pattern)
            cmp = f"{rx}({left})"
        else:
            left, guards = self._val(e.left)
            right, more = self._val(e.right)
            guards = guards + more
            if op == "contains":
                cmp = f"{right} in {left}"
            elif op in ("startswith", "endswith"):
                cmp = f"{left}.{op}({right})"
            else:
                cmp = f"{left} {op} {right}"
        return "(" + " and ".join([*guards, cmp]) + ")"

    def _list(self, e: ir.Expr, left: ir.Expr) -> tuple[object, ...]:
        if not isinstance(e, ir.ListLit):
            raise ValueError("'in' needs a list")
        out: list[object] = []
        for item in e.items:
            if isinstance(item, ir.Str):
                out.append(norm_text(item.value) or "")
            elif isinstance(item, ir.Num):
                out.append(float(item.value))
            elif isinstance(item, ir.StageConst):
                out.append(int(item.index))
            else:
                raise ValueError("list items must be constants")
        return tuple(out)

    # ------------------------------------------------------------ values

    def _guarded(self, access: str) -> tuple[str, list[str]]:
        v = self._fresh("_v")
        return v, [f"({v} := {access}) is not None"]

    def _val(self, e: ir.Expr, raw: bool = False) -> tuple[str, list[str]]:
        if isinstance(e, ir.Num):
            return repr(float(e.value)), []
        if isinstance(e, ir.Str):
            return repr(e.value if raw else (norm_text(e.value) or "")), []
        if isinstance(e, ir.StageConst):
            return repr(int(e.index)), []
        if isinstance(e, ir.StageVar):
            return "P.stage", []
        if isinstance(e, ir.Attr):
            if raw:
                self.raw_attrs.add(e.name)
            if not self.static_mode:
                (self.live_raw if raw else self.live_attrs).add(e.name)
            if not raw:
                self.read_attrs.add(e.name)
            if self.attr_locals is not None:  # the static function's locals
                v = self.attr_locals.get((raw, e.name))
                if v is None:
                    v = self.attr_locals[(raw, e.name)] = self._fresh("_a")
                return v, [f"{v} is not None"]
            table = "P.r" if raw else "P.a"
            return self._guarded(f"{table}.get({e.name!r})")
        if isinstance(e, ir.Prop):
            if not self._where_ctx:
                raise ValueError("event property outside 'where'")
            fn = "_rw" if raw else ("_nm" if e.type == "number" else "_tn")
            if self.prop_locals is not None:  # read once at the top of the event function
                v = self.prop_locals.get((fn, e.name))
                if v is None:
                    v = self.prop_locals[(fn, e.name)] = self._fresh("_p")
                return v, [f"{v} is not None"]
            return self._guarded(f"{fn}(E.get({e.name!r}))")
        if isinstance(e, ir.ScoreRef):
            return self._score(e.name), []
        if isinstance(e, ir.Count):
            return self._count_code(e), []
        if isinstance(e, ir.DaysSince):
            self.days_events.add(e.event)
            if e.event == "last_engagement":
                return f"((t - L.last_eng) / {DAY!r})", []
            return f"((t - L.last.get({e.event!r}, L.created)) / {DAY!r})", []
        if isinstance(e, ir.Neg):
            code, guards = self._val(e.operand)
            return f"(-{code})", guards
        if isinstance(e, ir.Arith):
            return self._arith(e)
        raise ValueError(f"not a value: {e.kind}")

    def _arith(self, e: ir.Arith) -> tuple[str, list[str]]:
        left, guards = self._val(e.left)
        right, more = self._val(e.right)
        guards = guards + more
        if e.op == "/":
            d = self._fresh("_v")
            guards.append(f"({d} := {right}) != 0")
            return f"({left} / {d})", guards
        return f"({left} {e.op} {right})", guards

    def _count_key(self, e: ir.Count) -> str | None:
        """The key of the sorted times a count reads (registered to be kept); None when the count
        filters on more than the event's properties."""
        window = float(e.window.seconds)
        if e.where is None:
            key = e.event
        elif _props_only(e.where):  # an index of matching events, kept as they arrive
            same = (e.event, repr(_without_spans(e.where.model_dump())))
            key = self._filter_keys.get(same)  # type: ignore[assignment]
            if key is None:
                key = self._filter_keys[same] = f"{e.event}#{self.tag}.{len(self.filters)}"
                self.filters.append((e.event, key, self.where(e.where)))
        else:
            return None
        self.counted[key] = max(self.counted.get(key, 0.0), window)
        return key

    def _count_at_least(self, e: ir.Count, value: float, op: str) -> str | None:
        """`count(...) >= n` (or `> n`) without counting: the n-th latest time is in the window
        (times are kept sorted)."""
        key = self._count_key(e)
        if key is None:
            return None
        n = math.floor(value) + 1 if op == ">" else math.ceil(value)
        if n <= 0:
            return "True"
        v = self._fresh("_v")
        return (
            f"(({v} := L.ev_t.get({key!r})) is not None and _len({v}) >= {n} and "
            f"{v}[-{n}] > t - {float(e.window.seconds)!r})"
        )

    def _count_code(self, e: ir.Count) -> str:
        low = f"t - {float(e.window.seconds)!r}"
        key = self._count_key(e)
        if key is not None:
            return f"_cnt(L.ev_t.get({key!r}), {low})"
        self.counted[e.event] = max(self.counted.get(e.event, 0.0), float(e.window.seconds))
        fn = self.where(e.where)
        self.counted_where.add(e.event)
        return f"_cntw(L.ev_t.get({e.event!r}), L.ev_p.get({e.event!r}), {low}, {fn}, L, P, t)"

    def _score(self, name: str | None) -> str:
        if self.in_round == "round":  # the fused round computed every block once, into locals
            return "_tot" if name is None else f"_s{int(self.block_index[name])}"
        if name is None:
            return (
                "(" + " + ".join(self._block(i) for i in range(len(self.blocks))) + ")"
                if self.blocks
                else "0.0"
            )
        return self._block(self.block_index[name])

    def _block(self, i: int) -> str:
        block = self.blocks[i]
        if block.decay is None:
            return f"(P.fit[{i}] + P.er[{i}])"
        base = 1.0 - block.decay.percent / 100.0
        inv = 1.0 / float(block.decay.every.seconds)
        r = len(self.blocks) + i  # P.er: engagement per block, then decay references
        return f"(P.fit[{i}] + P.er[{i}] * {base!r} ** ((t - P.er[{r}]) * {inv!r}))"


def _without_spans(data: object) -> object:
    if isinstance(data, dict):
        return {k: _without_spans(v) for k, v in sorted(data.items()) if not k.endswith("span")}
    if isinstance(data, (list, tuple)):
        return [_without_spans(v) for v in data]
    return data


def _props_only(e: ir.Expr) -> bool:
    if isinstance(e, (ir.Prop, ir.Num, ir.Str, ir.Bool)):
        return True
    if isinstance(e, (ir.And, ir.Or)):
        return all(_props_only(i) for i in e.items)
    if isinstance(e, (ir.Not, ir.Neg)):
        return _props_only(e.operand)
    if isinstance(e, (ir.Compare, ir.Arith)):
        return _props_only(e.left) and _props_only(e.right)
    if isinstance(e, ir.ListLit):
        return all(_props_only(i) for i in e.items)
    return False


_FLAG_CODE = {
    "mql": "(P.mql_at is not None)",
    "sql": "(P.sql_at is not None)",
    "customer": "L.customer",
    "unsubscribed": "L.unsub",
    "sunset": "L.sunset",
}
