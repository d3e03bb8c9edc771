"""The nurture engine: compiled rules, lead state, sequences and policy, on any clock."""

from engine.core import Engine
from engine.model import Action, Event, Explanation, Lead, LeadView, TraceEntry, fmt_time

__all__ = ["Action", "Engine", "Event", "Explanation", "Lead", "LeadView", "TraceEntry",
           "fmt_time"]
