"""The synthetic population of one replication: who arrives when, with which attributes.

Drawn column-wise with numpy from named streams, so it depends only on (scenario, seed, run) and
never on the rule file: two files compared on the same run see the very same leads. Lead `i`
(ordered by arrival) has id `L{i+1}` (`lead_id` below, the one place that says so); a lead's
attributes are built only when it arrives.

Columns are compact (a few bytes a lead, no Python object per value): a column of few distinct
values (text, choices, rounded numbers) is an array of codes (-1: missing) into a table of its
values, so every lead with the same value gets the very same object (the engine keeps a lead's
attributes: shared values cost it nothing per lead); a numeric column of many distinct values is
an `array('d')` with NaN for missing.
"""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import numpy as np

from simulator.distributions import Constant
from simulator.scenario import Population as PopulationSpec
from simulator.scenario import Scenario
from simulator.streams import Streams

DAY = 86400.0


Column = tuple[array, list[object] | None]  # (values or codes, table of values or None)


# ------------------------------------------------------------------ lead ids, defined here only


def lead_id(i: int) -> str:
    """The id of lead `i` (0-based, in arrival order): `L1`, `L2`, ..."""
    return f"L{i + 1}"


def lead_index(lead: str) -> int:
    """`i` of an id `lead_id(i)` made (fast: the id must be one)."""
    return int(lead[1:]) - 1


def find_lead_index(text: str) -> int | None:
    """`i` when `text` is the id of a synthetic lead (`L` and a whole number from 1), else None."""
    digits = text[1:]
    if text[:1] != "L" or not (digits.isascii() and digits.isdigit()) or digits.startswith("0"):
        return None
    return int(digits) - 1


MAX_TABLE = 1 << 15  # more distinct numbers than this: a column of floats


def compact(values: list[object]) -> Column:
    """A column of per-lead values (None: missing) in its compact form."""
    if all(v is None or type(v) is float for v in values):
        distinct = {v for v in values if isinstance(v, float)}  # all but the missing
        if len(distinct) >= MAX_TABLE or any(math.copysign(1.0, v) < 0 for v in distinct if not v):
            return array("d", [math.nan if v is None else v for v in values]), None
    table: dict[object, int] = {}
    codes = [-1 if v is None else table.setdefault(v, len(table)) for v in values]
    return array(_typecode(len(table)), codes), list(table)


def _typecode(values: int) -> str:
    """The smallest signed array type that holds codes 0..values-1 and -1."""
    return "b" if values < 1 << 7 else "h" if values < 1 << 15 else "i"


@dataclass
class Population:
    arrival: np.ndarray  # seconds after the start, ascending, whole seconds
    persona: np.ndarray  # persona index of each lead
    readiness: np.ndarray  # latent buying readiness at arrival, 0..1
    columns: dict[str, Column]  # attribute -> compact column (see `compact`)
    dropout: np.ndarray | None = None  # each lead's drop-out propensity (None: 1 for all)
    alone: np.ndarray | None = None  # whether each lead may buy without sales (None: all may)

    def __post_init__(self) -> None:
        self.persona_of = array(
            _typecode(int(self.persona.max(initial=0)) + 1), self.persona.tolist()
        )  # fast per-lead lookups
        self._columns = list(self.columns.items())

    def __len__(self) -> int:
        return len(self.arrival)

    def attrs(self, i: int) -> dict[str, object]:
        out = {}
        for name, (column, table) in self._columns:
            value = column[i]
            if table is None:
                if value == value:  # not NaN
                    out[name] = value
            elif value >= 0:
                out[name] = table[value]
        return out


def arrival_times(spec: PopulationSpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """Arrival instants (seconds after the start) for n leads, ascending, whole seconds."""
    horizon = spec.days * DAY
    if spec.arrivals == "all_at_once" or n == 0:
        return np.zeros(n)
    if spec.arrivals == "steady":
        times = rng.uniform(0.0, horizon, n)
    else:
        weeks = int(np.ceil(spec.days / 7))
        volumes = np.array((spec.weekly + [0.0] * weeks)[:weeks], dtype=float)
        if volumes.sum() <= 0:
            volumes = np.ones(weeks)
        counts = rng.multinomial(n, volumes / volumes.sum())
        week = np.repeat(np.arange(weeks), counts)
        times = (week + rng.uniform(0.0, 1.0, n)) * 7 * DAY
        times = np.minimum(times, horizon - 1)
    return np.sort(np.floor(times))


def generate(scenario: Scenario, n: int, streams: Streams) -> Population:
    """Draw n leads for one replication (personas, readiness, attributes, arrival times)."""
    personas = scenario.personas
    shares = np.array([p.share for p in personas], dtype=float)
    persona = streams.generator("persona").choice(len(personas), size=n, p=shares / shares.sum())
    persona = persona.astype(np.min_scalar_type(max(len(personas) - 1, 0)))
    readiness = np.zeros(n)
    names = sorted({a for p in personas for a in p.attributes})
    columns: dict[str, list[object]] = {a: [None] * n for a in names}
    for k, spec in enumerate(personas):
        members = np.flatnonzero(persona == k)
        if len(members) == 0:
            continue
        rng = streams.generator(f"persona:{k}:readiness")
        drawn = np.asarray(spec.readiness.draw(rng, len(members)), dtype=float)
        readiness[members] = np.clip(drawn, 0.0, 1.0)
        for attr in names:
            dist = spec.attributes.get(attr)
            if dist is None:
                continue
            # one stream per attribute: a file with an extra attribute shifts no other draw
            values = dist.draw(streams.generator(f"persona:{k}:attr:{attr}"), len(members))
            column = columns[attr]
            for idx, value in zip(members.tolist(), values, strict=True):
                column[idx] = value
    arrival = arrival_times(scenario.population, n, streams.generator("arrivals"))
    return Population(
        arrival=arrival,
        persona=persona,
        readiness=readiness,
        columns={name: compact(values) for name, values in columns.items()},
        dropout=_dropout(scenario, persona, streams),
        alone=_alone(scenario, n, streams),
    )


def _dropout(scenario: Scenario, persona: np.ndarray, streams: Streams) -> np.ndarray | None:
    """Each lead's drop-out propensity (>= 0), or None when every persona leaves it at 1."""
    specs = [p.dropout for p in scenario.personas]
    if all(isinstance(d, Constant) and d.value == 1.0 for d in specs):
        return None
    out = np.ones(len(persona))
    for k, spec in enumerate(specs):
        members = np.flatnonzero(persona == k)
        if len(members):
            drawn = spec.draw(streams.generator(f"persona:{k}:dropout"), len(members))
            out[members] = np.maximum(np.asarray(drawn, dtype=float), 0.0)
    return out


def _alone(scenario: Scenario, n: int, streams: Streams) -> np.ndarray | None:
    """Whether each lead may buy on its own (a sales-led funnel's `buys_alone`), or None: all."""
    share = scenario.sales.alone_share()
    if share >= 1.0:
        return None
    return streams.generator("buys_alone").random(n) < share
