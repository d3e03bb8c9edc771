"""The assumptions a forecast rests on, as the report shows them: the scenario's figures.

Read from the scenario object generically (its pydantic dump), so a field the behaviour model
gains appears without a change here: per-channel figures become one table (a column per
figure, a row per channel), single figures a table of name and value, personas a table of
their share and readiness. Where each default comes from (public data or an assumption) is in
`python -m simulator.scenario_doc`; the page says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from htmlreport.blocks import table
from htmlreport.page import Html, join, paragraph, tag
from simulator.scenario import Scenario

_SOURCE = (
    "Figures not set in the scenario keep their documented defaults; where each default comes "
    "from (public data in shared/data, or a stated assumption) is listed by "
    "`python -m simulator.scenario_doc`."
)


def describe(value: Any) -> str:
    """A figure in words: numbers as written, a distribution by its parameters."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float | int):
        return f"{value:g}"
    if isinstance(value, Mapping) and "dist" in value:
        given = {k: v for k, v in value.items() if k != "dist" and v is not None and v is not False}
        rest = ", ".join(f"{k} {describe(v)}" for k, v in given.items())
        return f"{value['dist']} ({rest})" if rest else str(value["dist"])
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {describe(v)}" for k, v in value.items()) or "–"
    if isinstance(value, list):
        return ", ".join(describe(v) for v in value) or "–"
    return str(value)


def _is_channel_table(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and bool(value)
        and "dist" not in value
        and all(isinstance(v, float | int) and not isinstance(v, bool) for v in value.values())
    )


def section_tables(name: str, data: Mapping[str, Any]) -> Html:
    """One scenario section (`behaviour`, `sales`, ...): single figures, then per-key figures."""
    single = [(k, describe(v)) for k, v in data.items() if not _is_channel_table(v)]
    keyed = {k: v for k, v in data.items() if _is_channel_table(v)}
    parts = [tag("h3", name)]
    if single:
        parts.append(table(["figure", "value"], single, text_columns=1))
    if keyed:
        keys = sorted({c for v in keyed.values() for c in v})
        rows = [[c, *(describe(keyed[f].get(c, "–")) for f in keyed)] for c in keys]
        parts.append(table(["", *keyed], rows))
    return join(*parts)


def personas_table(personas: list[dict[str, Any]]) -> Html:
    rows = [
        [p.get("name", ""), f"{100 * p.get('share', 0):.0f}%", describe(p.get("readiness", "–"))]
        for p in personas
    ]
    return join(tag("h3", "personas"), table(["persona", "share", "readiness at arrival"], rows, 1))


def assumptions(scenario: Scenario, extra: list[str] | tuple[str, ...] = ()) -> Html:
    """The assumptions section's content: `extra` sentences first (what the headline rests on),
    then the scenario's population, personas, behaviour and sales figures."""
    data = scenario.model_dump(mode="json")
    parts: list[Html] = []
    if extra:
        parts.append(tag("ul", *(tag("li", s) for s in extra), cls="plain"))
    pop = data.get("population", {})
    parts.append(section_tables("population", pop))
    if data.get("personas"):
        parts.append(personas_table(data["personas"]))
    for name in ("behaviour", "sales"):
        if name in data:
            parts.append(section_tables(name, data[name]))
    parts.append(paragraph(_SOURCE, "note"))
    return join(*parts)
