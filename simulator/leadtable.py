"""The simulated leads of one replication as columns: each lead's standing at the horizon's end.

For the TUI's leads table (filter by segment, stage, lifecycle and persona; sort by any column)
with 100k rows and more: one numpy array per column, categories as small integer codes into a
tuple of names, segments as a boolean matrix (lead x segment). A filter is then a vectorised
mask, e.g. `t.in_segment[:, t.segments.index("enterprise")] & t.sql & (t.persona == 0)`.

Times are epoch seconds (the engine's unit, `engine.format_time` formats them); NaN where the lead
never got there. Only leads that arrived within the horizon are rows, in lead order.
A replication split over shards builds one table per shard (`of_model`) and joins them (`join`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, TypedDict

import numpy as np

if TYPE_CHECKING:
    from dsl.ir import Program
    from simulator.model import Model
    from simulator.scenario import Scenario


class LeadTableRow(TypedDict):
    """One simulated lead as plain values (`SimulatedLeads.row`): None for a moment it never
    reached, a stage's name ("" before the first)."""

    id: str
    persona: str
    arrived_at: float
    stage: str
    segments: list[str]
    score: float
    mql_at: float | None
    sql_at: float | None
    customer_at: float | None
    unsubscribed_at: float | None
    sunset_at: float | None
    touches: int
    deal_value: float | None


@dataclass(frozen=True, eq=False)
class SimulatedLeads:
    """Columns of one replication's leads (`run`), one row a lead that arrived."""

    run: int
    ids: list[str]  # "L1", "L2", ...: the ids `lead_timeline` takes
    index: np.ndarray  # int64: the lead's number in the population (id "L{index + 1}")
    persona: np.ndarray  # int16 code into `personas`
    arrived_at: np.ndarray  # float64 epoch seconds
    stage: np.ndarray  # int16 code into `stages` (-1: the file has no stages)
    in_segment: np.ndarray  # bool, shape (rows, len(segments))
    score: np.ndarray  # float64: the lead's total score at the horizon's end (decay applied)
    mql_at: np.ndarray  # float64, NaN: never MQL
    sql_at: np.ndarray  # float64, NaN: never SQL
    customer_at: np.ndarray  # float64, NaN: never bought
    unsubscribed_at: np.ndarray  # float64: first unsubscribe (any channel); NaN: never
    sunset_at: np.ndarray  # float64, NaN: never sunset
    touches: np.ndarray  # int32: sends the lead received (tasks not counted)
    deal_value: np.ndarray  # float64, NaN: not a customer
    personas: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def mql(self) -> np.ndarray:
        return ~np.isnan(self.mql_at)

    @property
    def sql(self) -> np.ndarray:
        return ~np.isnan(self.sql_at)

    @property
    def customer(self) -> np.ndarray:
        return ~np.isnan(self.customer_at)

    @property
    def unsubscribed(self) -> np.ndarray:
        return ~np.isnan(self.unsubscribed_at)

    @property
    def sunset(self) -> np.ndarray:
        return ~np.isnan(self.sunset_at)

    def row(self, k: int) -> LeadTableRow:
        """Row k as plain values (names for codes, None for NaN), e.g. for a detail pane."""

        def when(x: float) -> float | None:
            return None if math.isnan(x) else float(x)

        stage = int(self.stage[k])
        return {
            "id": self.ids[k],
            "persona": self.personas[int(self.persona[k])],
            "arrived_at": float(self.arrived_at[k]),
            "stage": self.stages[stage] if stage >= 0 else "",
            "segments": [s for s, on in zip(self.segments, self.in_segment[k], strict=True) if on],
            "score": float(self.score[k]),
            "mql_at": when(self.mql_at[k]),
            "sql_at": when(self.sql_at[k]),
            "customer_at": when(self.customer_at[k]),
            "unsubscribed_at": when(self.unsubscribed_at[k]),
            "sunset_at": when(self.sunset_at[k]),
            "touches": int(self.touches[k]),
            "deal_value": when(self.deal_value[k]),
        }


def of_model(model: Model, program: Program, scenario: Scenario, run: int) -> SimulatedLeads:
    """The table of a model's own leads (one shard's, or the replication's), once it has run."""
    own = [
        (i, ident)
        for i in range(model.shard, len(model.ids), model.shards)
        if (ident := model.ids[i])
    ]
    mine = [i for i, _ in own]
    views = [model.engine.view(ident, model.end) for _, ident in own]
    stages = tuple(s.name for s in program.stages)
    segments = tuple(s.name for s in program.segments)
    stage_code = {s: k for k, s in enumerate(stages)}
    in_segment = np.zeros((len(mine), len(segments)), dtype=bool)
    column = {s: k for k, s in enumerate(segments)}
    for row, v in enumerate(views):
        for s in v.segments:
            in_segment[row, column[s]] = True
    reached = model.metrics.reached["customer"]
    nan = math.nan
    return SimulatedLeads(
        run=run,
        ids=[ident for _, ident in own],
        index=np.asarray(mine, dtype=np.int64),
        persona=np.asarray([model.pop.persona_of[i] for i in mine], dtype=np.int16),
        arrived_at=np.asarray([model.start + model.pop.arrival[i] for i in mine], dtype=float),
        stage=np.asarray([stage_code.get(v.stage, -1) for v in views], dtype=np.int16),
        in_segment=in_segment,
        score=np.asarray([v.score for v in views], dtype=float),
        mql_at=np.asarray([nan if v.mql_at is None else v.mql_at for v in views], dtype=float),
        sql_at=np.asarray([nan if v.sql_at is None else v.sql_at for v in views], dtype=float),
        customer_at=np.asarray([reached.get(i, nan) for i in mine], dtype=float),
        unsubscribed_at=np.asarray([model.unsubscribed_at.get(i, nan) for i in mine], dtype=float),
        sunset_at=np.asarray([model.sunset_at.get(i, nan) for i in mine], dtype=float),
        touches=np.asarray([model.behaviour.touches[i] for i in mine], dtype=np.int32),
        deal_value=np.asarray([model.metrics.revenue.get(i, nan) for i in mine], dtype=float),
        personas=tuple(p.name for p in scenario.personas),
        stages=stages,
        segments=segments,
    )


_COLUMNS = [f.name for f in fields(SimulatedLeads) if f.name not in ("run", "ids")]
_COLUMNS = [c for c in _COLUMNS if c not in ("personas", "stages", "segments")]


def join(tables: list[SimulatedLeads]) -> SimulatedLeads:
    """The shards' tables of one replication as one, in lead order."""
    if len(tables) == 1:
        return tables[0]
    first = tables[0]
    index = np.concatenate([t.index for t in tables])
    order = np.argsort(index, kind="stable")
    ids = [i for t in tables for i in t.ids]
    columns = {c: np.concatenate([getattr(t, c) for t in tables])[order] for c in _COLUMNS}
    return SimulatedLeads(
        run=first.run,
        ids=[ids[k] for k in order.tolist()],
        personas=first.personas,
        stages=first.stages,
        segments=first.segments,
        **columns,
    )
