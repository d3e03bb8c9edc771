"""The scenario reference, generated from the pydantic models: every field, default and meaning.

`python -m simulator.scenario_doc` prints it as Markdown (for the docs), so the reference can
never drift from what the loader accepts.
"""

from __future__ import annotations

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from simulator import calibration as cal
from simulator import distributions as d
from simulator import scenario as sc

SECTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("[population]", sc.Population),
    ("[[personas]]", sc.Persona),
    ("[[personas.on_arrival]]", sc.ArrivalEvent),
    ("[[personas.organic]]", sc.OrganicEvent),
    ("[personas.behaviour]", sc.PersonaBehaviour),
    ("[behaviour]", sc.Behaviour),
    ("[sales]", sc.Sales),
    ("[run]", sc.RunSettings),
)

DISTRIBUTIONS: tuple[tuple[str, type[BaseModel]], ...] = (
    ("constant", d.Constant),
    ("choice", d.Choice),
    ("normal", d.Normal),
    ("lognormal", d.LogNormal),
    ("uniform", d.Uniform),
    ("discrete", d.Discrete),
    ("empirical", d.Empirical),
)


def _default(field) -> str:
    if field.default is not PydanticUndefined:
        value = field.default
    elif field.default_factory is not None:
        value = field.default_factory()
    else:
        return "(required)"
    if isinstance(value, BaseModel):
        return ", ".join(f"{k} = {v}" for k, v in value.model_dump().items() if v is not None)
    return repr(value) if isinstance(value, str) else str(value)


SECTION_PATHS = {
    "[population]": "population",
    "[[personas]]": "personas",
    "[[personas.organic]]": "personas.organic",
    "[behaviour]": "behaviour",
    "[sales]": "sales",
}


def _source(title: str, name: str) -> str:
    """Where a default comes from (`calibration.KNOBS`), for the knobs that have one."""
    section = SECTION_PATHS.get(title)
    if section is None:
        return ""
    knob = cal.KNOBS.get(f"{section}.{name}")
    if knob is not None:
        return f" *Default: {knob.source}.*"
    per_channel = sorted(k for k in cal.KNOBS if k.startswith(f"{section}.{name}."))
    if not per_channel:
        return ""
    sources = "; ".join(f"{k.rsplit('.', 1)[1]}: {cal.KNOBS[k].source}" for k in per_channel)
    return f" *Defaults: {sources}.*"


def reference() -> str:
    out = [
        "# Scenario reference",
        "",
        "Every field is optional unless marked (required); unknown fields are errors.",
        "",
    ]
    for title, model in SECTIONS:
        if model is sc.PersonaBehaviour:
            out += [f"## {title}", "", (model.__doc__ or "").strip(), ""]
            continue
        out += [f"## {title}", "", "| field | default | meaning |", "|---|---|---|"]
        for name, field in model.model_fields.items():
            meaning = f"{field.description or ''}{_source(title, name)}"
            out.append(f"| `{name}` | `{_default(field)}` | {meaning} |")
        out.append("")
    out += ['## Distributions (`{ dist = "...", ... }`)', ""]
    for tag, model in DISTRIBUTIONS:
        fields = ", ".join(f"`{n}`" for n in model.model_fields if n != "dist")
        out.append(f"- `{tag}`: {fields}. {' '.join((model.__doc__ or '').split())}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(reference(), end="")
