"""The forecast as text a strategist wants to read before deciding to launch.

Every figure is the mean over replications with its 90% interval in brackets; sections that have
nothing to say (no split, no sales task) are left out. It reads a typed `Forecast` only.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from simulator import report_groups as groups
from simulator.figures import Stat
from simulator.formatting import horizon, money, num, pct
from simulator.report_fit import uncertainty
from simulator.results import Forecast
from simulator.sequence_groups import SequenceFigures

Fmt = Callable[[float], str]


def _fmt(s: Stat, how: Fmt) -> str:
    if s.spread is None:
        return "-"
    mean, lo, hi = (how(x) for x in s.spread)
    return mean if lo == hi else f"{mean}  [{lo} – {hi}]"


def _m(s: Stat) -> float:
    return s.mean or 0.0


class Report:
    def __init__(self, forecast: Forecast) -> None:
        self.f = forecast
        self.lines: list[str] = []

    def row(self, label: str, s: Stat, how: Fmt = num, note: str = "") -> None:
        self.lines.append(f"  {label:<24}{_fmt(s, how)}{('   ' + note) if note else ''}")

    def title(self, text: str) -> None:
        self.lines += ["", text]

    def say(self, text: str) -> None:
        self.lines.append(
            textwrap.fill(text, width=96, initial_indent="  ", subsequent_indent="  ")
        )

    def render(self) -> str:
        f = self.f
        self.lines = [
            f"Forecast: {f.campaign}  ({f.file})",
            f"{f.scenario} · {num(f.leads)} leads over {horizon(f.days)} days · "
            f"{f.runs} run{'s' if f.runs != 1 else ''} · seed {f.seed}",
            *params_lines(f),
            "Each figure: mean over runs (a median or p90: median of runs)  "
            "[90% interval: 5th – 95th percentile of runs]."
            if f.runs > 1
            else "One run: each figure is that run's; no intervals (give --runs 20 for them).",
        ]
        for part in (
            self._headline,
            self._outcomes,
            self._uncertainty,
            self._timing,
            self._channels,
            self._money,
            self._sequences,
            self._groups,
            self._sales,
            self._assumptions,
        ):
            part()
        return "\n".join(self.lines) + "\n"

    def _headline(self) -> None:
        """Three or four sentences: what to expect, whether nurture pays, what to watch."""
        self.title("Headline")
        for sentence in headline(self.f):
            self.say(sentence)

    def _outcomes(self) -> None:
        self.title("Outcomes")
        k, life = self.f.kpis, self.f.lifecycle
        self.row("leads", k.leads)
        for label, declared, figure, rate in (
            ("MQL", life.mql, k.mql, k.mql_rate),
            ("SQL", life.sql, k.sql, k.sql_rate),
        ):
            if declared:
                self.row(label, figure, note=f"{pct(_m(rate))} of leads")
        self.row(
            "visited", k.visited, note=f"{pct(_m(k.visit_rate))} of leads (own visit or click)"
        )
        self.row("customers", k.customers)
        self.row("conversion rate", k.conversion_rate, pct)
        path = self.f.funnel_path
        if _m(k.customers) and (life.mql or life.sql):
            were = [
                f"{label} {pct(_m(s))}"
                for label, declared, s in (
                    ("MQL", life.mql, path.were_mql),
                    ("SQL", life.sql, path.were_sql),
                )
                if declared
            ]
            self.lines.append(f"  {'customers who were':<24}{', '.join(were)} before they bought")
        self.row("unsubscribes", k.unsubscribes, note=f"{pct(_m(k.unsubscribe_rate), 2)} of leads")
        if k.customers_by:
            text = ", ".join(f"{name} {num(_m(s), 1)}" for name, s in k.customers_by.items())
            self.lines.append(f"  {'customers came via':<24}{text}")

    def _timing(self) -> None:
        self.title("Days from arrival to          median                 p90")
        d, life = self.f.days_to, self.f.lifecycle
        for label, declared, timing in (
            ("MQL", life.mql, d.mql),
            ("SQL", life.sql, d.sql),
            ("customer", True, d.customer),
        ):
            if not declared:
                continue
            med = _fmt(timing.median, lambda x: num(x, 1))
            p90 = _fmt(timing.p90, lambda x: num(x, 1))
            self.lines.append(f"  {label:<28}{med:<23}{p90}")
        after = self.f.funnel_path.sql_to_customer
        if life.sql and after.median.mean is not None:
            med = _fmt(after.median, lambda x: num(x, 1))
            p90 = _fmt(after.p90, lambda x: num(x, 1))
            self.lines.append(f"  {'customer, from SQL':<28}{med:<23}{p90}")

    def _channels(self) -> None:
        if not self.f.channels:
            return
        self.title("Touches and cost by channel")
        self.lines.append(
            f"  {'channel':<9}{'touches':>10}{'open rate':>11}{'click rate':>12}{'cost':>12}"
        )
        for c, ch in self.f.channels.items():
            o = pct(ch.open_rate.mean) if ch.open_rate.mean else "-"
            k = pct(ch.click_rate.mean, 2)
            self.lines.append(
                f"  {c:<9}{num(_m(ch.touches)):>10}{o:>11}{k:>12}{money(_m(ch.cost)):>12}"
            )

    def _money(self) -> None:
        self.title("Money")
        k, lift = self.f.kpis, self.f.lift
        self.row("revenue", k.revenue, money, note="every conversion, nurtured or not")
        self.row("cost of touches+tasks", k.cost, money)
        self.row("ROI on all revenue", k.roi, lambda x: f"{x:,.1f}x")
        if lift.customers.n:
            self.row(
                "customers added",
                lift.customers,
                lambda x: f"{x:+,.1f}",
                note="nurtured minus holdout rate, times the nurtured leads",
            )
            self.row("revenue added", lift.revenue, money)
            self.row("ROI on revenue added", lift.roi, lambda x: f"{x:,.1f}x")

    def _sequences(self) -> None:
        for seq in self.f.sequences.values():
            if not seq.entered.n:  # never entered: nothing to say
                continue
            self.title(f"Sequence {seq.name}")
            self.row("entered", seq.entered)
            if seq.exited:
                text = ", ".join(f"{why} {num(_m(s))}" for why, s in seq.exited.items())
                self.lines.append(f"  {'exited':<24}{text}")
            h = seq.holdout
            if h.holdout_rate.n:
                self.row("converted, nurtured", h.nurtured_rate, pct)
                self.row("converted, holdout", h.holdout_rate, pct)
                self.row("lift (points)", h.lift, lambda x: f"{100 * x:+.1f}")
            self._funnel(seq)
            self._arms(seq)

    def _funnel(self, seq: SequenceFigures[Stat]) -> None:
        if not seq.steps:
            return
        self.lines.append(
            f"  {'step':<6}{'content':<20}{'reached':>9}{'sent':>9}{'opened':>9}"
            f"{'clicked':>9}{'held out':>9}{'held back':>10}"
        )
        for s in seq.steps:
            self.lines.append(
                f"  {s.step:<6}{s.content:<20}{num(s.reached.mean):>9}{num(s.sent.mean):>9}"
                f"{num(s.opened.mean):>9}{num(s.clicked.mean):>9}"
                f"{num(s.held_out.mean):>9}{num(s.held_back):>10}"
            )

    def _arms(self, seq: SequenceFigures[Stat]) -> None:
        # in the order of their flat names (split "10" before "9"), as this report always was
        for a in sorted(seq.arms, key=lambda a: f"{a.split}.{a.arm}."):
            self.row(
                f"split {a.split}, arm {a.arm}",
                a.converted,
                pct,
                note=f"converted ({a.content}, {num(_m(a.sent))} leads sent)",
            )
            if a.lift.n:
                self.row(f"  arm {a.arm} vs arm 1", a.lift, lambda x: f"{100 * x:+.1f} pts")

    def _sales(self) -> None:
        s = self.f.sales
        if not _m(s.tasks):
            return
        self.title("Sales queue")
        self.row("tasks", s.tasks)
        self.row("worked", s.worked)
        self.row("peak backlog", s.peak_backlog)
        self.row("backlog at the end", s.backlog_end)
        self.row("mean wait (hours)", s.mean_wait_hours, lambda x: num(x, 1))
        self.row("picked up in time", s.within_due_share, pct)
        c = self.f.calls
        if _m(s.worked):
            self.row("answered", c.answered)
            self.row("refused", c.refused, note="the lead asked not to be contacted")
            self.row("ignored", c.ignored)

    def _groups(self) -> None:
        groups.holdout_arms(self)
        groups.split_arms(self)
        groups.named(self, "By persona   (rates: share of the persona's leads)", self.f.personas)
        groups.named(self, "By segment, as the leads stand at the horizon's end", self.f.segments)
        groups.contacts(self)

    def _assumptions(self) -> None:
        groups.assumptions(self)

    def _uncertainty(self) -> None:
        uncertainty(self)


def headline(f: Forecast) -> list[str]:
    """The headline in words (the text report's and the HTML report's): what to expect, whether
    nurture pays against the holdout, what to watch."""
    k = f.kpis
    spread = k.customers
    spread_text = f"; 90% of runs: {num(spread.low)} to {num(spread.high)}"
    out = [
        f"Of {num(f.leads)} leads over {horizon(f.days)} days, about "
        f"{num(_m(k.customers))} become customers "
        f"({pct(_m(k.conversion_rate))}{spread_text if spread.has_interval else ''}), "
        f"bringing {money(_m(k.revenue))} for {money(_m(k.cost))} of touches "
        f"and sales tasks."
    ]
    added = f.lift.customers
    if added.n == 1:
        out.append(
            f"Against the holdout, nurture adds {added.mean:+,.1f} customers in "
            "this one run; more runs tell how sure that is."
        )
    elif added.n and added.low is not None and added.high is not None:  # more runs: an interval
        lo, hi = added.low, added.high
        verdict = (
            "more customers than without it in nearly every run"
            if lo > 0
            else "fewer customers than without it in nearly every run"
            if hi < 0
            else "an effect the runs cannot tell from zero"
        )
        out.append(
            f"Against the holdout, nurture adds {added.mean:+,.1f} customers "
            f"(90% of runs: {lo:+,.1f} to {hi:+,.1f}): {verdict}."
        )
    if f.watch:
        out.append("Watch: " + "; ".join(f.watch) + ".")
    return out


def params_lines(f: Forecast, indent: str = "") -> list[str]:
    """`Params: mql_at = 60 (set; the file says 50), welcome_wait = 2d`, wrapped; none when the
    file has no params."""
    return wrapped_items("Params:", [str(p) for p in f.params], indent) if f.params else []


def wrapped_items(head: str, items: list[str], indent: str = "", width: int = 96) -> list[str]:
    """`head item, item, ...` in lines of at most `width`, never splitting an item."""
    lines, line = [], indent + head
    for k, item in enumerate(items):
        part = f" {item}" + ("," if k < len(items) - 1 else "")
        if len(line) + len(part) > width and line.strip() != head:
            lines.append(line)
            line = indent + " "
        line += part
    return [*lines, line]


def render(forecast: Forecast) -> str:
    return Report(forecast).render()
