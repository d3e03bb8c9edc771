"""Resolving the built-in calls: count, days_since, opened/clicked/replied, in_sequence.

A mixin of `Resolver` (it uses the resolver's `names`, `condition` and `error`); `Scope` and
`UNKNOWN` live here so that both modules can use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dsl import codes, ir
from dsl.diagnostics import did_you_mean
from dsl.fastnode import new, replace

if TYPE_CHECKING:
    from dsl.resolve import Names

UNKNOWN = "?"
_CONTENT_FUNCS = ("opened", "clicked", "replied")
_FUNCS = ("count", "days_since", "in_sequence", *_CONTENT_FUNCS)


@dataclass
class Scope:
    """Where an expression stands: inside a `where` (event props), inside `wait until`."""

    props: dict[str, str] | None = None
    event: str | None = None
    wait_until: bool = False


class CallResolution:
    names: Names

    def error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        raise NotImplementedError

    def condition(self, expr: Any, scope: Scope | None = None, what: str = "condition") -> Any:
        raise NotImplementedError

    def _r_call(self, e: ir.Call, scope: Scope) -> tuple[Any, str]:
        func = e.func
        if func not in _FUNCS:
            name_span = replace(e.span, end_line=e.span.line, end_column=e.span.column + len(func))
            self.error(
                codes.UNKNOWN_FUNCTION,
                f"unknown function '{func}'",
                name_span,
                did_you_mean(func, _FUNCS) or f"the functions are {', '.join(_FUNCS)}",
            )
            return e, UNKNOWN
        arg = e.args[0]
        if func != "count" and (e.where is not None or e.window is not None):
            extra = "'where'" if e.where is not None else "a time window"
            self.error(codes.BAD_CALL, f"{func}(...) takes one name, not {extra}", e.span)
        if func == "count":
            return self._count(e, arg)
        if func == "days_since":
            event = self._arg_name(arg, "event", {**self.names.events, "last_engagement": {}})
            return new(
                ir.DaysSince, event=event or "?", span=e.span
            ), "number" if event else UNKNOWN
        if func == "in_sequence":
            seq = self._arg_name(arg, "sequence", dict.fromkeys(self.names.sequences))
            return new(ir.InSequence, sequence=seq or "?", span=e.span), "bool" if seq else UNKNOWN
        content = self._arg_name(arg, "content", self.names.contents)
        return new(ir.ContentCheck, action=func, content=content or "?", span=e.span), (
            "bool" if content else UNKNOWN
        )

    def _count(self, e: ir.Call, arg: Any) -> tuple[Any, str]:
        event = self._arg_name(arg, "event", self.names.events)
        where = None
        if e.where is not None and event:
            where = self.condition(
                e.where, Scope(props=self.names.events[event], event=event), "'where'"
            )
        if e.window is None:
            self.error(
                codes.BAD_CALL,
                "count(...) needs a time window",
                e.span,
                f"write count({getattr(arg, 'name', 'clicked')}, 30d)",
            )
        if not event or e.window is None:
            return e, UNKNOWN
        return new(ir.Count, event=event, where=where, window=e.window, span=e.span), "number"

    def _arg_name(self, arg: Any, kind: str, pool: dict[str, Any]) -> str | None:
        if not isinstance(arg, ir.Name):
            article = "an" if kind[0] in "aeiou" else "a"
            self.error(
                codes.BAD_CALL, f"this function takes the name of {article} {kind}", arg.span
            )
            return None
        if arg.name not in pool:
            self.error(
                codes.UNKNOWN_NAME,
                f"unknown {kind} '{arg.name}'",
                arg.span,
                did_you_mean(arg.name, pool),
            )
            return None
        return arg.name
