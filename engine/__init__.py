"""The nurture engine: compiled rules, lead state, sequences and policy, on any clock.

One public class, `Engine` (its public calls are listed on it), and the values of its API
(`model.py`): `Lead`, `Event` in; `Action`, `TraceEntry`, `Explanation`, `LeadView`,
`NextStep` out; times
are float seconds since the Unix epoch, UTC (`times.py`: `format_time`, `parse_time`). Import
them from here: nothing outside `engine/` imports a module of it or reads a private name
(tests/test_engine_boundary.py).

    core.py      Engine: leads, events, the public calls
    model.py     the API's values; times.py times read and written, defined once
    compiler/    a checked Program compiled once: conditions and every rule to generated Python
                 (one module per program, readable: `Engine.generated_source`), event rules by
                 type, flattened sequences, time sources; `compiler/calls.py` declares what
                 generated code calls on the engine; `compiler/shared.py` shares a compiled
                 program between the engines of a process (`compile_count()`)
    runtime/     running it: per-lead state, recording events, rounds (points, fit, stages,
                 flags, handoffs), sequences and sends under policy, timers, reading and saving
                 a lead (snapshot, layout, migration to changed rules)
"""

from engine.compiler.shared import compile_count
from engine.core import Engine
from engine.model import (
    ACTION_KINDS,
    Action,
    Event,
    Explanation,
    Lead,
    LeadView,
    NextStep,
    TraceEntry,
)
from engine.times import format_time, parse_time

__all__ = [
    "ACTION_KINDS",
    "Action",
    "Engine",
    "Event",
    "Explanation",
    "Lead",
    "LeadView",
    "NextStep",
    "TraceEntry",
    "compile_count",
    "format_time",
    "parse_time",
]
