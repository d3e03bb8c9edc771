"""The literal values of rule text as the builder reads them, and `param` lines.

Numbers, durations and percentages are checked against the language's limits (dsl/limits.py) where
they are written; a param's name where a literal stands becomes a `ParamRef`, which
`dsl.params.bind` replaces by the value in force.
"""

from __future__ import annotations

from typing import Any

from lark import Token

from dsl import codes, ir
from dsl.fastnode import new
from dsl.limits import MAX_NUMBER, MAX_NUMBER_DIGITS, duration_hint, longest


def span_of(meta_or_token: Any) -> ir.Span:
    m = meta_or_token
    if getattr(m, "empty", False):
        return ir.NO_SPAN
    return new(ir.Span, line=m.line, column=m.column, end_line=m.end_line, end_column=m.end_column)


def part_span(token: Token, offset: int, width: int) -> ir.Span:
    """The span of `width` characters starting `offset` characters into a one-line token."""
    at = span_of(token)
    col = at.column + offset
    return new(ir.Span, line=at.line, column=col, end_line=at.line, end_column=col + width)


def _value_text(value: Any, kind: str) -> str:
    from dsl.params import text

    return text(value, kind) if not isinstance(value, ir.ParamRef) else value.name


class ValueBuilder:
    """Literal values and params, for `dsl.transformer.Builder`."""

    has_refs: bool

    def _error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        raise NotImplementedError

    def _ref(self, token: Token, expects: str, negative: bool = False) -> ir.ParamRef:
        """A param's name where a literal of kind `expects` stands."""
        self.has_refs = True
        return new(
            ir.ParamRef, name=str(token), expects=expects, negative=negative, span=span_of(token)
        )

    def _duration(self, token: Token) -> ir.Duration | ir.ParamRef:
        if token.type == "NAME":
            return self._ref(token, "duration")
        digits, unit = token[:-1], str(token[-1])
        if len(digits.lstrip("0")) > 12 or int(digits) > longest(unit):  # no int() of 5,000 digits
            self._error(
                codes.DURATION_RANGE,
                "this duration is longer than 100 years, the longest a duration may be",
                span_of(token),
                f"{duration_hint()}: a longer wait never ends within a campaign, and the date "
                "it ends on could not be written",
            )
            return new(ir.Duration, amount=longest(unit), unit=unit, span=span_of(token))
        return new(ir.Duration, amount=int(digits), unit=unit, span=span_of(token))

    def _number(self, token: Token, fallback: float = 0.0) -> float | ir.ParamRef:
        """A number as written, or a param's name standing in its place (see `_literal`)."""
        if token.type == "NAME":
            return self._ref(token, "number")
        return self._literal(token, fallback)

    def _literal(self, token: Token, fallback: float = 0.0) -> float:
        """A NUMBER token's value, checked against the largest number held exactly (`fallback`
        stands in for one past it, chosen so that no second error follows from it)."""
        text = str(token)
        whole = text.lstrip("+-").split(".")[0].lstrip("0")
        if len(whole) > MAX_NUMBER_DIGITS:
            self._error(
                codes.NUMBER_RANGE,
                f"this number has {len(whole)} digits before the point; the most is "
                f"{MAX_NUMBER_DIGITS}",
                span_of(token),
                f"the largest number is {MAX_NUMBER}: numbers are held as 64-bit floats, "
                f"exact only up to {MAX_NUMBER_DIGITS} digits",
            )
            return fallback
        return float(text)

    def _percent(self, token: Token) -> float | ir.ParamRef:
        """A percentage; one too large reads as infinite, outside every range the checker
        allows (holdout, decay, split arms), so it is reported there."""
        if token.type == "NAME":
            return self._ref(token, "percent")
        return float(token[:-1])

    def points(self, meta: Any, children: list[Token]) -> float | ir.ParamRef:
        return self._number(children[0])

    def points_param(self, meta: Any, children: list[Token]) -> ir.ParamRef:
        sign, name = children
        return self._ref(name, "number", negative=sign == "-")

    # ------------------------------------------------------------ params

    def param_decl(self, meta: Any, children: list[Any]) -> ir.Param:
        name, (kind, value), _, low, high = children
        if low is not None and (low[0] != kind or high[0] != kind):
            words = {"number": "numbers", "duration": "durations", "percent": "percentages"}
            example = {"number": "0..100", "duration": "1d..7d", "percent": "0%..30%"}[kind]
            self._error(
                codes.PARAM_RANGE,
                f"the range of '{name}' must be written as {words[kind]}, like its value",
                span_of(name),
                f"like: param {name} = {_value_text(value, kind)} in {example}",
            )
            low = high = None
        return new(
            ir.Param,
            name=str(name),
            type=kind,
            value=value,
            default=value,
            low=low[1] if low is not None else None,
            high=high[1] if high is not None else None,
            span=span_of(name),
        )

    def pv_number(self, meta: Any, children: list[Token]) -> tuple[str, Any]:
        return ("number", self._number(children[0]))

    def pv_negative(self, meta: Any, children: list[Token]) -> tuple[str, Any]:
        return ("number", -self._literal(children[0]))

    def pv_duration(self, meta: Any, children: list[Token]) -> tuple[str, Any]:
        return ("duration", self._duration(children[0]))

    def pv_percent(self, meta: Any, children: list[Token]) -> tuple[str, Any]:
        return ("percent", self._percent(children[0]))
