"""Which forecast figures the app shows, and how each reads: one table per place.

Every figure is read from the simulator's result as it stands (mean, 5th and 95th percentile of
runs); nothing is computed here. `stat` is the one place that knows the result's shape. To show
a new figure, add a line to a table: `KPIS` for the cards, `ITEM_FIGURES` for the tree's details.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulator.report import money, num, pct

Fmt = Callable[[float | None], str]


@dataclass(frozen=True)
class Stat:
    mean: float | None
    lo: float | None
    hi: float | None
    n: int


def stat(forecast: Any, key: str) -> Stat | None:
    """One figure of a forecast result (None when the forecast does not have it)."""
    s = forecast["forecast"]["scalars"].get(key)
    if s is None:
        return None
    return Stat(s.get("mean"), s.get("lo"), s.get("hi"), int(s.get("n") or 0))


def keys(forecast: Any, prefix: str) -> list[str]:
    return sorted(k for k in forecast["forecast"]["scalars"] if k.startswith(prefix))


def fmt_ratio(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f}x"


def fmt_signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+,.1f}"


def fmt_points(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:+.1f} pts"


def fmt_days(x: float | None) -> str:
    return "-" if x is None else f"{x:,.1f} d"


@dataclass(frozen=True)
class Kpi:
    label: str
    key: str
    fmt: Fmt = num
    note: str = ""  # what the figure means, under the card


KPIS: tuple[Kpi, ...] = (
    Kpi("MQL", "mql", num, "leads reaching MQL"),
    Kpi("SQL", "sql", num, "leads reaching SQL"),
    Kpi("Customers", "customers", num, "leads who buy"),
    Kpi("Conversion", "conversion_rate", pct, "customers / leads"),
    Kpi("Revenue", "revenue", money, "every conversion"),
    Kpi("ROI", "roi", fmt_ratio, "(revenue - cost) / cost"),
    Kpi("Unsubscribes", "unsubscribes", num, "leads who opt out"),
    Kpi("Lift vs holdout", "incremental.customers", fmt_signed, "customers added"),
)


def interval(s: Stat | None, fmt: Fmt) -> str:
    """`lo – hi` of the runs, or '' for one run (or a figure the same in every run)."""
    if s is None or s.lo is None or s.hi is None or s.lo == s.hi:
        return ""
    return f"{fmt(s.lo)} – {fmt(s.hi)}"


def value(s: Stat | None, fmt: Fmt) -> str:
    return "-" if s is None or s.mean is None else fmt(s.mean)


def figure_line(label: str, s: Stat | None, fmt: Fmt) -> str:
    band = interval(s, fmt)
    return f"{label:<22}{value(s, fmt)}" + (f"  [{band}]" if band else "")


def _lifecycle(forecast: Any, flag: str) -> list[str]:
    return [
        figure_line(flag.upper(), stat(forecast, flag), num),
        figure_line("share of leads", stat(forecast, f"{flag}_rate"), pct),
        figure_line("days to it, median", stat(forecast, f"days_to_{flag}.median"), fmt_days),
        figure_line("days to it, p90", stat(forecast, f"days_to_{flag}.p90"), fmt_days),
    ]


def _sequence(forecast: Any, seq: str) -> list[str]:
    rows = [figure_line("entered", stat(forecast, f"seq.{seq}.entered"), num)]
    for key in keys(forecast, f"seq.{seq}.exited."):
        rows.append(figure_line(f"exited: {key.rsplit('.', 1)[1]}", stat(forecast, key), num))
    rows.append(
        figure_line("converted, nurtured", stat(forecast, f"lift.{seq}.nurtured_rate"), pct)
    )
    rows.append(figure_line("converted, holdout", stat(forecast, f"lift.{seq}.holdout_rate"), pct))
    rows.append(figure_line("lift", stat(forecast, f"lift.{seq}.lift"), fmt_points))
    return rows


def _step(forecast: Any, seq: str, step: str) -> list[str]:
    prefix = f"funnel.{seq}.{step}."
    rows = [
        figure_line(key.removeprefix(prefix).replace("_", " "), stat(forecast, key), num)
        for key in keys(forecast, prefix)
    ]
    for key in keys(forecast, f"arm.{seq}.{step}."):
        if key.endswith(".rate"):
            arm = key.split(".")[3]
            rows.append(figure_line(f"arm {arm} converted", stat(forecast, key), pct))
    return rows or ["no lead reached this step in the forecast"]


def _handoff(forecast: Any, _: str) -> list[str]:
    return [
        figure_line(label, stat(forecast, f"sales.{key}"), fmt)
        for label, key, fmt in (
            ("sales tasks", "tasks", num),
            ("worked", "worked", num),
            ("peak backlog", "peak_backlog", num),
            ("backlog at the end", "backlog_end", num),
            ("mean wait (hours)", "mean_wait_hours", lambda x: num(x, 1)),
            ("picked up in time", "within_due_share", pct),
        )
    ]


ITEM_FIGURES: dict[str, Callable[..., list[str]]] = {
    "lifecycle": _lifecycle,
    "sequence": _sequence,
    "step": _step,
    "handoff": _handoff,
}


def item_figures(forecast: Any, key: str | None) -> list[str]:
    """The forecast figures of a tree item (its key: `step:trial_onboarding:3`), or []."""
    if forecast is None or not key:
        return []
    kind, _, rest = key.partition(":")
    make = ITEM_FIGURES.get(kind)
    if make is None:
        return []
    return make(forecast, *rest.split(":")) if rest else make(forecast, "")


def weekly(forecast: Any, name: str) -> tuple[list[float | None], ...]:
    """A weekly series of the forecast: (mean, lo, hi) per week; empty when it has none."""
    series = forecast["forecast"]["weekly"].get(name)
    if not series:
        return [], [], []
    return series["mean"], series["lo"], series["hi"]


def header(forecast: Any, name: str) -> Any:
    """What the forecast was run with: file, campaign, scenario, leads, days, runs, seed."""
    return forecast[name]


FUNNEL = (("leads", "leads"), ("MQL", "mql"), ("SQL", "sql"), ("customers", "customers"))


def funnel(forecast: Any) -> tuple[list[str], list[float]]:
    """The lifecycle funnel's means: leads, MQL, SQL, customers (those the forecast has)."""
    labels, values = [], []
    for label, key in FUNNEL:
        s = stat(forecast, key)
        if s is not None and s.mean is not None:
            labels.append(label)
            values.append(s.mean)
    return labels, values


