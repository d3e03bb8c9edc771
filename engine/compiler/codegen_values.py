"""Comparisons and values of conditions, as generated Python expressions (a part of
`ModuleBuilder`): attributes, properties, scores, counts, `days_since`, arithmetic. Every
constant reaches the source through `repr()` of a str/float/int/tuple; an access that may find
nothing is guarded (`(_vN := value) is not None and ...`)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from dsl import ir
from engine.compiler.helpers import norm_text
from engine.compiler.regexguard import Matcher

DAY = 86400.0


class ValuesMixin:
    """Methods of ModuleBuilder that generate comparisons and values."""

    blocks: list[ir.ScoreBlock]
    block_index: dict[str, int]
    globals: dict[str, Any]
    counted: dict[str, float]
    counted_where: set[str]
    filters: list[tuple[str, str, str]]
    tag: int
    static_mode: bool
    in_round: bool | str
    raw_attrs: set[str]
    live_attrs: set[str]
    live_raw: set[str]
    read_attrs: set[str]
    days_events: set[str]
    attr_locals: dict[tuple[bool, str], str] | None
    prop_locals: dict[tuple[str, str], str] | None
    _where_ctx: bool
    _filter_keys: dict[tuple[str, str], str]

    if TYPE_CHECKING:  # methods of ModuleBuilder from its other mixins

        def _fresh(self, prefix: str) -> str: ...
        def where(self, expr: ir.Expr) -> str: ...

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
        key: str | None
        if e.where is None:
            key = e.event
        elif _props_only(e.where):  # an index of matching events, kept as they arrive
            same = (e.event, repr(_without_spans(e.where.model_dump())))
            key = self._filter_keys.get(same)
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
        assert e.where is not None  # _count_key keys each count without a where
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
