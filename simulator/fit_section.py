"""The `[fit]` section of a fitted scenario: what `nurture calibrate` fitted, how sure it is,
how well it fits, and what the data could not tell.

    [fit]
    history = "leads.csv + events.jsonl: 3,000 leads, 41,210 events, ..."
    method = "maximum likelihood (scipy L-BFGS-B); standard errors from the observed information"
    draw = true                 # forecasts draw the parameters from their uncertainty

    [[fit.parameters]]          # one a knob: its estimate, standard error, 90% interval, n
    path = "behaviour.click.email"
    ...
    [[fit.blocks]]              # parameters fitted together: the normal their draws come from
    [[fit.checks]]              # a figure of the data against the fitted model's
    [[fit.kept]]                # a knob the data does not identify: kept, and why

A forecast of a scenario with `draw = true` draws each block's parameters once per replication
(`simulator/uncertainty.py`), so its interval covers the parameters' uncertainty as well as the
simulation's; `draw = false` uses the estimates.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FitParameter(_Model):
    path: str = Field(description="the scenario knob (TOML path; a persona by its name)")
    what: str = Field("", description="what it is, in words")
    estimate: float = Field(description="the fitted value (the knob's value in this scenario)")
    se: float = Field(ge=0, description="its standard error")
    low: float = Field(description="the 90% interval's low end")
    high: float = Field(description="the 90% interval's high end")
    n: int = Field(ge=0, description="observations behind it")
    interval: Literal["wald", "profile"] = Field(
        "wald",
        description="how the 90% interval was found: wald, the estimate +- 1.645 standard "
        "errors on the fitted scale; profile, where twice the log-likelihood maximised over "
        "the block's other parameters falls 2.706 below its maximum",
    )


class FitBlock(_Model):
    name: str = Field(description="what was fitted together")
    paths: list[str] = Field(description="the knobs, in the order of `mean`")
    scales: list[Literal["log", "logit", "identity"]] = Field(
        description="the scale each was fitted on (draws are normal on it)"
    )
    factors: list[float] = Field(description="knob = factor * value + offset")
    offsets: list[float] = Field(description="knob = factor * value + offset")
    mean: list[float] = Field(description="the estimate on the fitted scale")
    cov: list[list[float]] = Field(description="its covariance (inverse observed information)")
    sd_low: list[float] = Field(
        default_factory=list,
        description="with a profile-likelihood interval in the block: each knob's spread below "
        "its estimate on the fitted scale (a split normal: (estimate - low end) / 1.645, or "
        "the standard error); empty: the normal of `cov`",
    )
    sd_high: list[float] = Field(
        default_factory=list,
        description="likewise above its estimate ((high end - estimate) / 1.645)",
    )

    @model_validator(mode="after")
    def _shapes(self) -> FitBlock:
        k = len(self.paths)
        if not (len(self.scales) == len(self.factors) == len(self.offsets) == len(self.mean) == k):
            raise ValueError(f"a fit block of {k} knobs needs {k} scales, factors, offsets, means")
        if len(self.cov) != k or any(len(row) != k for row in self.cov):
            raise ValueError(f"a fit block of {k} knobs needs a {k} x {k} covariance")
        if len(self.sd_low) != len(self.sd_high) or len(self.sd_low) not in (0, k):
            raise ValueError(f"a fit block of {k} knobs needs {k} sd_low and sd_high, or none")
        return self


class FitCheck(_Model):
    block: str = Field(description="the block it checks")
    figure: str = Field(description="what is counted")
    observed: float = Field(description="in the history")
    fitted: float = Field(description="what the fitted model gives for it")
    n: int = Field(ge=0, description="observations it is counted over")


class FitKept(_Model):
    path: str = Field(description="the knob")
    value: str = Field(description="the value it keeps")
    reason: str = Field(description="why the data does not identify it")


class FitSet(_Model):
    path: str = Field(description="the knob")
    value: str = Field(description="the value set without a fit")
    reason: str = Field(description="why")


class Fit(_Model):
    history: str = Field("", description="what it was fitted on")
    method: str = Field("", description="how")
    draw: bool = Field(
        True,
        description="forecasts draw the fitted parameters from their uncertainty, once per "
        "replication (false: the estimates, every run)",
    )
    parameters: list[FitParameter] = Field(default_factory=list, description="fitted knobs")
    blocks: list[FitBlock] = Field(default_factory=list, description="their joint uncertainty")
    checks: list[FitCheck] = Field(default_factory=list, description="goodness of fit")
    kept: list[FitKept] = Field(default_factory=list, description="knobs not identified")
    set: list[FitSet] = Field(default_factory=list, description="knobs set without a fit")
    warnings: list[str] = Field(
        default_factory=list, description="what the fit could not settle (it says why)"
    )
