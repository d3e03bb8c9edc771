"""Lark parse tree → unresolved IR nodes (names stay `Name`, calls stay `Call`).

Mistakes found while building nodes (a bad escape, a bad clock time) are collected as diagnostics,
never raised mid-way; Lark's VisitError is unwrapped in one place (`build_program`).
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Tree

from dsl import codes, ir
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.fastnode import new, replace
from dsl.lines import code_of
from dsl.nesting import NestedWalk
from dsl.syntax_messages import missing_timeout
from dsl.values import ValueBuilder, part_span, span_of

_ESCAPE = re.compile(r"\\(.)")


class Builder(NestedWalk, ValueBuilder):
    def __init__(self, file: str, lines: list[str] | None = None) -> None:
        self.reset(file, lines)

    def reset(self, file: str, lines: list[str] | None) -> None:
        """Ready for a new parse (the builder inside the parser is reused from file to file)."""
        self.file = file
        self.lines = lines
        self.diagnostics: list[Diagnostic] = []
        self.level = 0  # levels of nesting open where the walk stands
        self.params: set[str] = set()  # the names of the file's params (a `wait until` needs them)
        self.has_refs = False  # some literal position holds a name: params must be bound

    def span(self, meta: Any) -> ir.Span:
        """The node's span; a line construct (whose meta runs on to the next line, through the
        newline) ends where its first line's text ends, so a caret never spans the newline."""
        s = span_of(meta)
        if s.end_line > s.line and self.lines is not None and s.line <= len(self.lines):
            end = len(code_of(self.lines[s.line - 1])) + 1
            return new(ir.Span, line=s.line, column=s.column, end_line=s.line, end_column=end)
        return s

    def _error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint, file=self.file))

    # ------------------------------------------------------------ terminals

    def _text(self, token: Token) -> str:
        body = token[1:-1]
        for m in _ESCAPE.finditer(body):
            if m.group(1) not in '"\\':
                self._error(
                    codes.BAD_ESCAPE,
                    f"'\\{m.group(1)}' is not an escape in text",
                    part_span(token, 1 + m.start(), 2),
                    'the only escapes are \\" and \\\\; write \\\\ for a backslash',
                )
        return _ESCAPE.sub(lambda m: m.group(1), body)

    # ------------------------------------------------------------ expressions

    def num(self, meta: Any, children: list[Token]) -> ir.Num:
        return new(ir.Num, value=self._number(children[0]), span=self.span(meta))

    def string(self, meta: Any, children: list[Token]) -> ir.Str:
        return new(ir.Str, value=self._text(children[0]), span=self.span(meta))

    def true(self, meta: Any, children: list[Any]) -> ir.Bool:
        return new(ir.Bool, value=True, span=self.span(meta))

    def false(self, meta: Any, children: list[Any]) -> ir.Bool:
        return new(ir.Bool, value=False, span=self.span(meta))

    def name(self, meta: Any, children: list[Token]) -> ir.Name:
        return new(ir.Name, name=str(children[0]), span=self.span(meta))

    def stage_var(self, meta: Any, children: list[Any]) -> ir.StageVar:
        return new(ir.StageVar, span=self.span(meta))

    def score_var(self, meta: Any, children: list[Any]) -> ir.ScoreRef:
        return new(ir.ScoreRef, name=None, span=self.span(meta))

    def call(self, meta: Any, children: list[Any]) -> ir.Call:
        # the window (`_dur`, a duration or a param's name) gets no placeholder when absent
        func, arg, where, window = children if len(children) == 4 else (*children, None)
        return new(
            ir.Call,
            func=str(func),
            args=(arg,),
            where=where,
            window=self._duration(window) if window is not None else None,
            span=self.span(meta),
        )

    def neg(self, meta: Any, children: list[Any]) -> ir.Expr:
        operand = children[0]
        if isinstance(operand, ir.Num):
            return new(ir.Num, value=-operand.value, span=self.span(meta))
        return new(ir.Neg, operand=operand, span=self.span(meta))

    def arith(self, meta: Any, children: list[Any]) -> ir.Arith:
        left, op, right = children
        return new(ir.Arith, op=str(op), left=left, right=right, span=self.span(meta))

    def compare(self, meta: Any, children: list[Any]) -> ir.Compare:
        left, op, right = children
        op_text = "not in" if op.type == "NOT_IN" else str(op)
        return new(ir.Compare, op=op_text, left=left, right=right, span=self.span(meta))

    def not_(self, meta: Any, children: list[Any]) -> ir.Not:
        return new(ir.Not, operand=children[0], span=self.span(meta))

    # ------------------------------------------------------------ declarations

    def campaign(self, meta: Any, children: list[Token]) -> tuple[str, str, ir.Span]:
        return ("campaign", self._text(children[0]), span_of(children[0]))

    def stages(self, meta: Any, children: list[Token]) -> tuple[str, list[ir.StageDecl]]:
        return (
            "stages",
            [new(ir.StageDecl, name=str(t), span=span_of(t)) for t in children],
        )

    def lead_block(
        self, meta: Any, children: list[Any]
    ) -> tuple[str, list[ir.AttributeDecl], ir.Span]:
        return ("lead", children, self.span(meta))

    def attr_decl(self, meta: Any, children: list[Any]) -> ir.AttributeDecl:
        name, (type_, options) = children
        return new(
            ir.AttributeDecl, name=str(name), type=type_, options=options, span=span_of(name)
        )

    def t_number(self, meta: Any, children: list[Any]) -> tuple[str, tuple[str, ...]]:
        return ("number", ())

    def t_text(self, meta: Any, children: list[Any]) -> tuple[str, tuple[str, ...]]:
        return ("text", ())

    def t_one_of(self, meta: Any, children: list[Token]) -> tuple[str, tuple[str, ...]]:
        return ("one_of", tuple(self._text(t) for t in children))

    def event_decl(self, meta: Any, children: list[Any]) -> ir.EventDecl:
        name, *props = children
        props = [p for p in props if p is not None]
        return new(ir.EventDecl, name=str(name), props=tuple(props), span=span_of(name))

    def prop_decl(self, meta: Any, children: list[Any]) -> ir.PropDecl:
        name, (type_, _) = children
        return new(ir.PropDecl, name=str(name), type=type_, span=span_of(name))

    def content_decl(self, meta: Any, children: list[Any]) -> ir.ContentDecl:
        name, channel, *options = children
        fields: dict[str, Any] = {}
        for key, value, span in options:
            if key in fields:
                self._error(codes.DUPLICATE, f"'{key}' is given twice for this content", span)
            fields[key] = value
            fields[f"{key}_span"] = span
        fields.pop("cost_span", None)
        return new(
            ir.ContentDecl,
            name=str(name),
            channel=str(channel),
            span=span_of(name),
            channel_span=span_of(channel),
            **fields,
        )

    def content_stage(self, meta: Any, children: list[Token]) -> tuple[str, str, ir.Span]:
        return ("stage", str(children[0]), span_of(children[0]))

    def content_cost(
        self, meta: Any, children: list[Token]
    ) -> tuple[str, float | ir.ParamRef, ir.Span]:
        return ("cost", self._number(children[0]), span_of(children[0]))

    def segment(self, meta: Any, children: list[Any]) -> ir.Segment:
        name, condition = children
        return new(ir.Segment, name=str(name), condition=condition, span=span_of(name))

    # ------------------------------------------------------------ scores, stages, lifecycle

    def score_block(self, meta: Any, children: list[Any]) -> ir.ScoreBlock:
        name, *lines = children
        rules = tuple(x for x in lines if not isinstance(x, ir.Decay))
        decays = [x for x in lines if isinstance(x, ir.Decay)]
        for extra in decays[1:]:
            self._error(
                codes.DUPLICATE_DECAY,
                "a score block has at most one 'decay' line",
                extra.span,
                "keep one decay line per block",
            )
        return new(
            ir.ScoreBlock,
            name=str(name),
            rules=rules,
            decay=decays[0] if decays else None,
            span=span_of(name),
        )

    def fit_rule(self, meta: Any, children: list[Any]) -> ir.FitRule:
        points, condition = children
        return new(ir.FitRule, points=points, condition=condition, span=self.span(meta))

    def event_rule(self, meta: Any, children: list[Any]) -> ir.EventRule:
        points, event, where, cap = children
        return new(
            ir.EventRule,
            points=points,
            event=str(event),
            where=where,
            cap=cap,
            span=self.span(meta),
            event_span=span_of(event),
        )

    def cap(self, meta: Any, children: list[Token]) -> ir.Cap:
        return new(
            ir.Cap,
            points=self._number(children[0], fallback=1.0),
            window=self._duration(children[1]),
            span=self.span(meta),
        )

    def decay(self, meta: Any, children: list[Token]) -> ir.Decay:
        return new(
            ir.Decay,
            percent=self._percent(children[0]),
            every=self._duration(children[1]),
            span=self.span(meta),
        )

    def stage_rule(self, meta: Any, children: list[Any]) -> ir.StageRule:
        name, condition = children
        return new(
            ir.StageRule,
            stage=str(name),
            condition=condition,
            span=self.span(meta),
            stage_span=span_of(name),
        )

    def lifecycle(self, meta: Any, children: list[Any]) -> ir.Lifecycle:
        flag, condition = children
        return new(ir.Lifecycle, flag=str(flag), condition=condition, span=self.span(meta))

    # ------------------------------------------------------------ policy

    def policy(self, meta: Any, children: list[Any]) -> tuple[str, list[Any], ir.Span]:
        return ("policy", children, self.span(meta))

    def policy_limit(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("limit", children[0])

    def limit(self, meta: Any, children: list[Token]) -> ir.Limit:
        count, before = children[0], len(self.diagnostics)
        if count.type == "NAME":  # a param: its value is checked where params are bound
            return new(
                ir.Limit,
                count=self._ref(count, "whole"),
                window=self._duration(children[1]),
                span=self.span(meta),
            )
        value = self._literal(count)
        if len(self.diagnostics) == before and ("." in count or value < 1):
            self._error(
                codes.BAD_LIMIT,
                "a limit counts whole touches: a whole number of at least 1",
                span_of(count),
                "like: limit 3 per 7d",
            )
        return new(
            ir.Limit,
            count=max(1, int(value)),
            window=self._duration(children[1]),
            span=self.span(meta),
        )

    def quiet(self, meta: Any, children: list[Token]) -> tuple[str, Any]:
        token = children[0]
        start_text, end_text = str(token).split("-")
        minutes = []
        for part, offset in ((start_text, 0), (end_text, len(start_text) + 1)):
            hours, mins = (int(x) for x in part.split(":"))
            if hours > 23 or mins > 59:
                self._error(
                    codes.BAD_TIME,
                    f"'{part}' is not a time of day",
                    part_span(token, offset, len(part)),
                    "write 24-hour times from 00:00 to 23:59",
                )
            minutes.append(min(hours, 23) * 60 + min(mins, 59))
        return (
            "quiet",
            new(ir.Quiet, start=minutes[0], end=minutes[1], span=self.span(meta)),
        )

    def sunset(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        return ("sunset", (children[0], self.span(meta)))

    # ------------------------------------------------------------ sequences

    def sequence(self, meta: Any, children: list[Any]) -> tuple[str, Any]:
        name, *lines = children
        return ("sequence", (str(name), span_of(name), lines))

    def audience(self, meta: Any, children: list[Any]) -> tuple[str, Any, ir.Span]:
        return ("for", children[0], self.span(meta))

    def enter_on(self, meta: Any, children: list[Any]) -> tuple[str, Any, ir.Span]:
        node = new(
            ir.EnterOn,
            event=str(children[0]),
            where=children[1],
            span=self.span(meta),
            event_span=span_of(children[0]),
        )
        return ("enter", node, self.span(meta))

    def enter_when(self, meta: Any, children: list[Any]) -> tuple[str, Any, ir.Span]:
        return (
            "enter",
            new(ir.EnterWhen, condition=children[0], span=self.span(meta)),
            self.span(meta),
        )

    def exit_when(self, meta: Any, children: list[Any]) -> tuple[str, Any, ir.Span]:
        return ("exit when", children[0], self.span(meta))

    def holdout(self, meta: Any, children: list[Token]) -> tuple[str, Any, ir.Span]:
        return ("holdout", (self._percent(children[0]), span_of(children[0])), self.span(meta))

    def reenter(self, meta: Any, children: list[Token]) -> tuple[str, Any, ir.Span]:
        return ("reenter after", self._duration(children[0]), self.span(meta))

    def seq_limit(self, meta: Any, children: list[Any]) -> tuple[str, Any, ir.Span]:
        return ("limit", children[0], self.span(meta))

    def send(self, meta: Any, children: list[Any]) -> ir.Send:
        content, when = children
        return new(
            ir.Send,
            content=str(content),
            when=when,
            span=self.span(meta),
            content_span=span_of(content),
        )

    def wait(self, meta: Any, children: list[Token]) -> ir.Wait:
        return new(ir.Wait, duration=self._duration(children[0]), span=self.span(meta))

    def wait_until(self, meta: Any, children: list[Any]) -> ir.WaitUntil | ir.Wait:
        condition, timeout = children[0], children[1] if len(children) > 1 else None
        if timeout is not None:
            return new(
                ir.WaitUntil,
                condition=condition,
                timeout=self._duration(timeout),
                span=self.span(meta),
            )
        last = condition.items[-1] if isinstance(condition, ir.Or) else None
        if isinstance(last, ir.Name) and last.name in self.params:  # `... or first_wait`
            rest = condition.items[:-1]
            if len(rest) > 1:
                end = rest[-1].span
                span = replace(condition.span, end_line=end.end_line, end_column=end.end_column)
                condition = new(ir.Or, items=rest, span=span)
            else:
                condition = rest[0]
            ref = new(ir.ParamRef, name=last.name, expects="duration", span=last.span)
            self.has_refs = True
            return new(ir.WaitUntil, condition=condition, timeout=ref, span=self.span(meta))
        if isinstance(last, ir.Name) and (near := did_you_mean(last.name, self.params)):
            self._error(codes.UNKNOWN_NAME, f"unknown param '{last.name}'", last.span, near)
            return new(ir.Wait, duration=new(ir.Duration, amount=1, unit="d"), span=last.span)
        # no time limit: the mistake the parser reported before params could stand there
        line = meta.line
        text = self.lines[line - 1] if self.lines and line <= len(self.lines) else ""
        self.diagnostics.append(missing_timeout(text, line, self.file))
        return new(ir.Wait, duration=new(ir.Duration, amount=1, unit="d"), span=self.span(meta))

    def if_step(self, meta: Any, children: list[Any]) -> ir.If:
        condition, *rest = children
        otherwise: tuple[Any, ...] = ()
        if rest and (rest[-1] is None or isinstance(rest[-1], tuple)):
            otherwise = rest.pop() or ()
        return new(
            ir.If, condition=condition, then=tuple(rest), otherwise=otherwise, span=self.span(meta)
        )

    def else_block(self, meta: Any, children: list[Any]) -> tuple[Any, ...]:
        return tuple(children)

    def split_step(self, meta: Any, children: list[Any]) -> ir.Split:
        return new(ir.Split, arms=tuple(children), span=self.span(meta))

    def arm(self, meta: Any, children: list[Any]) -> ir.SplitArm:
        percent, step = children
        return new(ir.SplitArm, percent=self._percent(percent), step=step, span=self.span(meta))

    def handoff(self, meta: Any, children: list[Any]) -> ir.Handoff:
        condition, *sends = children
        return new(ir.Handoff, condition=condition, sends=tuple(sends), span=self.span(meta))

    def handoff_send(self, meta: Any, children: list[Token]) -> ir.HandoffSend:
        return new(
            ir.HandoffSend,
            content=str(children[0]),
            within=self._duration(children[1]),
            span=self.span(meta),
            content_span=span_of(children[0]),
        )

    # The list literal's rule is named `list`; its method stays last in the class, so that
    # `list[...]` in the annotations above it still means the builtin (mypy reads class scope).
    def list(self, meta: Any, children: list[Any]) -> ir.ListLit:
        items = tuple(c for c in children if c is not None)
        return new(ir.ListLit, items=items, span=self.span(meta))


def build_items(
    tree: Tree, file: str, source: str | None = None
) -> tuple[list[Any], list[Diagnostic], bool]:
    """The top-level items of a parse tree, as nodes or tagged tuples, any build mistakes, and
    whether params must be bound (`dsl.params.bind`: a `param` line, or a name where a literal
    stands). The tree is used up: each item's subtree is let go once the item is built.

    With `source` (the normalised text), spans of line constructs end on their own line."""
    builder = Builder(file, source.split("\n") if source is not None else None)
    builder.params = {
        str(item.children[0]) for item in tree.children if getattr(item, "data", "") == "param_decl"
    }
    if getattr(builder, tree.data, None) is not None:
        items = list(builder.build(tree).children)
    else:
        items = []
        children = tree.children
        for i, child in enumerate(children):  # each item built, then its subtree let go: the
            items.append(builder.build(child) if isinstance(child, Tree) else child)
            children[i] = None  # tree and the items never both stand whole in memory
    return items, builder.diagnostics, builder.has_refs or bool(builder.params)
