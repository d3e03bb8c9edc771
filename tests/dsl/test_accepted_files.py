"""Property: every file `nurture check` accepts compiles in the engine, runs, and formats to a file
that checks and means the same (the same IR, spans aside); formatting twice changes nothing.

The files come from `rulegen.rule_file` (every construct of the language, typed expressions,
redundant parentheses, comments); the file must check, since the generator writes only what
DSL.md allows.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from rulegen import rule_file

from dsl import check_source
from dsl.format import format_source
from engine import Engine, Event, Lead

DAY = 86400.0
T0 = 1767607200.0  # 2026-01-05T10:00:00Z


def meaning(program: Any) -> Any:
    """The program's IR without spans and path: what it means, not where it was written."""

    def strip(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if "span" not in k and k != "path"}
        if isinstance(data, list | tuple):
            return [strip(v) for v in data]
        return data

    return strip(program.model_dump())


def run(program: Any) -> None:
    engine = Engine([program], seed=3)
    attrs = {"size": 700, "revenue": "12.5", "title": "VP, head of sales", "source": "web"}
    engine.add_lead(Lead("L1", T0, attrs), T0)
    events = [
        ("signed_up", {}),
        ("visited", {"page": "pricing"}),
        ("clicked", {"content": "c0", "channel": "email"}),
        ("webinar", {"topic": "x", "minutes": 45}),
    ]
    for n, (typ, props) in enumerate(events, start=1):
        engine.ingest(Event(f"e{n}", "L1", typ, T0 + n * 3600, props), T0 + n * 3600)
    engine.advance(T0 + 120 * DAY)
    assert engine.explain("L1").lead == "L1"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_file())
def test_an_accepted_file_compiles_runs_and_formats_to_the_same_meaning(text: str) -> None:
    program, diagnostics = check_source(text, "gen.nurture")
    assert diagnostics == [] and program is not None, (text, diagnostics)
    run(program)
    formatted = format_source(text, "gen.nurture")
    again, diagnostics = check_source(formatted, "gen.nurture")
    assert diagnostics == [] and again is not None, (formatted, diagnostics)
    assert meaning(again) == meaning(program)
    assert format_source(formatted, "gen.nurture") == formatted
