"""A scenario with one knob changed, by its path: what a fit writes and what a draw changes.

Paths are the scenario's TOML paths, a persona by its name and an organic or arrival event by
its event type: `behaviour.click.email`, `sales.close_rate`, `sales.days_to_close.median`,
`personas.new_customer.behaviour.conversion_per_visit`, `personas.P.organic.visited.per_day`,
`personas.P.on_arrival.signed_up.probability`, `personas.P.responsiveness.email`. Two knobs
take a number for a distribution: `personas.P.readiness` (a constant readiness) and
`personas.P.dropout` (the share of patient leads: drop-out d0 for them, 1 for the rest) and
`personas.P.dropout_low` (d0: 0, the default, for leads who never refuse nor unsubscribe). A
list by call number takes its call number (from 1): `behaviour.task_refuse_by_call.2` is the
second call's multiplier (`by_number`). A value given as a table with a `dist` key is a
distribution.

`set_knob` copies the models along the path (`model_copy`, no validation: a draw per
replication must not re-read a scenario's CSV files); the caller gives values of the right
type and range (`simulator/uncertainty.py` clips draws to each knob's range).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter

from dsl.errors import InternalError
from simulator.distributions import Constant, Discrete, Dist
from simulator.scenario import ArrivalEvent, OrganicEvent, Persona, PersonaBehaviour, Scenario

_DIST = TypeAdapter(Dist)
# knobs whose value must stay in [0, 1]
PROBABILITIES = (
    "click",
    "open",
    "reply",
    "bounce",
    "unsubscribe",
    "conversion_per_visit",
    "task_answer",
    "task_refuse",
    "close_rate",
    "probability",
    "readiness",
    "dropout",
    "dropout_low",
)


def upper_bound(path: str) -> float | None:
    """1.0 for a knob that is a chance, else None (a rate, a multiplier, an effect)."""
    parts = path.split(".")
    return 1.0 if any(p in PROBABILITIES for p in parts[-2:]) else None


def value_of(value: Any) -> Any:
    """A distribution for a table with a `dist` key; anything else as it is."""
    if isinstance(value, dict) and "dist" in value:
        return _DIST.validate_python(value)
    return value


def set_knob(scenario: Scenario, path: str, value: Any) -> Scenario:
    """The scenario with the knob at `path` set to `value` (see the module docstring)."""
    parts = path.split(".")
    if parts[0] == "personas":
        if len(parts) < 3:
            raise InternalError(f"knob path {path!r}: a persona and a field are needed")
        personas = list(scenario.personas)
        names = [p.name for p in personas]
        if parts[1] not in names:
            raise InternalError(f"knob path {path!r}: no persona {parts[1]!r}")
        k = names.index(parts[1])
        personas[k] = _persona(personas[k], parts[2:], value)
        return scenario.model_copy(update={"personas": personas})
    return _set(scenario, parts, value)


def _persona(persona: Persona, parts: list[str], value: Any) -> Persona:
    head = parts[0]
    if head == "readiness" and not isinstance(value, dict):
        return persona.model_copy(update={"readiness": Constant(value=float(value))})
    if head == "dropout" and not isinstance(value, dict):
        w, low = float(value), _low(persona.dropout)
        dist = Discrete(values=[1.0, low], weights=[1 - w, w]) if w > 0 else Constant(value=1.0)
        return persona.model_copy(update={"dropout": dist})
    if head == "dropout_low":
        d = persona.dropout
        if not (isinstance(d, Discrete) and len(d.values) == 2):
            return persona  # no patient share: nothing to set
        dist = d.model_copy(update={"values": [1.0, float(value)]})
        return persona.model_copy(update={"dropout": dist})
    if head in ("organic", "on_arrival"):
        return _event_list(persona, head, parts[1:], value)
    if head == "behaviour" and persona.behaviour is None:
        persona = persona.model_copy(update={"behaviour": PersonaBehaviour()})
    return _set(persona, parts, value)


def _low(dropout: object) -> float:
    """The patient leads' drop-out of a two-point drop-out [1, d0] (0 when there is none)."""
    if isinstance(dropout, Discrete) and len(dropout.values) == 2:
        return float(min(dropout.values))
    return 0.0


def _event_list(persona: Persona, head: str, parts: list[str], value: Any) -> Persona:
    """An organic event (or event at arrival) of a type: set, or added when the persona has
    none of it yet."""
    items: list[OrganicEvent | ArrivalEvent]
    items = list(persona.organic) if head == "organic" else list(persona.on_arrival)
    kinds = [item.event for item in items]
    if parts[0] in kinds:
        k = kinds.index(parts[0])
    else:
        new: OrganicEvent | ArrivalEvent
        if head == "organic":
            new = OrganicEvent(event=parts[0], props={}, per_day=0.0)
        else:
            new = ArrivalEvent(event=parts[0], props={})
        items.append(new)
        k = len(items) - 1
    items[k] = _set(items[k], parts[1:], value)
    return persona.model_copy(update={head: items})


def _set(model: Any, parts: list[str], value: Any) -> Any:
    head, rest = parts[0], parts[1:]
    if isinstance(model, dict):
        current = model.get(head)
        return {**model, head: _set(current, rest, value) if rest else _leaf(value)}
    if not isinstance(model, BaseModel) or head not in type(model).model_fields:
        raise InternalError(f"knob path: no field {head!r} in {type(model).__name__}")
    current = getattr(model, head)
    if len(rest) == 1 and rest[0].isdigit() and isinstance(current, list | None):
        return model.model_copy(update={head: by_number(current or [], int(rest[0]), value)})
    if rest:
        if current is None and len(rest) == 1:
            current = {}  # a persona's per-channel table, not set yet
        if current is None:
            raise InternalError(f"knob path: {head!r} is not set, so {rest[0]!r} cannot be")
        new = _set(current, rest, value)
    else:
        new = (
            _leaf(value)
            if not isinstance(current, dict) or not isinstance(value, dict)
            else {k: _leaf(v) for k, v in value.items()}
        )
    return model.model_copy(update={head: new})


def by_number(values: list[float], n: int, value: float) -> list[float]:
    """A list by call number (`task_refuse_by_call`, the last for every later call) with its
    n-th (from 1) set to `value`; a shorter one first runs on with its last (or 1: none)."""
    out = list(values)
    while len(out) < n - 1:
        out.append(out[-1] if out else 1.0)
    if len(out) < n:
        out.append(float(value))
    else:
        out[n - 1] = float(value)
    return out


def _leaf(value: Any) -> Any:
    return value_of(value)