CHANNEL_COLUMNS = ("channel", "touches", "open rate", "click rate", "cost")


def channel_rows(forecast: Any) -> list[tuple[str, ...]]:
    """Touches and cost by channel, for the channels the forecast used (task: sales tasks)."""
    from dsl.ir import CHANNELS

    rows = []
    for c in CHANNELS:
        touches = stat(forecast, "sales.tasks" if c == "task" else f"touches.{c}")
        cost = stat(forecast, f"cost.{c}")
        opens = stat(forecast, f"open_rate.{c}")
        if not (touches and touches.mean) and not (cost and cost.mean):
            continue
        rows.append(
            (
                c,
                value(touches, num),
                value(opens, pct) if opens and opens.mean else "-",  # no tracked opens
                value(stat(forecast, f"click_rate.{c}"), lambda x: pct(x, 2)),
                value(cost, money),
            )
        )
    return rows


SALES = (
    ("sales tasks", "sales.tasks", num),
    ("worked", "sales.worked", num),
    ("peak backlog", "sales.peak_backlog", num),
    ("backlog at the end", "sales.backlog_end", num),
    ("mean wait (hours)", "sales.mean_wait_hours", lambda x: num(x, 1)),
    ("picked up in time", "sales.within_due_share", pct),
)


def sales_rows(forecast: Any) -> list[tuple[str, str, str]]:
    out = []
    for label, key, fmt in SALES:
        s = stat(forecast, key)
        if s is not None:
            out.append((label, value(s, fmt), interval(s, fmt)))
    return out


def headline(forecast: Any) -> str:
    """The report's headline paragraph (with its 'Watch:' notes), as the simulator words it."""
    from simulator.report import render

    lines = render(forecast).split("\n")
    if "Headline" not in lines:
        return ""
    start = lines.index("Headline") + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    text = " ".join(line.strip() for line in lines[start:end])
    return text.replace(" Against the holdout", "\nAgainst the holdout").replace(
        " Watch: ", "\nWatch: "
    )


