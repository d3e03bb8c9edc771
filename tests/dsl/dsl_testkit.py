"""Helpers for the dsl tests: compile a snippet under a fixed header; drop spans to compare."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from dsl import compile_source, ir

HEADER = """campaign "Test"
stages awareness, consideration, decision

lead:
  company_size: number
  industry: text
  title: text
  source: one of "trial_signup", "webinar"

event webinar_attended(topic: text, minutes: number)

content welcome  email  stage awareness  cost 0.002
content tips     sms
content call     task   stage decision   cost 25

segment enterprise: company_size >= 500
segment trial:      source == "trial_signup"

score fit:
  +10 when enterprise
"""
HEADER_LINES = HEADER.count("\n")


def compile_with(body: str) -> ir.Program:
    """The checked program of HEADER followed by `body`."""
    return compile_source(HEADER + body, "test.nurture")


def bare(value: Any) -> Any:
    """The same IR with every span set to NO_SPAN, to compare with nodes written by hand."""
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            field_value = getattr(value, name)
            if name == "span" or name.endswith("_span"):
                update[name] = ir.NO_SPAN
            else:
                update[name] = bare(field_value)
        return value.model_copy(update=update)
    if isinstance(value, tuple):
        return tuple(bare(v) for v in value)
    if isinstance(value, list):
        return [bare(v) for v in value]
    return value


def segment(body_line: str) -> Any:
    """The resolved condition of `segment s: ...` written after HEADER."""
    program = compile_with(f"segment s: {body_line}\n")
    return bare(next(s.condition for s in program.segments if s.name == "s"))


def attr(name: str, type_: str = "number") -> ir.Attr:
    return ir.Attr(name=name, type=type_)


def num(value: float) -> ir.Num:
    return ir.Num(value=value)


def text(value: str) -> ir.Str:
    return ir.Str(value=value)


def days(n: int) -> ir.Duration:
    return ir.Duration(amount=n, unit="d")
