"""The nurture engine: compiled rules, lead state, sequences and policy, on any clock.

model.py      Lead, Event, Action, TraceEntry, Explanation, LeadView (the API's values)
times.py      times read (ISO 8601, UTC without an offset) and written (YYYY-MM-DDTHH:MM:SSZ)
core.py       Engine: add_lead / update_lead / ingest, per-event-type plans
timers.py     next_due / advance: the timer queue (timerq.py) of steps and wakes
compiled.py   a checked Program compiled once: conditions, event rules by type, sequences
codegen.py    conditions -> generated Python source, run with no builtins
fused.py      generated per-program round, and per event type one function: recording,
              points, round, exits, enrolments (the hot path of a one-program engine)
rounds.py     recording events, points and caps, stage/flag/handoff changes (slow paths)
sequencer.py  exits, enrolments, steps, sends under limits and quiet hours
analysis.py   compile-time: attribute-only conditions, time sources to wake on
timecross.py  the next instant time alone can turn a rule (days_since, counts, decay)
policy.py     SHA-256 holdout/split fractions, limits, quiet hours in the lead's zone
regexguard.py `matches` on RE2 (linear time), patterns compiled once, recent answers kept
state.py      per-lead state: __slots__, shared tuples for rarely changed values, containers
              made on first use; reading.py explain, view, stage, snapshots
"""

from engine.core import Engine
from engine.model import Action, Event, Explanation, Lead, LeadView, TraceEntry
from engine.times import format_time, parse_time

__all__ = [
    "Action",
    "Engine",
    "Event",
    "Explanation",
    "Lead",
    "LeadView",
    "TraceEntry",
    "format_time",
    "parse_time",
]
