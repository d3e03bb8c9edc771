"""The forecast as text a strategist wants to read before deciding to launch.

Every figure is the mean over replications with its 90% interval in brackets; sections that have
nothing to say (no split, no sales task) are left out.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict

from dsl.ir import CHANNELS, SALES_CHANNEL


def num(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def pct(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{100 * x:.{digits}f}%"


def money(x: float | None) -> str:
    if x is None:
        return "-"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def _fmt(s: dict[str, object], how) -> str:
    if s is None or s.get("mean") is None:
        return "-"
    mean, lo, hi = how(s["mean"]), how(s["lo"]), how(s["hi"])
    return mean if lo == hi else f"{mean}  [{lo} – {hi}]"


class Report:
    def __init__(self, forecast: dict[str, object]) -> None:
        self.f = forecast
        self.s: dict[str, dict] = forecast["forecast"]["scalars"]
        self.labels: dict[str, str] = forecast["forecast"].get("labels", {})
        self.lines: list[str] = []

    def get(self, key: str) -> dict | None:
        return self.s.get(key)

    def mean(self, key: str) -> float:
        s = self.s.get(key)
        return (s or {}).get("mean") or 0.0

    def row(self, label: str, key: str, how=num, note: str = "") -> None:
        text = _fmt(self.get(key), how)
        self.lines.append(f"  {label:<24}{text}{('   ' + note) if note else ''}")

    def title(self, text: str) -> None:
        self.lines += ["", text]

    def render(self) -> str:
        f = self.f
        self.lines = [
            f"Forecast: {f['campaign']}  ({f['file']})",
            f"{f['scenario']} · {num(f['leads'])} leads over {f['days']:g} days · "
            f"{f['runs']} run{'s' if f['runs'] != 1 else ''} · seed {f['seed']}",
            "Each figure: mean over runs  [90% interval: 5th – 95th percentile of runs]."
            if f["runs"] > 1
            else "One run: each figure is that run's; no intervals (give --runs 20 for them).",
        ]
        for part in (
            self._headline,
            self._outcomes,
            self._timing,
            self._channels,
            self._money,
            self._sequences,
            self._sales,
        ):
            part()
        return "\n".join(self.lines) + "\n"

    def _range(self, key: str, how=num) -> str:
        s = self.get(key) or {}
        if s.get("lo") is None or s.get("lo") == s.get("hi"):
            return ""
        return f"; 90% of runs: {how(s['lo'])} to {how(s['hi'])}"

    def say(self, text: str) -> None:
        self.lines.append(
            textwrap.fill(text, width=96, initial_indent="  ", subsequent_indent="  ")
        )

    def _headline(self) -> None:
        """Three or four sentences: what to expect, whether nurture pays, what to watch."""
        self.title("Headline")
        f = self.f
        self.say(
            f"Of {num(f['leads'])} leads over {f['days']:g} days, about "
            f"{num(self.mean('customers'))} become customers "
            f"({pct(self.mean('conversion_rate'))}{self._range('customers')}), "
            f"bringing {money(self.mean('revenue'))} for {money(self.mean('cost'))} of touches "
            f"and sales tasks."
        )
        added = self.get("incremental.customers") or {}
        if added.get("n") == 1:
            self.say(
                f"Against the holdout, nurture adds {added['mean']:+,.1f} customers in "
                "this one run; more runs tell how sure that is."
            )
        elif added.get("n"):
            lo, hi = added["lo"], added["hi"]
            verdict = (
                "more customers than without it in nearly every run"
                if lo > 0
                else "fewer customers than without it in nearly every run"
                if hi < 0
                else "an effect the runs cannot tell from zero"
            )
            self.say(
                f"Against the holdout, nurture adds {added['mean']:+,.1f} customers "
                f"(90% of runs: {lo:+,.1f} to {hi:+,.1f}): {verdict}."
            )
        self._watch()

    def _watch(self) -> None:
        notes = []
        if self.mean("unsubscribe_rate") > 0.02:
            notes.append(f"{pct(self.mean('unsubscribe_rate'))} of leads unsubscribe")
        due = self.get("sales.within_due_share") or {}
        if due.get("mean") is not None and due["mean"] < 0.9:
            notes.append(f"sales picks up only {pct(due['mean'])} of handoffs in time")
        if self.mean("sales.backlog_end") > 0.1 * max(self.mean("sales.tasks"), 1):
            notes.append(f"{num(self.mean('sales.backlog_end'))} handoffs still wait at the end")
        missing = [
            label
            for label, key in (("MQL", "mql"), ("SQL", "sql"))
            if self.f.get("lifecycle", {}).get(key, False) and not self.mean(key)
        ]
        if missing:
            notes.append(
                f"no lead reaches {' or '.join(missing)} (can the rules' points reach "
                f"the threshold{'s' if len(missing) > 1 else ''} with this population's "
                "behaviour?)"
            )
        if self.mean("sales.tasks") and not self.mean("sales.worked"):
            notes.append("no sales capacity: handoffs are never worked")
        if notes:
            self.say("Watch: " + "; ".join(notes) + ".")

    def _outcomes(self) -> None:
        self.title("Outcomes")
        self.row("leads", "leads")
        for label, key in (("MQL", "mql"), ("SQL", "sql")):
            if self.f.get("lifecycle", {}).get(key, True):
                self.row(label, key, note=f"{pct(self.mean(key + '_rate'))} of leads")
        self.row("customers", "customers")
        self.row("conversion rate", "conversion_rate", pct)
        self.row(
            "unsubscribes", "unsubscribes", note=f"{pct(self.mean('unsubscribe_rate'), 2)} of leads"
        )
        paths = [(k.split(".")[-1], self.mean(k)) for k in self.s if k.startswith("customers.by.")]
        if paths:
            text = ", ".join(f"{name} {num(v, 1)}" for name, v in sorted(paths))
            self.lines.append(f"  {'customers came via':<24}{text}")

    def _timing(self) -> None:
        self.title("Days from arrival to          median                 p90")
        for label, key in (("MQL", "mql"), ("SQL", "sql"), ("customer", "customers")):
            if not self.f.get("lifecycle", {}).get(key, True):
                continue
            med = _fmt(self.get(f"days_to_{key}.median"), lambda x: num(x, 1))
            p90 = _fmt(self.get(f"days_to_{key}.p90"), lambda x: num(x, 1))
            self.lines.append(f"  {label:<28}{med:<23}{p90}")

    def _channels(self) -> None:
        used = [c for c in CHANNELS if self.mean(f"touches.{c}") or self.mean(f"cost.{c}")]
        if not used:
            return
        self.title("Touches and cost by channel")
        self.lines.append(
            f"  {'channel':<9}{'touches':>10}{'open rate':>11}{'click rate':>12}{'cost':>12}"
        )
        for c in used:
            touches = self.mean(f"touches.{c}") if c != SALES_CHANNEL else self.mean("sales.tasks")
            opens = self.get(f"open_rate.{c}")
            clicks = self.get(f"click_rate.{c}")
            o = pct(opens["mean"]) if opens and opens["mean"] else "-"
            k = pct(clicks["mean"], 2) if clicks else "-"
            self.lines.append(
                f"  {c:<9}{num(touches):>10}{o:>11}{k:>12}{money(self.mean(f'cost.{c}')):>12}"
            )

    def _money(self) -> None:
        self.title("Money")
        self.row("revenue", "revenue", money, note="every conversion, nurtured or not")
        self.row("cost of touches+tasks", "cost", money)
        self.row("ROI on all revenue", "roi", lambda x: f"{x:,.1f}x")
        if (self.get("incremental.customers") or {}).get("n"):
            self.row(
                "customers added",
                "incremental.customers",
                lambda x: f"{x:+,.1f}",
                note="nurtured minus holdout rate, times the nurtured leads",
            )
            self.row("revenue added", "incremental.revenue", money)
            self.row("ROI on revenue added", "incremental.roi", lambda x: f"{x:,.1f}x")

    def _sequences(self) -> None:
        seen = {k.split(".")[1] for k in self.s if k.startswith("seq.")}
        order = [s for s in self.f.get("sequences", []) if s in seen]
        for seq in order + sorted(seen - set(order)):
            self.title(f"Sequence {seq}")
            self.row("entered", f"seq.{seq}.entered")
            exits = sorted(k for k in self.s if k.startswith(f"seq.{seq}.exited."))
            if exits:
                text = ", ".join(f"{k.rsplit('.', 1)[1]} {num(self.mean(k))}" for k in exits)
                self.lines.append(f"  {'exited':<24}{text}")
            if self.get(f"lift.{seq}.holdout_rate") and self.get(f"lift.{seq}.holdout_rate")["n"]:
                self.row("converted, nurtured", f"lift.{seq}.nurtured_rate", pct)
                self.row("converted, holdout", f"lift.{seq}.holdout_rate", pct)
                self.row("lift (points)", f"lift.{seq}.lift", lambda x: f"{100 * x:+.1f}")
            self._funnel(seq)
            self._arms(seq)

    def _funnel(self, seq: str) -> None:
        steps: dict[int, dict[str, float]] = defaultdict(dict)
        for key in self.s:
            if key.startswith(f"funnel.{seq}."):
                _, _, step, what = key.split(".", 3)
                steps[int(step)][what] = self.mean(key)
        if not steps:
            return
        self.lines.append(
            f"  {'step':<6}{'content':<20}{'reached':>9}{'sent':>9}{'opened':>9}"
            f"{'clicked':>9}{'held out':>9}{'held back':>10}"
        )
        for step in sorted(steps):
            c = steps[step]
            other = sum(
                v for k, v in c.items() if k.startswith("suppressed_") and k != "suppressed_holdout"
            )
            content = self.labels.get(f"{seq}.{step}", "")
            self.lines.append(
                f"  {step:<6}{content:<20}{num(c.get('reached')):>9}{num(c.get('sent')):>9}"
                f"{num(c.get('opened')):>9}{num(c.get('clicked')):>9}"
                f"{num(c.get('suppressed_holdout')):>9}{num(other):>10}"
            )

    def _arms(self, seq: str) -> None:
        arms = sorted(k for k in self.s if k.startswith(f"arm.{seq}.") and k.endswith(".rate"))
        for key in arms:
            _, _, step, arm, _ = key.split(".")
            label = self.labels.get(f"{seq}.{step}.arm{arm}", "")
            n = self.mean(f"arm.{seq}.{step}.{arm}.n")
            self.row(
                f"split {step}, arm {arm}",
                key,
                pct,
                note=f"converted ({label}, {num(n)} leads sent)",
            )
            if self.get(f"arm.{seq}.{step}.{arm}.lift"):
                self.row(
                    f"  arm {arm} vs arm 1",
                    f"arm.{seq}.{step}.{arm}.lift",
                    lambda x: f"{100 * x:+.1f} pts",
                )

    def _sales(self) -> None:
        if not self.mean("sales.tasks"):
            return
        self.title("Sales queue")
        self.row("tasks", "sales.tasks")
        self.row("worked", "sales.worked")
        self.row("peak backlog", "sales.peak_backlog")
        self.row("backlog at the end", "sales.backlog_end")
        self.row("mean wait (hours)", "sales.mean_wait_hours", lambda x: num(x, 1))
        self.row("picked up in time", "sales.within_due_share", pct)


def render(forecast: dict[str, object]) -> str:
    return Report(forecast).render()
