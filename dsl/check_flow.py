"""Checks of what happens to a lead: sequences (headers, steps, splits) and the sales handoff.

A mixin of `Checker`: it uses the checker's `names`, `resolver` and `error`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dsl import codes, ir
from dsl.diagnostics import did_you_mean
from dsl.fastnode import new, replace
from dsl.resolve import Scope

if TYPE_CHECKING:
    from dsl.diagnostics import Diagnostic
    from dsl.resolve import Names, Resolver


class FlowChecks:
    names: Names
    resolver: Resolver
    diagnostics: list[Diagnostic]

    def error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        raise NotImplementedError

    def _handoff(self, h: ir.Handoff) -> ir.Handoff:
        cond = self.resolver.condition(h.condition, what="handoff condition")
        for send in h.sends:
            content = self._content_ref(send.content, send.content_span)
            if content is not None and content.channel != ir.SALES_CHANNEL:
                self.error(
                    codes.NOT_A_TASK,
                    f"'{send.content}' is {content.channel} content; a handoff sends sales tasks",
                    send.content_span,
                    "declare it with channel 'task'",
                )
        return replace(h, condition=cond)

    def _content_ref(self, name: str, span: ir.Span) -> ir.ContentDecl | None:
        if name not in self.names.contents:
            self.error(
                codes.UNKNOWN_NAME,
                f"unknown content '{name}'",
                span,
                did_you_mean(name, self.names.contents),
            )
            return None
        return self.names.contents[name]

    # ------------------------------------------------------------ sequences

    def _sequence(self, name: str, span: ir.Span, lines: list[Any]) -> ir.Sequence:
        fields: dict[str, Any] = {"name": name, "span": span}
        steps: list[Any] = []
        for line in lines:
            if not isinstance(line, tuple):
                steps.append(line)
                continue
            key, value, line_span = line
            if steps:
                self.error(
                    codes.HEADER_AFTER_STEP,
                    f"'{key}' must come before the first step",
                    line_span,
                    "put 'for', 'enter', 'exit when', 'holdout', "
                    "'reenter after' and 'limit' at the top of the sequence",
                )
            elif _field(key) in fields:
                self.error(
                    codes.DUPLICATE,
                    f"this sequence already has a '{key}' line",
                    line_span,
                    "keep one; join conditions with 'and' or 'or'",
                )
            else:
                fields[_field(key)] = self._header(key, value)
        if "enter" not in fields:
            self.error(
                codes.NO_ENTER,
                f"sequence '{name}' never enrols anyone",
                span,
                "add 'enter on EVENT' or 'enter when CONDITION'",
            )
        if not steps:
            self.error(
                codes.NO_STEPS, f"sequence '{name}' has no steps", span, "add at least one 'send'"
            )
        fields["steps"] = self._steps(steps)
        return new(ir.Sequence, **fields)

    def _header(self, key: str, value: Any) -> Any:
        if key == "for":
            return self.resolver.condition(value, what="audience")
        if key == "exit when":
            return self.resolver.condition(value, what="exit condition")
        if key == "enter":
            if isinstance(value, ir.EnterWhen):
                cond = self.resolver.condition(value.condition, what="entry condition")
                return replace(value, condition=cond)
            if value.event not in self.names.events:
                self.error(
                    codes.UNKNOWN_NAME,
                    f"unknown event '{value.event}'",
                    value.event_span,
                    did_you_mean(value.event, self.names.events),
                )
                return value
            if value.where is not None:
                scope = Scope(props=self.names.events[value.event], event=value.event)
                return replace(value, where=self.resolver.condition(value.where, scope, "'where'"))
            return value
        if key == "holdout":
            percent, span = value
            if not 0 <= percent < 100:
                self.error(
                    codes.BAD_PERCENT,
                    "a holdout is a percentage from 0% to below 100%",
                    span,
                    "a control group is a small share, like 10%",
                )
            return percent
        return value

    def _steps(self, steps: list[Any]) -> tuple[Any, ...]:
        return tuple(self._step(s) for s in steps)

    def _step(self, step: Any) -> Any:
        if isinstance(step, ir.Send):
            self._content_ref(step.content, step.content_span)
            when = None
            if step.when is not None:
                when = self.resolver.condition(step.when, what="send condition")
            return replace(step, when=when)
        if isinstance(step, ir.WaitUntil):
            cond = self.resolver.condition(step.condition, Scope(wait_until=True), "wait condition")
            return replace(step, condition=cond)
        if isinstance(step, ir.If):
            cond = self.resolver.condition(step.condition, what="'if' condition")
            return replace(
                step,
                condition=cond,
                then=self._steps(list(step.then)),
                otherwise=self._steps(list(step.otherwise)),
            )
        if isinstance(step, ir.Split):
            total = sum(arm.percent for arm in step.arms)
            if abs(total - 100) > 1e-9:
                self.error(
                    codes.SPLIT_TOTAL,
                    f"the arms of this split add up to {total:g}%, not 100%",
                    step.span,
                    "make the percentages total 100%",
                )
            arms = tuple(replace(a, step=self._step(a.step)) for a in step.arms)
            return replace(step, arms=arms)
        return step


def _field(key: str) -> str:
    return {"for": "audience", "exit when": "exit", "reenter after": "reenter_after"}.get(key, key)
