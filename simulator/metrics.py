"""What one replication measured: counters fed by the model, summarised as flat numbers.

`RunMetrics.result()` returns `{"scalars": {dotted name: number}, "weekly": {name: [per week]}}`.
Flat dotted names (`touches.email`, `lift.trial_onboarding.holdout_rate`) make aggregation over
replications and comparison between files one loop each. NaN means "not measurable in this run"
(no SQL at all, say); it is skipped when averaging.

Every number is independent of the order of the calls between leads, so the leads of one
replication may be split over shards (one `RunMetrics` each) and the shards merged
(`RunMetrics.merge`) into exactly, to the last bit, what one `RunMetrics` fed every call gives.
Counters only ever add 1 (exact in floats in any order); a sum of money is kept as its parts —
sends and tasks counted per content (ints), each customer's deal value — and summed in `result()`
with `math.fsum` (correctly rounded, so independent of the order of its terms).
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, NotRequired, Protocol, TypedDict

import numpy as np

from dsl.ir import LEAD_CHANNELS, Program
from engine import Action
from simulator import metrics_groups as groups
from simulator.behaviour import CALL_OUTCOMES
from simulator.metrics_parts import (
    Members,
    add_counts,
    add_rows,
    by_name,
    float_counter,
    keep_least,
    median_p90,
    merge_columns,
    split_steps,
)
from simulator.population import DAY

if TYPE_CHECKING:
    from simulator.leadtable import SimulatedLeads


class ByLead(Protocol):
    """lead index -> a number (the arrival instants, read from the population)."""

    def __getitem__(self, i: int, /) -> float: ...


class RunRecord(TypedDict):
    """One replication's record (`RunMetrics.result`; the replication adds its labels, traces and
    simulated leads when asked)."""

    scalars: dict[str, float]  # every figure by its dotted name
    weekly: dict[str, list[float]]  # the weekly series by name
    labels: NotRequired[dict[str, str]]  # `sequence.step` -> the content it sends
    traces: NotRequired[dict[str, list[object]]]  # lead id -> its explain trail
    leads: NotRequired[SimulatedLeads]


_RESPONSES = {
    "opened": "opens",
    "clicked": "clicks",
    "replied": "replies",
    "unsubscribed": "unsubscribes",
    "bounced": "bounces",
}
WEEKLY = (
    "arrivals",
    "touches",
    "opens",
    "clicks",
    "mql",
    "sql",
    "customers",
    "unsubscribes",
    "revenue",
    "cost",
    "sales_backlog",
)
# counted 1.0 a call; the others are sums of money or counts made in `result()`
_COUNTED = tuple(k for k in WEEKLY if k not in ("touches", "revenue", "cost", "sales_backlog"))
_WEEK = 7 * DAY
WITHIN_DAYS = (7, 30, 90)  # the cumulative conversion curve's points (`converted_within.D`)


class RunMetrics:
    """The counters of one replication, or of one shard of its leads.

    Merge contract (`merge`): shards of one replication — same program, start, days and `n`,
    each lead's calls all in one shard and in their order — merge, in any order and grouping,
    into a `RunMetrics` whose `result()` is identical to the last bit to that of one `RunMetrics`
    fed every call in any interleaving of the leads. `result()` does not change the counters,
    so it may be called before or after a merge, any number of times.
    """

    def __init__(self, program: Program, start: float, days: float, n: int = 0) -> None:
        self.start = start
        self.n = n
        self.days = days
        self.weeks = max(1, math.ceil(days / 7))
        # an action without content (None) costs nothing
        self.cost_of: dict[str | None, float] = {c.name: c.cost for c in program.contents}
        self.sequences = [s.name for s in program.sequences]
        self.stage_names = [s.name for s in program.stages]
        self.in_stage = [0] * len(self.stage_names)  # leads by their stage at the end
        self.split_of = split_steps(program)
        self.count: dict[str, float] = defaultdict(float)  # each a sum of 1.0s, never of money
        # counters named by parts (sequence, reason), joined into `count` names by `result()`
        self.tally: dict[tuple[str | None, ...], int] = defaultdict(int)
        self.weekly = {k: [0.0] * self.weeks for k in _COUNTED}
        # content -> how many sends (tasks) of it each week, the last slot outside the weeks
        self.sends: dict[str, list[int]] = {}
        self.tasks: dict[str | None, list[int]] = {}
        self.channel_of: dict[str, str] = {}  # content -> its channel (as the engine sent it)
        self.revenue: dict[int, float] = {}  # customer -> deal value (a lead buys at most once)
        self.arrived: ByLead | None = None  # set by the model: lead -> arrival
        self.reached: dict[str, dict[int, float]] = {"mql": {}, "sql": {}, "customer": {}}
        self.enrolled = Members(n)  # sequence -> leads ever enrolled
        self.holdout = Members(n)  # sequence -> leads ever held out
        self.arms = Members(n)  # (sequence, split step, arm) -> leads sent that arm
        self.step_content: dict[tuple[str, int], str] = {}  # (sequence, step) -> its content
        # (sequence, split step, arm) -> (its lowest step sent, that step's content)
        self.arm_content: dict[tuple[str, int, int], tuple[int, str]] = {}
        self.funnel: dict[tuple[str, int], dict[str, float]] = defaultdict(float_counter)
        # per lead (one slot a lead, merged across shards by OR or +): what the groups need
        self.came = bytearray(n)  # 1: arrived
        self.visited = bytearray(n)  # 1: visited the site (on its own, or by a click)
        self.unsubscribed = bytearray(n)  # 1: unsubscribed from a channel or refused a task
        self.touched = array("i", bytes(4 * n))  # touches sent to it
        self.called = array("i", bytes(4 * n))  # sales tasks worked on it
        self.spent = array("d", bytes(8 * n))  # cost of its touches and tasks
        self.segments = Members(n)  # segment -> leads in it at the horizon's end
        self.personas: tuple[np.ndarray, list[str]] | None = None  # (lead -> persona, names)
        self.cost_per_lead = 0.0  # acquisition cost of a lead (the scenario's)

    def _week(self, t: float, name: str) -> None:
        w = int((t - self.start) // _WEEK)
        if 0 <= w < self.weeks:
            self.weekly[name][w] += 1.0

    def _tick(self, rows: dict[str | None, list[int]], content: str | None, t: float) -> None:
        row = rows.get(content)
        if row is None:
            row = rows[content] = [0] * (self.weeks + 1)
        w = int((t - self.start) // _WEEK)
        row[w if 0 <= w < self.weeks else -1] += 1

    def arrival(self, i: int, t: float) -> None:
        self.count["leads"] += 1
        self.came[i] = 1
        self._week(t, "arrivals")

    def action(self, i: int, a: Action) -> None:
        kind = a.action
        if kind == "send":
            self._send(i, a)
        elif kind == "enrolled":
            assert a.sequence is not None  # the engine names the sequence of an enrolment
            self.enrolled[a.sequence][i] = 1
            self.tally[("seq", a.sequence, "entered")] += 1
            if a.reason == "holdout":
                self.holdout[a.sequence][i] = 1
        elif kind == "exited":
            self.tally[("seq", a.sequence, "exited", a.reason)] += 1
        elif kind == "task":
            self._tick(self.tasks, a.content, a.at)
            self.spent[i] += self.cost_of.get(a.content, 0.0)
        elif kind == "suppressed":
            self.tally[("suppressed", a.reason)] += 1
            if a.sequence is not None:
                self._step(a, a.sequence, "reached")
                self._step(a, a.sequence, f"suppressed_{a.reason}")
                if a.reason == "holdout":
                    self.holdout[a.sequence][i] = 1
        elif kind in ("mql", "sql"):
            self._reach(kind, i, a.at)
        elif kind in ("handoff", "sunset"):
            self.count[kind] += 1

    def _send(self, i: int, a: Action) -> None:
        content, sequence, channel = a.content, a.sequence, a.channel
        assert content is not None and channel is not None  # a send names both (the engine)
        self.touched[i] += 1
        self.spent[i] += self.cost_of.get(content, 0.0)
        row = self.sends.get(content)
        if row is None:
            row = self.sends[content] = [0] * (self.weeks + 1)
            self.channel_of[content] = channel
        w = int((a.at - self.start) // _WEEK)
        row[w if 0 <= w < self.weeks else -1] += 1
        if sequence is not None:
            key = (sequence, a.step or 0)
            funnel = self.funnel[key]
            funnel["reached"] += 1
            funnel["sent"] += 1
            if key not in self.step_content:
                self.step_content[key] = content
            if a.arm is not None:
                arm = (sequence, self.split_of.get(key, key[1]), a.arm)
                self.arms[arm][i] = 1
                first = self.arm_content.get(arm)
                if first is None or key[1] < first[0]:  # an arm's label: its first step sent
                    self.arm_content[arm] = (key[1], content)

    def _step(self, a: Action, sequence: str, what: str) -> None:
        key = (sequence, a.step or 0)
        self.funnel[key][what] += 1
        if a.content is not None and key not in self.step_content:
            self.step_content[key] = a.content

    def labels(self) -> dict[str, str]:
        """`sequence.step` (an arm: `sequence.split.armN`) -> the content it sends (reports)."""
        named = [((seq, str(step)), c) for (seq, step), c in self.step_content.items()]
        named += [
            ((seq, f"{split}.arm{arm}"), c)
            for (seq, split, arm), (_, c) in self.arm_content.items()
        ]
        return {f"{seq}.{step}": c for (seq, step), c in sorted(named)}

    def _reach(self, what: str, i: int, t: float) -> None:
        if i not in self.reached[what]:
            self.reached[what][i] = t
            self.count[what] += 1
            self._week(t, "customers" if what == "customer" else what)

    def response(
        self, i: int, t: float, kind: str, channel: str, origin: tuple[str, int] | None
    ) -> None:
        name = _RESPONSES.get(kind)
        if name is None:
            return
        if kind == "clicked":
            self.visited[i] = 1
        elif kind == "unsubscribed":
            self.unsubscribed[i] = 1
        self.count[name] += 1
        self.count[f"{name}.{channel}"] += 1
        if name in self.weekly:
            self._week(t, name)
        if origin is not None:
            self.funnel[origin][kind] += 1

    def worked(self, i: int, t: float, outcome: int) -> None:
        """A rep worked one of lead i's tasks: a contact; `outcome` as `behaviour.call` says. A
        refused task is an unsubscribe from the task channel."""
        self.called[i] += 1
        self.count[f"calls.{CALL_OUTCOMES[outcome]}"] += 1
        if CALL_OUTCOMES[outcome] == "refused":
            self.response(i, t, "unsubscribed", "task", None)

    def stages_at_end(self, stages: Iterable[str]) -> None:
        """The stage each lead (of this shard) is in at the horizon's end (`Model.count_stages`)."""
        index = {name: k for k, name in enumerate(self.stage_names)}
        for stage in stages:
            k = index.get(stage)
            if k is not None:
                self.in_stage[k] += 1

    def conversion(self, i: int, t: float, value: float, source: str) -> None:
        if i in self.reached["customer"]:
            return
        self._reach("customer", i, t)
        self.revenue[i] = value
        self.count[f"customers.by.{source}"] += 1

    # ------------------------------------------------------------------ shards

    def merge(self, other: RunMetrics) -> None:
        """Fold another shard's counters into these (see the class docstring for the contract).

        Counters, tallies, weekly counts, sends and tasks per content and the funnel add; leads
        reached, deal values and step labels unite; lead sets (`Members`) OR together. Raises
        ValueError for metrics of another replication shape or a lead counted in both."""
        if (other.start, other.weeks, other.n, other.cost_of, other.sequences) != (
            self.start,
            self.weeks,
            self.n,
            self.cost_of,
            self.sequences,
        ):
            raise ValueError("merge: the metrics are of different programs or populations")
        for what, leads in other.reached.items():
            if not self.reached[what].keys().isdisjoint(leads):
                raise ValueError(f"merge: a lead reached {what} in both shards")
        add_counts(self.count, other.count)
        add_counts(self.tally, other.tally)
        for name, row in other.weekly.items():
            self.weekly[name] = [a + b for a, b in zip(self.weekly[name], row, strict=True)]
        self.in_stage = [a + b for a, b in zip(self.in_stage, other.in_stage, strict=True)]
        add_rows(self.sends, other.sends)
        add_rows(self.tasks, other.tasks)
        for content, channel in other.channel_of.items():
            self.channel_of.setdefault(content, channel)
        for what, leads in other.reached.items():
            self.reached[what].update(leads)
        self.revenue.update(other.revenue)
        merge_columns(
            self, other, ("came", "visited", "unsubscribed", "touched", "called", "spent")
        )
        self.segments.merge(other.segments)
        self.personas = self.personas or other.personas
        self.enrolled.merge(other.enrolled)
        self.holdout.merge(other.holdout)
        self.arms.merge(other.arms)
        for key, counts in other.funnel.items():
            add_counts(self.funnel[key], counts)
        # the same either side (the smaller if not)
        keep_least(self.step_content, other.step_content)
        keep_least(self.arm_content, other.arm_content)
        if self.arrived is None:
            self.arrived = other.arrived

    # ------------------------------------------------------------------ summary

    def _money(self) -> tuple[dict[str, float], dict[str, list[float]]]:
        """Touches, tasks, cost (in all, by channel, by week) and revenue: (scalars, weekly).
        Only what happened is named, as ever: no `cost.sms` without an SMS sent."""
        items: list[tuple[str | None, list[int], tuple[str, ...], str]] = [
            (c, row, ("touches", f"touches.{ch}"), f"cost.{ch}")
            for c, row in by_name(self.sends)
            for ch in (self.channel_of[c],)
        ]
        items += [(c, row, ("tasks",), "cost.task") for c, row in by_name(self.tasks)]
        counts: dict[str, int] = {}
        costs: dict[str, list[float]] = {}  # name -> n * cost of each content it covers
        by_week: list[list[float]] = [[] for _ in range(self.weeks)]
        for content, row, names, cost_name in items:
            cost = self.cost_of.get(content, 0.0)
            n = sum(row)
            for name in names:
                counts[name] = counts.get(name, 0) + n
            costs.setdefault(cost_name, []).append(n * cost)
            costs.setdefault("cost", []).append(n * cost)
            for w in range(self.weeks):
                by_week[w].append(row[w] * cost)
        scalars = {name: float(n) for name, n in counts.items()}
        scalars.update({name: math.fsum(parts) for name, parts in costs.items()})
        paid: list[list[float]] = [[] for _ in range(self.weeks)]
        for i, value in self.revenue.items():
            w = int((self.reached["customer"][i] - self.start) // _WEEK)
            if 0 <= w < self.weeks:
                paid[w].append(value)
        if self.revenue:
            scalars["revenue"] = math.fsum(self.revenue.values())
        sent = list(self.sends.values())
        weekly = {
            "touches": [float(sum(row[w] for row in sent)) for w in range(self.weeks)],
            "revenue": [math.fsum(parts) for parts in paid],
            "cost": [math.fsum(parts) for parts in by_week],
        }
        return scalars, weekly

    def _within(self, out: dict[str, float], arrived: ByLead) -> None:
        """`converted_within.D`: the share of the leads who arrived at least D days before the
        horizon's end that became customers within D days of arriving (D = 7, 30, 90; the
        cumulative curve a backtest holds against the history's)."""
        arrival = getattr(arrived, "arrival", None)
        if arrival is None:
            return
        times = np.asarray(arrival, dtype=float)  # seconds after the start, ascending
        end = self.days * DAY
        bought = [
            (arrived[i] - self.start, t - arrived[i]) for i, t in self.reached["customer"].items()
        ]
        for d in WITHIN_DAYS:
            eligible = int(np.searchsorted(times, end - d * DAY, side="right"))
            hits = sum(1 for at, took in bought if at <= end - d * DAY and took <= d * DAY)
            out[f"converted_within.{d}"] = hits / eligible if eligible else math.nan

    def _stages(self, out: dict[str, float], leads: float) -> None:
        """`stage.S`: leads that reached stage S by the horizon's end — in it or in a later one,
        as stages only move forward (DSL.md) — and `stage_rate.S`, their share of the leads."""
        reached = 0
        for name, n in reversed(list(zip(self.stage_names, self.in_stage, strict=True))):
            reached += n
            out[f"stage.{name}"] = float(reached)
            out[f"stage_rate.{name}"] = reached / leads if leads else math.nan

    def result(self, sales: dict[str, float], backlog: list[float] | None = None) -> RunRecord:
        """The run's numbers; `sales` the desk's summary, `backlog` its tasks waiting at each
        week's end (`SalesDesk.backlog_by_week`; none waiting without one)."""
        out: dict[str, float] = dict(self.count)
        for parts, n in self.tally.items():
            name = ".".join(map(str, parts))
            out[name] = out.get(name, 0.0) + n
        money, weekly = self._money()
        out.update(money)
        if self.cost_per_lead:
            acquired = self.cost_per_lead * float(self.count.get("leads", 0.0))
            out["cost.acquisition"] = acquired
            out["cost"] = math.fsum([money.get("cost", 0.0), acquired])
        revenue, cost = out.get("revenue", 0.0), out.get("cost", 0.0)
        leads = self.count.get("leads", 0.0)
        for what in ("mql", "sql", "customers"):
            out[what] = self.count.get(what if what != "customers" else "customer", 0.0)
            out[f"{what}_rate"] = out[what] / leads if leads else math.nan
        out.pop("customer", None)
        out["conversion_rate"] = out.pop("customers_rate")
        arrived = self.arrived or {}
        for what, key in (("mql", "mql"), ("sql", "sql"), ("customer", "customers")):
            days = [(t - arrived[i]) / DAY for i, t in self.reached[what].items()]
            out[f"days_to_{key}.median"], out[f"days_to_{key}.p90"] = median_p90(days)
        self._within(out, arrived)
        for ch in LEAD_CHANNELS:
            sent = out.get(f"touches.{ch}", 0.0)
            if sent:
                out[f"open_rate.{ch}"] = out.get(f"opens.{ch}", 0.0) / sent
                out[f"click_rate.{ch}"] = out.get(f"clicks.{ch}", 0.0) / sent
        out["unsubscribe_rate"] = out.get("unsubscribes", 0.0) / leads if leads else math.nan
        out["roi"] = (revenue - cost) / cost if cost else math.nan
        for (seq, step), counts in sorted(self.funnel.items()):
            for what, value in sorted(counts.items()):
                out[f"funnel.{seq}.{step}.{what}"] = value
        groups.of_run(self, out)
        self._stages(out, leads)
        out.update({f"sales.{k}": v for k, v in sales.items()})
        weekly.update(self.weekly)
        weekly["sales_backlog"] = list(backlog) if backlog is not None else [0.0] * self.weeks
        return {
            "scalars": dict(sorted(out.items())),
            "weekly": {name: list(weekly[name]) for name in WEEKLY},
        }
