"""A calibration written out: the fitted scenario as TOML (checked by reading it back the way
any scenario is read), and the fit as JSON."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dsl.errors import InternalError
from dsl.ir import Program
from simulator.fit_toml import dumps
from simulator.loader import ScenarioError, parse_scenario

if TYPE_CHECKING:
    from simulator.calibrate import Calibration


def scenario_text(
    result: Calibration, program: Program, prior_path: str | None, out_path: str, made_by: str
) -> str:
    """The fitted scenario's TOML; raises `InternalError` if it does not read back."""
    source = os.path.dirname(prior_path) if prior_path else "."
    target = os.path.dirname(os.path.abspath(out_path))
    header = [
        f"Fitted by {made_by} on {result.summary.source}.",
        "Each knob the history identifies is its maximum-likelihood estimate; [fit] lists",
        "them with their uncertainty (forecasts draw from it), the knobs kept from the prior",
        "and observed against fitted figures. See docs/CALIBRATION.md.",
        f"Prior: {prior_path or 'the scenario derived from the lead: block'}.",
        "",
    ]
    text = dumps(result.scenario, header, source, target)
    try:
        parse_scenario(text, out_path, program)
    except ScenarioError as err:
        raise InternalError(f"the fitted scenario does not read back: {err}") from None
    return text


def to_dict(result: Calibration) -> dict[str, object]:
    fit = result.scenario.fit
    return {
        "history": result.summary.to_dict(),
        "personas": {p.name: round(p.share, 6) for p in result.scenario.personas},
        "grouping": result.grouping,
        "fit": fit.model_dump() if fit is not None else None,
    }
