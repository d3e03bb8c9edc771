"""What `forecast` and `compare` return: typed results, whose `to_dict()` is the JSON output.

A `Forecast` holds what was forecast (file, campaign, scenario, leads, days, runs, seed, the
file's sequences and lifecycle), every figure by its flat name (`summary`, the JSON's
"forecast"), and reads them grouped by meaning:

    f.kpis.mql.mean, f.kpis.conversion_rate.low      headline figures (`groups.Kpis`)
    f.funnel[1].name, f.funnel[1].count               leads -> MQL -> SQL -> customers
    f.stages[2].name, f.stages[2].count               leads that reached each of the stages
    f.days_to.customer.median                         days from arrival
    f.channels["email"].touches, .cost, .open_rate    each channel used
    f.lift.customers                                  customers nurture adds against the holdout
    f.sequences["trial_onboarding"].steps[0].sent     each step's funnel; .arms, .holdout, .exited
    f.sales.peak_backlog, f.weekly.customers.mean     the sales queue; weekly series
    f.weekly.sales_backlog                            tasks waiting at each week's end
    f.watch                                           the report's "Watch" notes
    f.arms["trial_onboarding"].ratios.sql_rate        nurtured against holdout; the seed's ratios
    f.split_arms, f.personas, f.segments, f.contacts  each group of leads (`breakdowns.py`)
    f.funnel_path.were_sql, f.calls.refused           customers' path; what became of calls
    f.assumptions                                     what the headline rests on
    f.uncertainty                                     a fitted scenario: parameters' share of
                                                      each headline interval (`uncertainty.py`)
    f.params[0].value, f.params[0].changed            the file's params with the values in force
    f.stat("organic.demo_requested")                  any figure by its name

A `Comparison` holds each file's `Forecast` and, for each file after the first, a `Pair`: the
paired differences against the first file, read the same way (`pair.kpis.customers.clear`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING

from dsl.params import InForce
from simulator import breakdowns as bd
from simulator.figures import Difference, Series, Stat
from simulator.forecast import Summary
from simulator.groups import (
    Channel,
    DaysTo,
    FunnelStage,
    Kpis,
    Lift,
    SalesQueue,
    channels,
    days_to,
    funnel,
    kpis,
    lift,
    sales,
    stages,
)
from simulator.leadtable import SimulatedLeads
from simulator.sequence_groups import SequenceFigures, sequences
from simulator.watch import watch_notes

if TYPE_CHECKING:
    from simulator.uncertainty import WidthSplit


@dataclass(frozen=True)
class Weekly:
    """The weekly series a forecast keeps (`RunMetrics` WEEKLY); each `Series.EMPTY` if absent."""

    arrivals: Series
    touches: Series
    opens: Series
    clicks: Series
    mql: Series
    sql: Series
    customers: Series
    unsubscribes: Series
    revenue: Series
    cost: Series
    sales_backlog: Series  # handoff tasks waiting for a rep at each week's end


_WEEKLY = tuple(f.name for f in fields(Weekly))


@dataclass(frozen=True)
class Lifecycle:
    """Whether the file declares an MQL and an SQL rule."""

    mql: bool
    sql: bool


@dataclass(frozen=True, eq=False)
class Forecast:
    """R replications of one rule file, summarised (see the module docstring)."""

    file: str
    campaign: str
    scenario: str  # its path, or "default scenario (derived from the lead: block)"
    leads: int  # population size
    days: float
    runs: int
    seed: int
    sequence_names: tuple[str, ...]  # the file's sequences, in file order
    lifecycle: Lifecycle
    summary: Summary
    traces: dict[str, list[object]] | None = None  # run 0's traced sample: lead -> trail
    lead_table: SimulatedLeads | None = field(default=None, repr=False)  # run 0's leads
    assumptions: tuple[str, ...] = ()  # what the headline rests on (`assumptions.headline`)
    stage_names: tuple[str, ...] = ()  # the file's stages, in order
    # a fitted scenario's forecast: where each headline interval's width comes from
    uncertainty: tuple[WidthSplit, ...] = ()
    params: tuple[InForce, ...] = ()  # the file's params, with the values the runs used

    def stat(self, name: str) -> Stat:
        """Any figure by its flat name (`Stat.MISSING` if it was not measured)."""
        return self.summary.stats.get(name, Stat.MISSING)

    @cached_property
    def kpis(self) -> Kpis[Stat]:
        return kpis(self.stat, self.summary.stats)

    @cached_property
    def funnel(self) -> tuple[FunnelStage[Stat], ...]:
        return funnel(self.stat, self.lifecycle.mql, self.lifecycle.sql)

    @cached_property
    def stages(self) -> tuple[FunnelStage[Stat], ...]:
        return stages(self.stat, self.stage_names)

    @cached_property
    def days_to(self) -> DaysTo[Stat]:
        return days_to(self.stat)

    @cached_property
    def channels(self) -> dict[str, Channel[Stat]]:
        return channels(self.stat)

    @cached_property
    def lift(self) -> Lift[Stat]:
        return lift(self.stat)

    @cached_property
    def sequences(self) -> dict[str, SequenceFigures[Stat]]:
        s = self.summary
        return sequences(self.stat, s.stats, s.labels, self.sequence_names)

    @cached_property
    def sales(self) -> SalesQueue[Stat]:
        return sales(self.stat)

    @cached_property
    def weekly(self) -> Weekly:
        w = self.summary.weekly
        return Weekly(**{name: w.get(name, Series.EMPTY) for name in _WEEKLY})

    @cached_property
    def watch(self) -> tuple[str, ...]:
        return watch_notes(self.kpis, self.sales, self.lifecycle.mql, self.lifecycle.sql)

    @cached_property
    def arms(self) -> dict[str, bd.HoldoutArms[Stat]]:
        """Each sequence with a holdout: nurtured against held out, and the seed's ratios."""
        return bd.holdout_arms(self.stat, self.summary.stats)

    @cached_property
    def split_arms(self) -> tuple[bd.SplitArm[Stat], ...]:
        return bd.split_arms(self.stat, self.summary.stats)

    @cached_property
    def personas(self) -> dict[str, bd.GroupFigures[Stat]]:
        return bd.named_groups(self.stat, self.summary.stats, "persona")

    @cached_property
    def segments(self) -> dict[str, bd.GroupFigures[Stat]]:
        """Each segment of the file, its leads as they stand at the horizon's end."""
        return bd.named_groups(self.stat, self.summary.stats, "segment")

    @cached_property
    def contacts(self) -> tuple[bd.ContactBucket[Stat], ...]:
        return bd.contacts(self.stat)

    @cached_property
    def funnel_path(self) -> bd.FunnelPath[Stat]:
        return bd.funnel_path(self.stat)

    @cached_property
    def calls(self) -> bd.Calls[Stat]:
        return bd.calls(self.stat)

    def to_dict(self) -> dict[str, object]:
        """The JSON output (traces included when kept; the leads table never)."""
        out: dict[str, object] = {
            "file": self.file,
            "campaign": self.campaign,
            "scenario": self.scenario,
            "leads": self.leads,
            "days": self.days,
            "runs": self.runs,
            "seed": self.seed,
        }
        if self.params:
            out["params"] = {p.name: p.to_dict() for p in self.params}
        out |= {
            "sequences": list(self.sequence_names),
            "lifecycle": {"mql": self.lifecycle.mql, "sql": self.lifecycle.sql},
            "forecast": self.summary.to_dict(),
        }
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        if self.traces is not None:
            out["traces"] = self.traces
        if self.uncertainty:
            out["uncertainty"] = [w.to_dict() for w in self.uncertainty]
        return out