STEP_COLUMNS = ("step", "content", "reached", "sent", "opened", "clicked", "held out", "held back")


def _label(forecast: Any, key: str) -> str:
    return forecast["forecast"].get("labels", {}).get(key, "")


def step_rows(forecast: Any, seq: str) -> list[tuple[str, ...]]:
    """The step funnel of a sequence: one row per step any lead reached (means over runs);
    'held back' is every suppression but the holdout's (exit, limits, quiet hours, ...)."""
    prefix = f"funnel.{seq}."
    steps = sorted({int(k[len(prefix) :].split(".")[0]) for k in keys(forecast, prefix)})
    rows = []
    for step in steps:

        def mean(what: str, step: int = step) -> float:
            s = stat(forecast, f"{prefix}{step}.{what}")
            return (s.mean or 0.0) if s else 0.0

        back = sum(
            mean(k.rsplit(".", 1)[1])
            for k in keys(forecast, f"{prefix}{step}.suppressed_")
            if not k.endswith("suppressed_holdout")
        )
        rows.append(
            (
                str(step),
                _label(forecast, f"{seq}.{step}"),
                *(num(mean(w)) for w in ("reached", "sent", "opened", "clicked")),
                num(mean("suppressed_holdout")),
                num(back),
            )
        )
    return rows


def exit_rows(forecast: Any, seq: str) -> list[tuple[str, str, str]]:
    out = [("entered", value(stat(forecast, f"seq.{seq}.entered"), num), "")]
    for key in keys(forecast, f"seq.{seq}.exited."):
        s = stat(forecast, key)
        out.append((f"exited: {key.rsplit('.', 1)[1]}", value(s, num), interval(s, num)))
    for label, key, fmt in (
        ("converted, nurtured", f"lift.{seq}.nurtured_rate", pct),
        ("converted, holdout", f"lift.{seq}.holdout_rate", pct),
        ("lift", f"lift.{seq}.lift", fmt_points),
    ):
        s = stat(forecast, key)
        if s is not None and s.n:
            out.append((label, value(s, fmt), interval(s, fmt)))
    return out


ARM_COLUMNS = ("split", "arm", "content", "leads sent", "converted", "90% of runs", "vs arm 1")


def arm_rows(forecast: Any, seq: str) -> list[tuple[str, ...]]:
    """Each split arm: leads sent it, their conversion, and its difference from arm 1 (points,
    with the 90% interval of runs)."""
    rows = []
    for key in keys(forecast, f"arm.{seq}."):
        if not key.endswith(".rate"):
            continue
        _, _, step, arm, _ = key.split(".")
        s = stat(forecast, key)
        lift = stat(forecast, f"arm.{seq}.{step}.{arm}.lift")
        band = interval(lift, fmt_points)
        rows.append(
            (
                step,
                arm,
                _label(forecast, f"{seq}.{step}.arm{arm}"),
                value(stat(forecast, f"arm.{seq}.{step}.{arm}.n"), num),
                value(s, pct),
                interval(s, pct),
                (value(lift, fmt_points) + (f" [{band}]" if band else "")) if lift else "",
            )
        )
    return rows


COMPARE_COLUMNS = ("figure", "A", "B", "B - A", "90% interval", "clear")


def compare_rows(comparison: Any) -> list[tuple[str, ...]]:
    """Each headline figure of the report's comparison: A, B, their paired difference with its
    90% interval, and '*' when the interval is clear of zero (the simulator's verdict)."""
    from simulator.compare_report import HEADLINE

    a, b = comparison["files"][0], comparison["files"][1]
    diffs = comparison["comparisons"][0]["differences"]
    rows = []
    for label, key, fmt, dfmt in HEADLINE:
        sa, sb, d = stat(a, key), stat(b, key), diffs.get(key)
        if (sa is None or sa.mean is None) and (sb is None or sb.mean is None):
            continue
        has_d = d is not None and d.get("mean") is not None
        band = f"{dfmt(d['lo'])} .. {dfmt(d['hi'])}" if has_d and d.get("lo") is not None else ""
        rows.append(
            (
                label,
                value(sa, fmt),
                value(sb, fmt),
                dfmt(d["mean"]) if has_d else "-",
                band,
                "*" if has_d and d.get("clear") else "",
            )
        )
    return rows
