"""Charts for the HTML reports: Vega-Lite specs made with altair, rendered to inline SVG by
vl-convert (offline, no script in the page).

Every helper returns a `Chart`: the SVG text and a short name. The SVG is made deterministic and
safe to put several in one page: vl-convert numbers the clip paths and gradients of a process
in one running sequence (`clip1`, `clip2`, ... across calls), so each chart's ids are renamed
`<name>-<n>` in order of appearance. Same data, same SVG, whatever was drawn before.

The helpers take plain rows (lists of dicts); a missing value is None and is left out of the
chart. Colours: one palette for the whole report (`PALETTE`), printable in grey.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt

PALETTE = ("#2f6db5", "#d9822b", "#3a9a5b", "#c0392b", "#7d5ba6", "#7f7f7f")
BAND = "#9bbce4"
FONT = "Helvetica, Arial, sans-serif"
WIDTH = 680
Row = dict[str, Any]

_ID = re.compile(r'\bid="([^"]+)"')


@dataclass(frozen=True)
class Chart:
    """One rendered chart: `svg` (an `<svg>` element) and the `name` its ids are prefixed with."""

    name: str
    svg: str
    title: str = ""


def _config(chart: alt.TopLevelMixin) -> dict[str, Any]:
    spec = chart.configure(font=FONT, background="white")
    spec = spec.configure_view(stroke="#ccc").configure_axis(
        labelFontSize=11, titleFontSize=11, grid=True, gridColor="#eee"
    )
    return spec.configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom").to_dict()


def render(chart: alt.TopLevelMixin, name: str, title: str = "") -> Chart:
    """The chart as an inline SVG with ids unique to `name` (deterministic)."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(_config(chart))
    return Chart(name, _rename_ids(svg, name), title)


def _rename_ids(svg: str, prefix: str) -> str:
    found: dict[str, str] = {}
    for old in _ID.findall(svg):
        found.setdefault(old, f"{prefix}-{len(found)}")
    for old, new in found.items():
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})").replace(
            f'href="#{old}"', f'href="#{new}"'
        )
    svg = svg.replace("<svg ", f'<svg data-chart="{prefix}" role="img" ', 1)
    return svg


def _data(rows: Sequence[Row]) -> alt.Data:
    return alt.Data(values=[dict(r) for r in rows])


def line_band(
    rows: Sequence[Row],
    x: str,
    x_title: str,
    y_title: str,
    name: str,
    series: str | None = None,
    x_type: str = "quantitative",
    y_format: str = ",.0f",
    width: int = WIDTH,
    ticks: Sequence[float] | None = None,
    marker: tuple[float, str] | None = None,
    x_format: str | None = None,
) -> Chart:
    """A line of `mean` over `x` with a shaded band from `low` to `high`; with `series`, one
    line and band per value of that field (coloured, with a legend). `ticks`: the x values to
    label; `marker`: a dashed vertical line at (x, label), e.g. the current value."""
    kept = [r for r in rows if r.get("mean") is not None]
    base = alt.Chart(_data(kept)).properties(width=width, height=200 if width < WIDTH else 220)
    color: Any = alt.value(PALETTE[0])
    band_color: Any = alt.value(BAND)
    if series:
        scale = alt.Scale(range=list(PALETTE))
        color = alt.Color(f"{series}:N", title=None, scale=scale, sort=None)
        band_color = color
    axis = alt.Axis(values=list(ticks)) if ticks is not None else alt.Axis()
    if x_format is not None:
        axis = alt.Axis(format=x_format, tickMinStep=1)
    xe = alt.X(f"{x}:{x_type[0].upper()}", title=x_title, axis=axis, scale=alt.Scale(zero=False))
    band = base.mark_area(opacity=0.25).encode(
        x=xe, y=alt.Y("low:Q", title=y_title, axis=alt.Axis(format=y_format)), y2="high:Q"
    )
    band = band.encode(color=band_color)
    line = base.mark_line(point=True, strokeWidth=2).encode(x=xe, y="mean:Q", color=color)
    layers = [band, line]
    if marker is not None:
        mark = alt.Chart(alt.Data(values=[{"at": marker[0], "label": marker[1]}]))
        layers.append(mark.mark_rule(color="#555", strokeDash=[4, 3]).encode(x="at:Q"))
        layers.append(
            mark.mark_text(align="left", dx=3, dy=-4, fontSize=10, color="#555").encode(
                x="at:Q", y=alt.value(0), text="label:N"
            )
        )
    return render(alt.layer(*layers), name, y_title)


