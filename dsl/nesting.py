"""Nesting limits (dsl/limits.py, MAX_NESTING): the builder's walk, and segments inside segments.

`NestedWalk.build` turns a Lark tree into nodes children first, counting levels of nesting on the
way down: a subtree past the limit is reported once and replaced by a placeholder, so no later pass
(checker, formatter, linter, engine) recurses deeper, and a chain `a or b or c` (left-recursive in
the grammar, thousands of links deep) is walked in a loop and is one level. `SegmentNesting` counts
what the engine inlines: a condition with the levels of the segments it uses.
"""

from __future__ import annotations

from typing import Any

from lark import Tree

from dsl import codes, ir
from dsl.fastnode import new
from dsl.limits import MAX_NESTING

# Rules that open a level of nesting, and the chains that open one level however long they are.
_NESTS = frozenset(("not_", "compare", "arith", "neg", "list", "call", "if_step", "split_step"))
_CHAINS = frozenset(("or_", "and_"))
# Expression kinds that open a level (the same count, on nodes).
_LEVELS = frozenset(
    "or and not compare arith neg list call count days_since content_check in_sequence".split()
)


class NestedWalk:
    """The tree walk of `dsl.transformer.Builder` (which holds the methods named after rules)."""

    level: int

    def span(self, meta: Any) -> ir.Span:
        raise NotImplementedError

    def _error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        raise NotImplementedError

    def build(self, tree: Tree) -> Any:
        """Children first, then the method named after the rule, called as f(meta, children).

        (Lark's own Transformer with v_args(meta=True) re-wraps the method on every call, which
        cost a third of the build; this plain walk does not.) Nesting is counted on the way down
        (`MAX_NESTING`): a subtree past the limit is reported once and replaced by a placeholder,
        so no pass after this one recurses deeper; `or`/`and` chains are walked, not recursed."""
        data = tree.data
        if data in _CHAINS:
            return self._chain(tree)
        if data in _NESTS:
            if self.level >= MAX_NESTING:
                return self._too_deep(tree)
            self.level += 1
            children = [self.build(c) if isinstance(c, Tree) else c for c in tree.children]
            self.level -= 1
        else:
            children = [self.build(c) if isinstance(c, Tree) else c for c in tree.children]
        method = getattr(self, data, None)
        if method is None:
            return Tree(data, children, tree.meta)
        return method(tree.meta, children)

    def _chain(self, tree: Tree) -> ir.Or | ir.And:
        """`a or b or c` (left-recursive in the grammar) as one node of three items, one level."""
        if self.level >= MAX_NESTING:
            return self._too_deep(tree)
        data, rights, node = tree.data, [], tree
        while isinstance(node, Tree) and node.data == data:
            rights.append(node.children[1])
            node = node.children[0]
        self.level += 1
        items = tuple(self.build(c) for c in (node, *reversed(rights)))
        self.level -= 1
        cls: type[ir.Or] | type[ir.And] = ir.Or if data == "or_" else ir.And
        return new(cls, items=items, span=self.span(tree.meta))

    def _too_deep(self, tree: Tree) -> Any:
        """One diagnostic for a subtree nested past the limit, and a placeholder in its place."""
        span = self.span(tree.meta)
        depth = MAX_NESTING + nesting_of(tree)
        if tree.data in ("if_step", "split_step"):
            self._error(
                codes.TOO_DEEP,
                f"these steps are nested {depth} levels deep; the limit is {MAX_NESTING}",
                span,
                "an 'if' or 'split' inside another opens a level; give the inner steps a "
                "sequence of their own",
            )
            return new(ir.Wait, duration=new(ir.Duration, amount=1, unit="d"), span=span)
        self._error(
            codes.TOO_DEEP,
            f"this condition is nested {depth} levels deep; the limit is {MAX_NESTING}",
            span,
            "write it flatter: a chain 'a or b or c' is one level, and 'not not x' is just x",
        )
        return new(ir.Name, name="", span=span)  # the checker passes over it in silence


