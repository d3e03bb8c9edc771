"""The live report as text, laid out like the forecast's (`nurture simulate`) so the two read side
by side: each figure, the observed 90% interval where it has one, and with a forecast, the
forecast's mean and 90% interval beside it, `!` marking an actual outside that interval.

It reads a typed `LiveReport` only; sections with nothing to say are left out.
"""

from __future__ import annotations

import math
import textwrap

from engine import format_time
from live.kpis_time import MARKS
from live.report_forecast import few_runs_note
from live.report_format import Fmt, days, money, num, pct, ratio
from live.report_text_groups import contacts_section, segments_section, sequence_section
from live.report_types import LiveReport

SURVIVAL_DAYS = (7, 14, 30, 60, 90)


class Text:
    def __init__(self, r: LiveReport) -> None:
        self.r = r
        self.lines: list[str] = []

    # ------------------------------------------------------------ pieces

    def title(self, text: str) -> None:
        self.lines += ["", text]

    def say(self, text: str) -> None:
        self.lines.append(textwrap.fill(text, 96, initial_indent="  ", subsequent_indent="  "))

    def beside(self, name: str, how: Fmt) -> str:
        """The forecast of `name` as `mean [low – high]`, `!` when the actual is outside."""
        expected = self.r.expected(name)
        if expected is None:
            return ""
        low, high = how(expected.low), how(expected.high)
        text = how(expected.mean) if low == high else f"{how(expected.mean)} [{low} – {high}]"
        return ("! " if self.r.outside(name) else "  ") + text

    def row(self, label: str, name: str, how: Fmt = num, note: str = "") -> None:
        r = self.r
        actual = how(r.figure(name))
        interval = r.interval(name)
        if not math.isnan(interval.low):
            actual += f"  [{how(interval.low)} – {how(interval.high)}]"
        if note:
            actual += f"  {note}"
        if r.forecast is None:
            self.lines.append(f"  {label:<26}{actual}")
        else:
            self.lines.append(f"  {label:<26}{actual:<33} {self.beside(name, how)}")

    # ------------------------------------------------------------ sections

    def render(self) -> str:
        r = self.r
        self._header()
        if not r.leads:
            self.lines += ["", "  No lead has arrived" + (" since then." if r.since else " yet.")]
            return "\n".join(self.lines) + "\n"
        for part in (
            self._outcomes,
            self._days,
            self._channels,
            self._money,
            self._sequences,
            self._segments,
            self._contacts,
            self._cohorts,
            self._survival,
            self._notes,
        ):
            part()
        return "\n".join(self.lines) + "\n"

    def _header(self) -> None:
        r = self.r
        first = "-" if r.first_arrival is None else format_time(r.first_arrival)[:10]
        self.lines = [
            f"Actual KPIs: {r.campaign}  ({', '.join(r.files)})",
            f"{r.db} · {num(r.leads)} leads arrived from {first} · clock {format_time(r.clock)} "
            f"({r.observed_days:.0f} days)",
        ]
        self.lines += textwrap.wrap(
            "Each figure as the database has it; [90% interval] where one is observed "
            "(differences against a holdout or an arm).",
            96,
        )
        f = r.forecast
        if f is not None:
            self.lines += textwrap.wrap(
                f"Forecast beside: {f.path} ({num(f.leads)} leads over {f.days:g} days, {f.runs} "
                f"runs; counts scaled x{f.scale:.3g} to these leads). '!': the actual is outside "
                "the forecast's 90% interval. " + few_runs_note(f.runs),
                96,
            )

    def _outcomes(self) -> None:
        r = self.r
        self.title("Outcomes")
        self.row("leads", "leads")
        mql, sql = r.lifecycle
        if mql:
            self.row("MQL", "mql", note=f"{pct(r.figure('mql_rate'))} of leads")
        if sql:
            self.row("SQL", "sql", note=f"{pct(r.figure('sql_rate'))} of leads")
        self.row("visited", "visited", note=f"{pct(r.figure('visit_rate'))} (a visit or a click)")
        self.row("customers", "customers")
        self.row("conversion rate", "conversion_rate", pct)
        were = [
            f"{flag.upper()} {pct(r.figure(f'customers.were_{flag}'))}"
            for flag, on in zip(("mql", "sql"), r.lifecycle, strict=True)
            if on and not math.isnan(r.figure(f"customers.were_{flag}"))
        ]
        if were:
            self.lines.append(f"  {'customers who were':<26}{', '.join(were)} before they bought")
        self.row("unsubscribes", "unsubscribes", note=f"{pct(r.figure('unsubscribe_rate'), 2)}")
        self.row("sunsets", "sunset")
        self.row("handoffs to sales", "handoff")
        if r.stage_names:
            self.title("Stages reached (as the leads stand now)")
            for stage in r.stage_names:
                self.row(stage, f"stage.{stage}", note=pct(r.figure(f"stage_rate.{stage}")))

    def _days(self) -> None:
        r = self.r
        self.title("Days from arrival to          median      p90    (leads that got there)")
        for label, key in (("MQL", "mql"), ("SQL", "sql"), ("customer", "customers")):
            med, p90 = f"days_to_{key}.median", f"days_to_{key}.p90"
            line = f"  {label:<28}{days(r.figure(med)):>8} {days(r.figure(p90)):>8}"
            if r.forecast is not None:
                line += f"    {self.beside(med, days)} / {self.beside(p90, days).strip()}"
            self.lines.append(line)
        med, p90 = "days_sql_to_customer.median", "days_sql_to_customer.p90"
        self.lines.append(
            f"  {'customer, from SQL':<28}{days(r.figure(med)):>8} {days(r.figure(p90)):>8}"
        )

    def _channels(self) -> None:
        r = self.r
        channels = sorted(
            {k.split(".", 1)[1] for k in r.figures if k.startswith(("touches.", "cost."))}
        )
        if not channels:
            return
        self.title("Touches and cost by channel")
        head = "  channel     touches  open rate  click rate        cost"
        self.lines.append(head + ("    touches, forecast" if r.forecast else ""))
        for ch in channels:
            name = "tasks" if ch == "task" else f"touches.{ch}"
            sent = r.figures.get(name, 0.0)
            opens = pct(r.figure(f"open_rate.{ch}")) if f"opens.{ch}" in r.figures else "-"
            line = (
                f"  {ch:<10}{num(sent):>9}  {opens:>9}  "
                f"{pct(r.figure(f'click_rate.{ch}'), 2):>10}  {money(r.figure(f'cost.{ch}')):>10}"
            )
            if r.forecast is not None:
                line += "    " + self.beside(name, num)
            self.lines.append(line)
        if "tasks" in r.figures:
            answered = r.figures.get("calls.answered", 0.0)
            refused = r.figures.get("calls.refused", 0.0)
            self.lines.append(
                f"  sales tasks: {num(r.figure('tasks'))} made, {num(answered)} answered, "
                f"{num(refused)} refused"
            )

    def _money(self) -> None:
        self.title("Money")
        self.row("revenue", "revenue", money, "every conversion's value")
        self.row("cost of touches+tasks", "cost", money)
        self.row("ROI on all revenue", "roi", ratio)
        if not math.isnan(self.r.figure("incremental.customers")):
            self.row("customers added", "incremental.customers", lambda x: num(x, 1))
            self.row("revenue added", "incremental.revenue", money)

    def _sequences(self) -> None:
        for seq in self.r.sequences:
            sequence_section(self, seq.name)

    def _segments(self) -> None:
        segments_section(self)

    def _contacts(self) -> None:
        contacts_section(self)

    def _cohorts(self) -> None:
        r = self.r
        if not r.cohorts:
            return
        self.title(
            "Cohorts by arrival week   (converted by day N: '…' while a lead is still inside N)"
        )
        marks = "".join(f"{'day ' + str(d):>9}" for d in MARKS)
        self.lines.append(f"  week of       leads    MQL    SQL  bought   open{marks}")
        for c in r.cohorts:
            by = "".join(f"{'…' if v is None else pct(v):>9}" for v in c.converted_by)
            self.lines.append(
                f"  {format_time(c.week)[:10]}  {c.leads:>7,} {c.mql:>6,} {c.sql:>6,} "
                f"{c.customers:>7,} {c.open:>6,}{by}"
            )

    def _survival(self) -> None:
        s = self.r.survival
        if not s.days:
            return
        self.title("Time to convert (Kaplan-Meier: leads not yet bought count while observed)")
        for day in SURVIVAL_DAYS:
            share = s.share_by(day)
            if math.isnan(share.estimate):
                continue
            k = s.days.index(day)
            self.lines.append(
                f"  bought by day {day:<4}{pct(share.estimate, 2):>8}  "
                f"[{pct(share.low, 2)} – {pct(share.high, 2)}]   "
                f"{s.at_risk[k]:,} lead{'s' if s.at_risk[k] != 1 else ''} still observed"
            )

    def _notes(self) -> None:
        if self.r.notes:
            self.title("Notes")
            for note in self.r.notes:
                self.say("- " + note)


def render(r: LiveReport) -> str:
    return Text(r).render()