def bars(
    rows: Sequence[Row],
    category: str,
    value: str,
    value_title: str,
    name: str,
    with_interval: bool = True,
    value_format: str = ",.0f",
    color_field: str | None = None,
) -> Chart:
    """Horizontal bars of `value` per `category` (in the rows' order), with a 90% interval
    whisker from `low` to `high` when the rows have them; labelled with the value."""
    # the value's label sits right of the whisker, where it cannot cross it
    kept = [
        {**r, "label_at": max(r[value], r.get("high") or r[value]) if with_interval else r[value]}
        for r in rows
        if r.get(value) is not None
    ]
    base = alt.Chart(_data(kept)).properties(width=WIDTH - 140, height=24 * max(1, len(kept)))
    y = alt.Y(f"{category}:N", title=None, sort=None)
    color: Any = alt.value(PALETTE[0])
    if color_field:
        color = alt.Color(
            f"{color_field}:N", title=None, sort=None, scale=alt.Scale(range=list(PALETTE))
        )
    layers = [
        base.mark_bar(height=16).encode(
            y=y,
            x=alt.X(
                f"{value}:Q",
                title=value_title,
                axis=alt.Axis(format=value_format, labelOverlap="greedy", tickCount=6),
            ),
            color=color,
        )
    ]
    if with_interval and any(r.get("low") is not None for r in kept):
        layers.append(
            base.mark_rule(color="#333", strokeWidth=1.5).encode(y=y, x="low:Q", x2="high:Q")
        )
    layers.append(
        base.mark_text(align="left", dx=4, fontSize=10, color="#222").encode(
            y=y, x="label_at:Q", text=alt.Text(f"{value}:Q", format=value_format)
        )
    )
    return render(alt.layer(*layers), name, value_title)


def grouped_bars(
    rows: Sequence[Row], category: str, group: str, value: str, value_title: str, name: str
) -> Chart:
    """Vertical bars of `value` per `category`, one bar per `group` side by side (a step
    funnel: reached, sent, opened, clicked per step)."""
    kept = [r for r in rows if r.get(value) is not None]
    scale = alt.Scale(range=list(PALETTE))
    chart = (
        alt.Chart(_data(kept))
        .mark_bar()
        .encode(
            x=alt.X(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelAngle=-30)),
            xOffset=alt.XOffset(f"{group}:N", sort=None),
            y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color(f"{group}:N", title=None, sort=None, scale=scale),
        )
        .properties(width=alt.Step(12), height=200)
    )
    return render(chart, name, value_title)


def intervals(
    rows: Sequence[Row], category: str, name: str, value_title: str, value_format: str = ",.2f"
) -> Chart:
    """A dot at `mean` with a whisker from `low` to `high` per `category`, and a line at zero:
    the differences of a comparison (field `verdict`: "higher" or "lower" when the interval is
    clear of zero, "unclear" when not; the colours say direction, not good or bad)."""
    kept = [r for r in rows if r.get("mean") is not None]
    base = alt.Chart(_data(kept)).properties(width=WIDTH - 140, height=24 * max(1, len(kept)))
    y = alt.Y(f"{category}:N", title=None, sort=None)
    x = alt.X("mean:Q", title=value_title, axis=alt.Axis(format=value_format))
    scale = alt.Scale(
        domain=["higher", "lower", "unclear"], range=[PALETTE[0], PALETTE[1], PALETTE[5]]
    )
    color = alt.Color("verdict:N", title=None, scale=scale)
    zero = alt.Chart(alt.Data(values=[{"zero": 0}])).mark_rule(color="#999", strokeDash=[4, 3])
    layers = [
        zero.encode(x="zero:Q"),
        base.mark_rule(strokeWidth=2).encode(y=y, x="low:Q", x2="high:Q", color=color),
        base.mark_point(filled=True, size=60).encode(y=y, x=x, color=color),
    ]
    return render(alt.layer(*layers), name, value_title)


def heatmap(
    rows: Sequence[Row],
    x: str,
    y: str,
    value: str,
    x_title: str,
    y_title: str,
    value_title: str,
    name: str,
    value_format: str = ",.1f",
    orders: tuple[list[str], list[str]] | None = None,
) -> Chart:
    """Cells coloured by `value` over two axes (a sweep over two values), each labelled;
    `orders`: the labels of x (left to right) and y (bottom to top) in their numeric order."""
    kept = [r for r in rows if r.get(value) is not None]
    base = alt.Chart(_data(kept)).properties(width=WIDTH - 100, height=260)
    x_sort, y_sort = orders if orders else (None, "descending")
    enc = {
        "x": alt.X(f"{x}:O", title=x_title, sort=x_sort),
        "y": alt.Y(f"{y}:O", title=y_title, sort=y_sort[::-1] if orders else y_sort),
    }
    rect = base.mark_rect().encode(
        **enc, color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues"))
    )
    text = base.mark_text(fontSize=10, color="#111").encode(
        **enc, text=alt.Text(f"{value}:Q", format=value_format)
    )
    return render(alt.layer(rect, text), name, value_title)