def nesting_of(tree: Tree) -> int:
    """The levels of nesting in a parse subtree, counted as `Builder.build` counts them (without
    recursion: the subtree may be thousands of levels deep)."""
    deepest = 0
    stack: list[tuple[Any, int, str | None]] = [(tree, 0, None)]
    while stack:
        node, depth, spine = stack.pop()
        data = node.data
        if data in _NESTS or (data in _CHAINS and data != spine):
            depth += 1
        deepest = max(deepest, depth)
        for i, child in enumerate(node.children):
            if isinstance(child, Tree):
                stack.append((child, depth, data if i == 0 and data in _CHAINS else None))
    return deepest


class SegmentNesting:
    """The nesting of conditions with the segments they use, for `dsl.resolve.Resolver`."""

    names: Any
    segment_nesting: dict[str, int]

    def error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        raise NotImplementedError

    def _check_nesting(self, node: Any, what: str) -> None:
        """The builder bounds each condition's own nesting; the engine inlines the segments a
        condition uses, so their levels count too. Reported where the limit is first passed (not
        again at every use of a segment that passes it on its own)."""
        depth, worst_used = self.nesting(node)
        if depth > MAX_NESTING and worst_used <= MAX_NESTING:
            self.error(
                codes.TOO_DEEP,
                f"with the segments it uses, this {what} is nested {depth} levels deep; "
                f"the limit is {MAX_NESTING}",
                node.span,
                "a segment counts where it is used with all the levels of its own condition; "
                "use fewer segments inside one another",
            )

    def nesting(self, expr: Any) -> tuple[int, int]:
        """(levels of `expr` with its segments' levels, the most levels of a segment it uses)."""
        deepest = worst_used = 0
        stack = [(expr, 0)]
        segments = self.names.segments
        while stack:
            e, depth = stack.pop()
            fields = e.__dict__  # a node's fields (pydantic's getattr of a missing one is slow)
            kind = fields["kind"]
            if kind in _LEVELS:
                depth += 1
            elif kind == "segment" or (kind == "name" and fields["name"] in segments):
                inner = self._segment_levels(fields["name"])
                worst_used = max(worst_used, inner)
                depth += 1 + inner
            deepest = max(deepest, depth)
            for child in _children(fields):
                stack.append((child, depth))
        return deepest, worst_used

    def _segment_levels(self, name: str) -> int:
        """The levels of a segment's condition with the segments it uses, each worked out once,
        those it uses first (a loop, not recursion: a chain may be thousands of segments long).
        A segment met again while its own levels are being worked out (a cycle, reported by the
        checker) counts 0 there."""
        known = self.segment_nesting
        levels = known.get(name)
        if levels is not None:
            return max(levels, 0)
        segments = self.names.segments
        stack = [name]
        while stack:
            top = stack[-1]
            if top not in known:  # entered: the segments it uses go first
                known[top] = -1
                stack.extend(
                    s for s in _segments_used(segments[top].condition, segments) if s not in known
                )
                continue
            stack.pop()
            if known[top] == -1:  # every segment it uses is known (or on the way: a cycle)
                known[top] = self.nesting(segments[top].condition)[0]
        return known[name]


def _segments_used(expr: Any, segments: Any) -> list[str]:
    """The names of the segments a condition uses directly (resolved or as written)."""
    out = []
    stack = [expr]
    while stack:
        fields = stack.pop().__dict__
        kind = fields["kind"]
        if kind == "segment" or (kind == "name" and fields["name"] in segments):
            out.append(fields["name"])
        stack.extend(_children(fields))
    return out


def _children(fields: dict[str, Any]) -> list[Any]:
    """The expressions directly inside a node, given its fields."""
    out = [*(fields.get("items") or ()), *(fields.get("args") or ())]
    for key in ("operand", "left", "right", "where"):
        child = fields.get(key)
        if child is not None:
            out.append(child)
    return out
