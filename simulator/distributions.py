"""Value distributions a scenario may give an attribute, a latent trait or an event property.

Written in TOML as an inline table with a `dist` tag, for example
`company_size = { dist = "lognormal", median = 40, sigma = 1.0, round = true }`.
Each draws a whole column at once (numpy, vectorised). Besides the parametric ones, a number may
come from a table of values and weights (`discrete`) or from the values of a CSV column
(`empirical`, `simulator/empirical.py`), so real data can stand in for a guessed shape.
"""

from __future__ import annotations

from functools import cached_property
from statistics import NormalDist
from typing import Annotated, Literal

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from simulator.empirical import read_column


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Constant(_Dist):
    """Every lead gets the same value (number or text)."""

    dist: Literal["constant"] = Field("constant", description="distribution tag")
    value: float | str = Field(description="the value every lead gets")

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        return [self.value] * n

    def from_uniform(self, u: float) -> float | str:
        return self.value


class Choice(_Dist):
    """One of several values, with relative weights (they need not sum to 1)."""

    dist: Literal["choice"] = Field("choice", description="distribution tag")
    weights: dict[str, float] = Field(description="value -> relative weight, e.g. {a = 3, b = 1}")

    @field_validator("weights")
    @classmethod
    def _positive(cls, weights: dict[str, float]) -> dict[str, float]:
        if not weights:
            raise ValueError("give at least one value")
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be >= 0 and not all 0")
        return weights

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        values = list(self.weights)
        p = np.array([self.weights[v] for v in values], dtype=float)
        idx = rng.choice(len(values), size=n, p=p / p.sum())
        return [values[i] for i in idx]

    @cached_property
    def _cumulative(self) -> tuple[tuple[float, str], ...]:
        total = sum(self.weights.values())
        acc, out = 0.0, []
        for value, weight in self.weights.items():
            acc += weight / total
            out.append((acc, value))
        return tuple(out)

    def from_uniform(self, u: float) -> object:
        for acc, value in self._cumulative:
            if u < acc:
                return value
        return next(reversed(self.weights))


class _Numeric(_Dist):
    min: float | None = Field(None, description="values below are raised to this bound")
    max: float | None = Field(None, description="values above are lowered to this bound")
    round: bool = Field(False, description="round to a whole number")

    def _finish(self, x: np.ndarray) -> list[object]:
        if self.min is not None or self.max is not None:
            x = np.clip(x, self.min, self.max)
        if self.round:
            x = np.rint(x)
        return x.tolist()

    def _one(self, x: float) -> float:
        if self.min is not None:
            x = max(x, self.min)
        if self.max is not None:
            x = min(x, self.max)
        return float(round(x)) if self.round else x


class Normal(_Numeric):
    dist: Literal["normal"] = Field("normal", description="distribution tag")
    mean: float = Field(description="mean")
    sd: float = Field(ge=0, description="standard deviation")

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        return self._finish(rng.normal(self.mean, self.sd, n))

    def from_uniform(self, u: float) -> float:
        return self._one(NormalDist(self.mean, self.sd or 1e-12).inv_cdf(_inside(u)))


class LogNormal(_Numeric):
    """Skewed positive values (company size, deal value): half the leads are below `median`."""

    dist: Literal["lognormal"] = Field("lognormal", description="distribution tag")
    median: float = Field(gt=0, description="the middle value")
    sigma: float = Field(ge=0, description="spread of log(value); 1.0 is wide, 0.3 narrow")

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        return self._finish(rng.lognormal(float(np.log(self.median)), self.sigma, n))

    def from_uniform(self, u: float) -> float:
        z = NormalDist().inv_cdf(_inside(u))
        return self._one(float(self.median * np.exp(self.sigma * z)))


class Uniform(_Numeric):
    dist: Literal["uniform"] = Field("uniform", description="distribution tag")
    low: float = Field(description="smallest value")
    high: float = Field(description="largest value")

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        return self._finish(rng.uniform(self.low, self.high, n))

    def from_uniform(self, u: float) -> float:
        return self._one(self.low + u * (self.high - self.low))