@dataclass(frozen=True, eq=False)
class Pair:
    """`other` against `base` on common random numbers: every figure's paired difference."""

    base: str  # file
    other: str
    differences: dict[str, Difference]  # by flat name, as `Forecast.stat`
    sequence_names: tuple[str, ...] = ()  # the base file's, for the order of `sequences`
    stage_names: tuple[str, ...] = ()  # the base file's, in order

    def difference(self, name: str) -> Difference:
        return self.differences.get(name, Difference.MISSING)

    @cached_property
    def kpis(self) -> Kpis[Difference]:
        return kpis(self.difference, self.differences)

    @cached_property
    def stages(self) -> tuple[FunnelStage[Difference], ...]:
        return stages(self.difference, self.stage_names)

    @cached_property
    def days_to(self) -> DaysTo[Difference]:
        return days_to(self.difference)

    @cached_property
    def lift(self) -> Lift[Difference]:
        return lift(self.difference)

    @cached_property
    def sequences(self) -> dict[str, SequenceFigures[Difference]]:
        return sequences(self.difference, self.differences, {}, self.sequence_names)

    @cached_property
    def sales(self) -> SalesQueue[Difference]:
        return sales(self.difference)

    @cached_property
    def arms(self) -> dict[str, bd.HoldoutArms[Difference]]:
        return bd.holdout_arms(self.difference, self.differences)

    @cached_property
    def split_arms(self) -> tuple[bd.SplitArm[Difference], ...]:
        return bd.split_arms(self.difference, self.differences)

    @cached_property
    def personas(self) -> dict[str, bd.GroupFigures[Difference]]:
        return bd.named_groups(self.difference, self.differences, "persona")

    @cached_property
    def segments(self) -> dict[str, bd.GroupFigures[Difference]]:
        return bd.named_groups(self.difference, self.differences, "segment")

    @cached_property
    def contacts(self) -> tuple[bd.ContactBucket[Difference], ...]:
        return bd.contacts(self.difference)

    @cached_property
    def funnel_path(self) -> bd.FunnelPath[Difference]:
        return bd.funnel_path(self.difference)

    def to_dict(self) -> dict[str, object]:
        return {
            "base": self.base,
            "other": self.other,
            "differences": {k: d.to_dict() for k, d in self.differences.items()},
        }


@dataclass(frozen=True, eq=False)
class Comparison:
    """Several files on the same leads and streams: each one's forecast, and each file after
    the first against the first (`pairs[k]` is `files[k + 1]` against `files[0]`)."""

    files: tuple[Forecast, ...]
    pairs: tuple[Pair, ...]
    # when the files' `lead:` blocks differ: whose block the leads follow, and how they differ
    # (`simulator/compare_population.py`); empty when they agree
    population: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "files": [f.to_dict() for f in self.files],
            "comparisons": [p.to_dict() for p in self.pairs],
        }
        if self.population:
            out["population"] = list(self.population)
        return out
