"""What one replication measured: counters fed by the model, summarised as flat numbers.

`RunMetrics.result()` returns `{"scalars": {dotted name: number}, "weekly": {name: [per week]}}`.
Flat dotted names (`touches.email`, `lift.trial_onboarding.holdout_rate`) make aggregation over
replications and comparison between files one loop each. NaN means "not measurable in this run"
(no SQL at all, say); it is skipped when averaging.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from dsl.ir import If, Program, Split
from simulator.population import DAY

WEEKLY = ("arrivals", "touches", "opens", "clicks", "mql", "sql", "customers", "unsubscribes",
          "revenue", "cost")


def split_steps(program: Program) -> dict[tuple[str, int], int]:
    """(sequence, step number) -> the number of the `split` step that holds it.

    Steps are numbered as the engine numbers them: 1-based, in file order, nested steps right
    after the `if`/`split` that holds them (then-branch, else-branch; arms in order)."""
    out: dict[tuple[str, int], int] = {}
    for seq in program.sequences:
        _number(seq.name, seq.steps, None, 0, out)
    return out


def _number(name: str, steps: tuple, split: int | None, last: int,
            out: dict[tuple[str, int], int]) -> int:
    """Number `steps` after step `last`; return the last number used."""
    for step in steps:
        last += 1
        number = last
        if split is not None:
            out[(name, number)] = split
        if isinstance(step, If):
            last = _number(name, step.then, split, last, out)
            last = _number(name, step.otherwise, split, last, out)
        elif isinstance(step, Split):
            last = _number(name, tuple(arm.step for arm in step.arms), number, last, out)
    return last


def _median_p90(values: list[float]) -> tuple[float, float]:
    if not values:
        return math.nan, math.nan
    arr = np.asarray(values)
    return float(np.median(arr)), float(np.percentile(arr, 90))


class RunMetrics:
    def __init__(self, program: Program, start: float, days: float) -> None:
        self.start = start
        self.weeks = max(1, math.ceil(days / 7))
        self.cost_of = {c.name: c.cost for c in program.contents}
        self.sequences = [s.name for s in program.sequences]
        self.split_of = split_steps(program)
        self.count: dict[str, float] = defaultdict(float)
        self.weekly = {k: [0.0] * self.weeks for k in WEEKLY}
        self.arrived: dict[int, float] | None = None  # set by the model: lead -> arrival
        self.reached: dict[str, dict[int, float]] = {"mql": {}, "sql": {}, "customer": {}}
        self.enrolled: dict[str, set[int]] = defaultdict(set)
        self.holdout: dict[str, set[int]] = defaultdict(set)
        self.arms: dict[tuple[str, int, int], set[int]] = defaultdict(set)
        self.step_content: dict[tuple[str, object], str] = {}
        self.funnel: dict[tuple[str, int], dict[str, float]] = defaultdict(
            lambda: defaultdict(float))

    def _week(self, t: float, name: str, amount: float = 1.0) -> None:
        w = int((t - self.start) // (7 * DAY))
        if 0 <= w < self.weeks:
            self.weekly[name][w] += amount

    def arrival(self, i: int, t: float) -> None:
        self.count["leads"] += 1
        self._week(t, "arrivals")

    def action(self, i: int, a: object) -> None:
        kind = a.action
        if kind == "send":
            cost = self.cost_of.get(a.content, 0.0)
            self.count[f"touches.{a.channel}"] += 1
            self.count[f"cost.{a.channel}"] += cost
            self.count["touches"] += 1
            self.count["cost"] += cost
            self._week(a.at, "touches")
            self._week(a.at, "cost", cost)
            if a.sequence is not None:
                self._step(a, "reached")
                self._step(a, "sent")
                if a.arm is not None:
                    split = self.split_of.get((a.sequence, a.step or 0), a.step or 0)
                    self.arms[(a.sequence, split, a.arm)].add(i)
                    self.step_content.setdefault((a.sequence, f"{split}.arm{a.arm}"), a.content)
        elif kind == "task":
            cost = self.cost_of.get(a.content, 0.0)
            self.count["tasks"] += 1
            self.count["cost.task"] += cost
            self.count["cost"] += cost
            self._week(a.at, "cost", cost)
        elif kind == "suppressed":
            self.count[f"suppressed.{a.reason}"] += 1
            if a.sequence is not None:
                self._step(a, "reached")
                self._step(a, f"suppressed_{a.reason}")
                if a.reason == "holdout":
                    self.holdout[a.sequence].add(i)
        elif kind == "enrolled":
            self.enrolled[a.sequence].add(i)
            self.count[f"seq.{a.sequence}.entered"] += 1
            if a.reason == "holdout":
                self.holdout[a.sequence].add(i)
        elif kind == "exited":
            self.count[f"seq.{a.sequence}.exited.{a.reason}"] += 1
        elif kind in ("mql", "sql"):
            self._reach(kind, i, a.at)
        elif kind in ("handoff", "sunset"):
            self.count[kind] += 1

    def _step(self, a: object, what: str) -> None:
        key = (a.sequence, a.step or 0)
        self.funnel[key][what] += 1
        if a.content is not None:
            self.step_content.setdefault(key, a.content)

    def labels(self) -> dict[str, str]:
        """`sequence.step` -> the content that step sends (for reports)."""
        return {f"{seq}.{step}": c for (seq, step), c in
                sorted(self.step_content.items(), key=lambda kv: (kv[0][0], str(kv[0][1])))}

    def _reach(self, what: str, i: int, t: float) -> None:
        if i not in self.reached[what]:
            self.reached[what][i] = t
            self.count[what] += 1
            self._week(t, "customers" if what == "customer" else what)

    def response(self, t: float, kind: str, channel: str, origin: tuple[str, int] | None) -> None:
        names = {"opened": "opens", "clicked": "clicks", "replied": "replies",
                 "unsubscribed": "unsubscribes", "bounced": "bounces"}
        name = names.get(kind)
        if name is None:
            return
        self.count[name] += 1
        self.count[f"{name}.{channel}"] += 1
        if name in self.weekly:
            self._week(t, name)
        if origin is not None:
            self.funnel[origin][kind] += 1

    def conversion(self, i: int, t: float, value: float, source: str) -> None:
        if i in self.reached["customer"]:
            return
        self._reach("customer", i, t)
        self.count["revenue"] += value
        self.count[f"customers.by.{source}"] += 1
        self._week(t, "revenue", value)

    def _rate(self, members: set[int]) -> float:
        if not members:
            return math.nan
        customers = self.reached["customer"]
        return sum(1 for i in members if i in customers) / len(members)

    def _lifts(self, out: dict[str, float]) -> None:
        extra = math.nan  # customers the nurture added, summed over sequences with a holdout
        for seq in self.sequences:
            holdout = self.holdout.get(seq, set())
            nurtured = self.enrolled.get(seq, set()) - holdout
            if not holdout and not nurtured:
                continue
            a, b = self._rate(nurtured), self._rate(holdout)
            out[f"lift.{seq}.nurtured_rate"] = a
            out[f"lift.{seq}.holdout_rate"] = b
            out[f"lift.{seq}.lift"] = a - b
            out[f"lift.{seq}.nurtured_n"] = len(nurtured)
            out[f"lift.{seq}.holdout_n"] = len(holdout)
            if holdout and nurtured:
                extra = (0.0 if math.isnan(extra) else extra) + (a - b) * len(nurtured)
        customers = self.count["customer"]
        value = self.count["revenue"] / customers if customers else math.nan
        cost = self.count["cost"]
        out["incremental.customers"] = extra
        out["incremental.revenue"] = extra * value if customers else math.nan
        out["incremental.roi"] = ((out["incremental.revenue"] - cost) / cost
                                  if cost and not math.isnan(out["incremental.revenue"])
                                  else math.nan)
        for (seq, step, arm), members in sorted(self.arms.items()):
            out[f"arm.{seq}.{step}.{arm}.rate"] = self._rate(members)
            out[f"arm.{seq}.{step}.{arm}.n"] = len(members)
            first = self.arms.get((seq, step, 1))
            if arm != 1 and first:  # lift of this arm over the first one (points)
                out[f"arm.{seq}.{step}.{arm}.lift"] = self._rate(members) - self._rate(first)

    def result(self, sales: dict[str, float]) -> dict[str, object]:
        out: dict[str, float] = dict(sorted(self.count.items()))
        leads = self.count["leads"]
        for what in ("mql", "sql", "customers"):
            out[what] = self.count[what if what != "customers" else "customer"]
            out[f"{what}_rate"] = out[what] / leads if leads else math.nan
        out.pop("customer", None)
        out["conversion_rate"] = out.pop("customers_rate")
        for what, key in (("mql", "mql"), ("sql", "sql"), ("customer", "customers")):
            arrived = self.arrived or {}
            days = [(t - arrived[i]) / DAY for i, t in self.reached[what].items()]
            out[f"days_to_{key}.median"], out[f"days_to_{key}.p90"] = _median_p90(days)
        for ch in ("email", "sms", "ad", "social", "mail"):
            sent = self.count.get(f"touches.{ch}", 0.0)
            if sent:
                out[f"open_rate.{ch}"] = self.count.get(f"opens.{ch}", 0.0) / sent
                out[f"click_rate.{ch}"] = self.count.get(f"clicks.{ch}", 0.0) / sent
        out["unsubscribe_rate"] = out.get("unsubscribes", 0.0) / leads if leads else math.nan
        cost = self.count["cost"]
        out["roi"] = (self.count["revenue"] - cost) / cost if cost else math.nan
        for (seq, step), counts in sorted(self.funnel.items()):
            for what, value in sorted(counts.items()):
                out[f"funnel.{seq}.{step}.{what}"] = value
        self._lifts(out)
        out.update({f"sales.{k}": v for k, v in sales.items()})
        return {"scalars": dict(sorted(out.items())), "weekly": self.weekly}
