"""What a forecast's headline rests on: each path customers came by, with the knob behind it and
where that knob's value comes from — the scenario, public data, or an assumption.

`headline(program, scenario, stats)` returns sentences for the report's "What the headline rests
on" section and the JSON's "assumptions": one per way customers bought (at least 5% of them), one
for the deal value, one for the population when it was derived from the `lead:` block, and the
list of assumed defaults still in force that this file's forecast uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from dsl.ir import Program
from simulator import calibration as cal
from simulator.scenario import Scenario

SHARE_TO_NAME = 0.05  # a path bringing at least this share of customers is named
# what made a lead buy -> (the words for it, the knobs behind it)
PATHS: dict[str, tuple[str, tuple[str, ...]]] = {
    "background": ("buying without a visit or a click", ("behaviour.conversion_per_day",)),
    "visit": ("visits", ("behaviour.conversion_per_visit", "personas.organic.per_day")),
    "click": ("clicks on touches", ("behaviour.click", "behaviour.conversion_per_visit")),
    "sales": ("sales tasks", ("sales.close_rate", "behaviour.task_answer")),
}


def _scenario_value(scenario: Scenario, path: str) -> object:
    section, name, *rest = path.split(".")
    if section == "personas":
        return None
    value = getattr(getattr(scenario, section), name)
    return value.get(rest[0]) if rest and isinstance(value, dict) else value


def _set_by_scenario(scenario: Scenario, path: str) -> str | None:
    """How the scenario sets the knob at `path`: "in the scenario", "per persona", or None."""
    section, name, *rest = path.split(".")
    if section == "personas":
        persona_field = name if name != "organic" else "organic"
        if any(persona_field in p.model_fields_set for p in scenario.personas):
            return "in the scenario"
        return None
    model = getattr(scenario, section)
    if name in model.model_fields_set and (not rest or rest[0] in getattr(model, name)):
        return "in the scenario"
    if section == "behaviour" and any(
        p.behaviour is not None and name in p.behaviour.model_fields_set for p in scenario.personas
    ):
        return "per persona in the scenario"
    return None


def _shown(value: object) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, dict):
        return ""
    if isinstance(value, float | int):
        return f" = {value:g}"
    if isinstance(value, str):
        return f" = {value}"
    constant = getattr(value, "value", None)  # a distribution: a constant's value, else its kind
    kind = getattr(value, "dist", value)  # (every distribution has its `dist` tag)
    return f" = {constant:g}" if isinstance(constant, float | int) else f" = {kind}"


def knob(
    scenario: Scenario, path: str, derived: bool = False, channels: AbstractSet[str] = frozenset()
) -> str:
    """`name = value: where it comes from` for the knob at `path` (`behaviour.click`: one per
    channel in `channels`)."""
    if path == "behaviour.click":
        return "; ".join(
            knob(scenario, f"{path}.{ch}", derived) for ch in sorted(channels - {"task"})
        )
    short = path.split(".", 1)[1]
    if path.startswith("personas.") and derived:
        return (
            f"{short}: the derived persona's (visits at Hillstrom's 0.008 a day; the events "
            "the rules score: an assumption)"
        )
    shown = _shown(_scenario_value(scenario, path))
    how = _set_by_scenario(scenario, path)
    if how is not None:
        return f"{short}{shown}, set {how}"
    default = cal.KNOBS.get(path)
    if default is None:
        return f"{short}{shown}"
    return f"{short}{shown}: {'an ' if default.assumed else ''}{default.source}"


def headline(
    program: Program, scenario: Scenario, stats: Mapping[str, dict], derived: bool
) -> list[str]:
    """The sentences (see the module docstring); `stats` are the forecast's figures by name,
    `derived` whether the population came from the `lead:` block (no scenario)."""
    out: list[str] = []
    channels = _used(program)[0]
    customers = (stats.get("customers") or {}).get("mean") or 0.0
    if customers:
        for path, (words, knobs) in PATHS.items():
            n = (stats.get(f"customers.by.{path}") or {}).get("mean") or 0.0
            if n / customers >= SHARE_TO_NAME:
                behind = "; ".join(knob(scenario, k, derived, channels) for k in knobs)
                out.append(f"{n / customers:.0%} of customers come from {words} ({behind}).")
    out.append(_deal(scenario))
    if derived:
        out.append(
            "The population is derived from the lead: block, not described by a scenario: one "
            "persona, readiness uniform 0.05-0.5, attributes drawn from their declarations, and "
            "every event the rules score done often enough that a ready lead reaches the top "
            "threshold in a month (assumptions; write a scenario for your leads)."
        )
    assumed = _assumed_in_force(program, scenario)
    if assumed:
        out.append("Assumed defaults in force: " + "; ".join(assumed) + ".")
    return out


def _deal(scenario: Scenario) -> str:
    personas = [p.name for p in scenario.personas if p.behaviour and p.behaviour.deal_value]
    if personas:
        return f"Deal values are set per persona in the scenario ({', '.join(personas)})."
    if "deal_value" in scenario.behaviour.model_fields_set:
        return "Deal values are set in the scenario."
    return (
        "Revenue rests on the default deal value, lognormal with median $80.80: the "
        f"{cal.KNOBS['behaviour.deal_value'].source.split(': ', 1)[1]}."
    )


def _used(program: Program) -> tuple[set[str], bool, bool]:
    """The channels the file sends on, whether it makes sales tasks, whether content has stages."""
    channels = {c.channel for c in program.contents}
    staged = any(c.stage for c in program.contents)
    return channels, "task" in channels, staged


def _assumed_in_force(program: Program, scenario: Scenario) -> list[str]:
    """The assumed defaults (no data behind them) this file's forecast uses and the scenario
    leaves as they are."""
    channels, tasks, staged = _used(program)
    out = []
    for path, default in cal.KNOBS.items():
        if not default.assumed or _set_by_scenario(scenario, path) is not None:
            continue
        section, name, *rest = path.split(".")
        if rest and rest[0] not in channels:
            continue  # a rate of a channel the file does not use
        if (section == "sales" or name.startswith("task_")) and not tasks:
            continue
        if (
            name in ("relevance_bonus", "irrelevance_factor", "irrelevant_gain_factor")
            and not staged
        ):
            continue
        if path == "personas.readiness" and scenario.personas:
            if all("readiness" in p.model_fields_set for p in scenario.personas):
                continue
            out.append("readiness uniform 0.05-0.5 (personas that do not give theirs)")
            continue
        if section == "personas" or path in ("behaviour.appeal", "population.cost_per_lead"):
            continue  # neutral (a multiplier of 1, no cost) or said above in other words
        out.append(f"{path.split('.', 1)[1]}{_shown(_scenario_value(scenario, path))}")
    return out
