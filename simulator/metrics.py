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

_RESPONSES = {"opened": "opens", "clicked": "clicks", "replied": "replies",
              "unsubscribed": "unsubscribes", "bounced": "bounces"}
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


class _Members(dict):
    """key -> which leads belong (one byte a lead), made on first use."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.n = n

    def __missing__(self, key: object) -> bytearray:
        value = self[key] = bytearray(self.n)
        return value


def _mask(members: bytearray | None) -> np.ndarray | None:
    return np.frombuffer(members, dtype=np.uint8) != 0 if members is not None else None


class RunMetrics:
    def __init__(self, program: Program, start: float, days: float, n: int = 0) -> None:
        self.start = start
        self.n = n
        self.weeks = max(1, math.ceil(days / 7))
        self.cost_of = {c.name: c.cost for c in program.contents}
        self.sequences = [s.name for s in program.sequences]
        self.split_of = split_steps(program)
        self.count: dict[str, float] = defaultdict(float)
        # counters named by parts (sequence, reason), joined into `count` names by `result()`
        self.tally: dict[tuple[str, ...], int] = defaultdict(int)
        self.weekly = {k: [0.0] * self.weeks for k in WEEKLY}
        self.arrived: dict[int, float] | None = None  # set by the model: lead -> arrival
        self.reached: dict[str, dict[int, float]] = {"mql": {}, "sql": {}, "customer": {}}
        self.enrolled = _Members(n)  # sequence -> leads ever enrolled
        self.holdout = _Members(n)  # sequence -> leads ever held out
        self.arms = _Members(n)  # (sequence, split step, arm) -> leads sent that arm
        self.send_keys: dict[str, tuple[str, str]] = {}  # channel -> its two counters
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
            self._send(i, a)
        elif kind == "enrolled":
            self.enrolled[a.sequence][i] = 1
            self.tally[("seq", a.sequence, "entered")] += 1
            if a.reason == "holdout":
                self.holdout[a.sequence][i] = 1
        elif kind == "exited":
            self.tally[("seq", a.sequence, "exited", a.reason)] += 1
        elif kind == "task":
            cost = self.cost_of.get(a.content, 0.0)
            self.count["tasks"] += 1
            self.count["cost.task"] += cost
            self.count["cost"] += cost
            self._week(a.at, "cost", cost)
        elif kind == "suppressed":
            self.tally[("suppressed", a.reason)] += 1
            if a.sequence is not None:
                self._step(a, "reached")
                self._step(a, f"suppressed_{a.reason}")
                if a.reason == "holdout":
                    self.holdout[a.sequence][i] = 1
        elif kind in ("mql", "sql"):
            self._reach(kind, i, a.at)
        elif kind in ("handoff", "sunset"):
            self.count[kind] += 1

    def _send(self, i: int, a: object) -> None:
        content, channel, sequence = a.content, a.channel, a.sequence
        cost = self.cost_of.get(content, 0.0)
        keys = self.send_keys.get(channel)
        if keys is None:
            keys = self.send_keys[channel] = (f"touches.{channel}", f"cost.{channel}")
        count = self.count
        count[keys[0]] += 1
        count[keys[1]] += cost
        count["touches"] += 1
        count["cost"] += cost
        w = int((a.at - self.start) // (7 * DAY))
        if 0 <= w < self.weeks:
            self.weekly["touches"][w] += 1.0
            self.weekly["cost"][w] += cost
        if sequence is not None:
            key = (sequence, a.step or 0)
            funnel = self.funnel[key]
            funnel["reached"] += 1
            funnel["sent"] += 1
            if key not in self.step_content:
                self.step_content[key] = content
            if a.arm is not None:
                split = self.split_of.get(key, key[1])
                self.arms[(sequence, split, a.arm)][i] = 1
                self.step_content.setdefault((sequence, f"{split}.arm{a.arm}"), content)

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
        name = _RESPONSES.get(kind)
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

    def _rate(self, members: np.ndarray) -> float:
        n = int(np.count_nonzero(members))
        if not n:
            return math.nan
        return int(np.count_nonzero(members & self.customers)) / n

    def _lifts(self, out: dict[str, float]) -> None:
        extra = math.nan  # customers the nurture added, summed over sequences with a holdout
        self.customers = np.zeros(self.n, dtype=bool)
        self.customers[list(self.reached["customer"])] = True
        none = np.zeros(self.n, dtype=bool)
        for seq in self.sequences:
            holdout = _mask(self.holdout.get(seq))
            holdout = none if holdout is None else holdout
            enrolled = _mask(self.enrolled.get(seq))
            nurtured = none if enrolled is None else enrolled & ~holdout
            n_nurtured, n_holdout = int(nurtured.sum()), int(holdout.sum())
            if not n_holdout and not n_nurtured:
                continue
            a, b = self._rate(nurtured), self._rate(holdout)
            out[f"lift.{seq}.nurtured_rate"] = a
            out[f"lift.{seq}.holdout_rate"] = b
            out[f"lift.{seq}.lift"] = a - b
            out[f"lift.{seq}.nurtured_n"] = n_nurtured
            out[f"lift.{seq}.holdout_n"] = n_holdout
            if n_holdout and n_nurtured:
                extra = (0.0 if math.isnan(extra) else extra) + (a - b) * n_nurtured
        customers = self.count["customer"]
        value = self.count["revenue"] / customers if customers else math.nan
        cost = self.count["cost"]
        out["incremental.customers"] = extra
        out["incremental.revenue"] = extra * value if customers else math.nan
        out["incremental.roi"] = ((out["incremental.revenue"] - cost) / cost
                                  if cost and not math.isnan(out["incremental.revenue"])
                                  else math.nan)
        for (seq, step, arm), members in sorted(self.arms.items()):
            mask = _mask(members)
            out[f"arm.{seq}.{step}.{arm}.rate"] = self._rate(mask)
            out[f"arm.{seq}.{step}.{arm}.n"] = int(mask.sum())
            first = _mask(self.arms.get((seq, step, 1)))
            if arm != 1 and first is not None and first.any():  # lift over the first arm
                out[f"arm.{seq}.{step}.{arm}.lift"] = self._rate(mask) - self._rate(first)

    def result(self, sales: dict[str, float]) -> dict[str, object]:
        for parts, n in self.tally.items():
            self.count[".".join(map(str, parts))] += n
        self.tally.clear()
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