class Discrete(_Numeric):
    """Numbers from a table: each of `values` with its relative weight (equal when not given)."""

    dist: Literal["discrete"] = Field("discrete", description="distribution tag")
    values: list[float] = Field(description="the numbers a lead may get, e.g. [1, 2, 5]")
    weights: list[float] | None = Field(
        None, description="relative weight of each value, in the same order (default: equal)"
    )

    @model_validator(mode="after")
    def _table(self) -> Discrete:
        if not self.values:
            raise ValueError("give at least one value")
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"{len(self.values)} values but {len(self.weights)} weights: give one "
                    "weight per value"
                )
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be >= 0 and not all 0")
        return self

    @cached_property
    def _cumulative(self) -> np.ndarray:
        w = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        return np.cumsum(w / w.sum())

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        idx = np.searchsorted(self._cumulative, rng.random(n), side="right")
        values = np.asarray(self.values, dtype=float)
        return self._finish(values[np.minimum(idx, len(self.values) - 1)])

    def from_uniform(self, u: float) -> float:
        idx = int(np.searchsorted(self._cumulative, u, side="right"))
        return self._one(float(self.values[min(idx, len(self.values) - 1)]))


def _inside(u: float) -> float:
    return min(max(u, 1e-12), 1 - 1e-12)


class Empirical(_Dist):
    """The values of a CSV column, each row equally likely (drawn with replacement); `where`
    keeps only the rows whose other columns hold the given text. Empty cells are skipped. A
    relative `file` is read from the scenario's folder."""

    dist: Literal["empirical"] = Field("empirical", description="distribution tag")
    file: str = Field(description="a CSV file (comma, semicolon or tab separated, with a header)")
    column: str = Field(description="the column whose values are drawn")
    where: dict[str, str] = Field(
        default_factory=dict, description="keep only rows whose columns hold these values"
    )
    _values: tuple = PrivateAttr(default=())  # the column's values, read when validated
    _text_at: str | None = PrivateAttr(default=None)  # the first cell not a number, if any

    @model_validator(mode="after")
    def _read(self, info: ValidationInfo) -> Empirical:
        base = (info.context or {}).get("base", ".")
        self._values, self._text_at = read_column(self.file, self.column, self.where, base)
        return self

    @property
    def text_at(self) -> str | None:
        """Where the column first holds text (`FILE:LINE: 'cell'`); None if all are numbers."""
        return self._text_at

    @property
    def values(self) -> tuple[float, ...] | tuple[str, ...]:
        return self._values

    @property
    def numeric(self) -> bool:
        return bool(self._values) and not isinstance(self._values[0], str)

    @cached_property
    def array(self) -> np.ndarray:
        return np.asarray(self._values, dtype=float if self.numeric else object)

    def draw(self, rng: np.random.Generator, n: int) -> list[object]:
        return self.array[rng.integers(0, len(self._values), n)].tolist()

    def from_uniform(self, u: float) -> float | str:
        values = self._values
        return values[min(int(u * len(values)), len(values) - 1)]


Dist = Annotated[
    Constant | Choice | Normal | LogNormal | Uniform | Discrete | Empirical,
    Field(discriminator="dist"),
]
NumberDist = Annotated[
    Constant | Normal | LogNormal | Uniform | Discrete | Empirical, Field(discriminator="dist")
]

NUMERIC_KINDS = (Normal, LogNormal, Uniform, Discrete)


def is_numeric(dist: object) -> bool:
    return (
        isinstance(dist, NUMERIC_KINDS)
        or (isinstance(dist, Constant) and not isinstance(dist.value, str))
        or (isinstance(dist, Empirical) and dist.numeric)
    )


def mean_of(dist: object) -> float:
    """The mean of a numeric distribution (before clipping), for reports."""
    if isinstance(dist, Constant):
        return float(dist.value) if not isinstance(dist.value, str) else 0.0
    if isinstance(dist, Normal):
        return dist.mean
    if isinstance(dist, LogNormal):
        return float(dist.median * np.exp(dist.sigma**2 / 2))
    if isinstance(dist, Uniform):
        return (dist.low + dist.high) / 2
    if isinstance(dist, Discrete):
        return float(np.dot(dist.values, np.diff(dist._cumulative, prepend=0.0)))
    if isinstance(dist, Empirical) and dist.numeric:
        return float(np.mean(dist.array))
    return 0.0
