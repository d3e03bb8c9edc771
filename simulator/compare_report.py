"""A comparison as text: each file's headline figures, then the differences against the first file.

Differences are paired by replication (same leads, same random streams), so noise shared by both
files cancels; `*` marks a difference whose 90% interval is clear of zero.
"""

from __future__ import annotations

from simulator.report import money, num, pct

# (label, key, formatter of a value, formatter of a difference)
HEADLINE = (
    ("MQL", "mql", num, lambda x: f"{x:+,.1f}"),
    ("SQL", "sql", num, lambda x: f"{x:+,.1f}"),
    ("customers", "customers", num, lambda x: f"{x:+,.1f}"),
    ("conversion rate", "conversion_rate", pct, lambda x: f"{100 * x:+.2f} pts"),
    ("revenue", "revenue", money, lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"),
    ("cost", "cost", money, lambda x: f"{'+' if x >= 0 else '-'}${abs(x):,.0f}"),
    ("ROI", "roi", lambda x: f"{x:,.1f}x", lambda x: f"{x:+,.2f}x"),
    ("touches", "touches", num, lambda x: f"{x:+,.0f}"),
    ("unsubscribes", "unsubscribes", num, lambda x: f"{x:+,.1f}"),
    (
        "days to customer (median)",
        "days_to_customers.median",
        lambda x: num(x, 1),
        lambda x: f"{x:+.1f}",
    ),
    ("sales peak backlog", "sales.peak_backlog", num, lambda x: f"{x:+,.1f}"),
)


def _mean(forecast: dict, key: str) -> float | None:
    return (forecast["forecast"]["scalars"].get(key) or {}).get("mean")


def render(result: dict[str, object]) -> str:
    files = result["files"]
    first = files[0]
    lines = [
        f"Comparison on common random numbers: {len(files)} files, "
        f"{num(first['leads'])} leads over {first['days']:g} days, {first['runs']} "
        f"run{'s' if first['runs'] != 1 else ''}, "
        f"seed {first['seed']}",
        f"Scenario: {first['scenario']}",
        "Each difference: mean over paired runs [90% interval]; * = clear of zero.",
    ]
    for label, f in zip("ABCDEFGHIJ", files, strict=False):
        lines.append(f"  {label} = {f['file']}  ({f['campaign']})")
    for cmp, (label, other) in zip(
        result["comparisons"], zip("BCDEFGHIJ", files[1:], strict=False), strict=False
    ):
        lines += ["", f"{label} vs A", f"  {'':<28}{'A':>12}{label:>12}   {label} - A"]
        diffs = cmp["differences"]
        for name, key, fmt, dfmt in HEADLINE:
            d = diffs.get(key)
            a, b = _mean(first, key), _mean(other, key)
            if a is None and b is None:
                continue
            lines.append(f"  {name:<28}{_or(fmt, a):>12}{_or(fmt, b):>12}   {_diff(d, dfmt)}")
        lines += _lift_lines(diffs)
    return "\n".join(lines) + "\n"


def _or(fmt, x: float | None) -> str:
    return "-" if x is None else fmt(x)


def _diff(d: dict | None, dfmt) -> str:
    if not d or d.get("mean") is None:
        return "-"
    if d.get("lo") is None:
        return dfmt(d["mean"])
    mark = " *" if d["clear"] else ""
    return f"{dfmt(d['mean'])}  [{dfmt(d['lo'])} .. {dfmt(d['hi'])}]{mark}"


def _lift_lines(diffs: dict) -> list[str]:
    out = []
    for key in sorted(k for k in diffs if k.startswith("lift.") and k.endswith(".lift")):
        seq = key.split(".")[1]
        out.append(f"  {'lift of ' + seq:<52}{_diff(diffs[key], lambda x: f'{100 * x:+.2f} pts')}")
    return out
