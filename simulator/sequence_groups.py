"""Each sequence's figures, grouped (see `groups.py`): entries and exits, the lift against its
holdout, the funnel of every step, and each arm of its splits.

Read from the flat names `RunMetrics` gives them: `seq.S.entered`, `seq.S.exited.REASON`,
`lift.S.{nurtured_rate,holdout_rate,lift,nurtured_n,holdout_n}`, `funnel.S.STEP.WHAT` (WHAT:
reached, sent, a response — opened, clicked, replied, bounced, unsubscribed — or
suppressed_REASON), `arm.S.SPLIT.ARM.{rate,n,lift}`; labels `S.STEP` and `S.SPLIT.armARM`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic

from simulator.groups import F, Get, missing


@dataclass(frozen=True)
class Step(Generic[F]):
    """One step of a sequence: leads that reached it, what was sent and answered, and what was
    not sent (held out for the holdout; `suppressed`: held back, by reason)."""

    step: int  # the step's number in the sequence (as the report and the rules' steps count)
    content: str  # the content it sends ("" if none was ever sent or suppressed)
    reached: F
    sent: F
    opened: F
    clicked: F
    replied: F
    bounced: F
    unsubscribed: F
    held_out: F
    suppressed: dict[str, F]  # reason -> leads held back (limits, quiet hours, bounced, ...)
    figures: dict[str, F]  # every figure of the step by name (WHAT above), these and any other

    @property
    def held_back(self) -> float:
        """Leads held back for any reason but the holdout: the sum of the means (0 if none)."""
        return sum(f.mean or 0.0 for f in self.suppressed.values())


@dataclass(frozen=True)
class Arm(Generic[F]):
    """One arm of a split: the leads sent it and the share of them who bought."""

    split: int  # the step number of the split
    arm: int  # 1, 2, ...
    content: str  # the first content the arm sends
    converted: F  # share of the leads sent this arm who became customers
    sent: F  # leads sent this arm
    lift: F  # converted minus arm 1's (MISSING for arm 1)


@dataclass(frozen=True)
class HoldoutLift(Generic[F]):
    """Conversion of the leads nurtured by the sequence against those held out of it."""

    nurtured_rate: F
    holdout_rate: F
    lift: F  # nurtured_rate - holdout_rate
    nurtured: F  # leads
    holdout: F


@dataclass(frozen=True)
class SequenceFigures(Generic[F]):
    name: str
    entered: F
    exited: dict[str, F]  # reason -> leads
    holdout: HoldoutLift[F]
    steps: tuple[Step[F], ...]  # in step order
    arms: tuple[Arm[F], ...]  # by split, then arm

    def step(self, number: int) -> Step[F] | None:
        """The step numbered `number` (None if it never reached a lead)."""
        return next((s for s in self.steps if s.step == number), None)


def sequences(
    get: Get, names: Iterable[str], labels: dict[str, str], order: Iterable[str]
) -> dict[str, SequenceFigures]:
    """Every sequence: those of `order` (the file's), then any other the figures name, sorted."""
    names = sorted(names)
    order = list(order)
    seen = {n.split(".")[1] for n in names if n.startswith(("seq.", "funnel.", "lift.", "arm."))}
    out = {}
    for seq in order + sorted(seen - set(order)):
        out[seq] = SequenceFigures(
            seq,
            get(f"seq.{seq}.entered"),
            {
                n.removeprefix(f"seq.{seq}.exited."): get(n)
                for n in names
                if n.startswith(f"seq.{seq}.exited.")
            },
            HoldoutLift(
                *(
                    get(f"lift.{seq}.{k}")
                    for k in ("nurtured_rate", "holdout_rate", "lift", "nurtured_n", "holdout_n")
                )
            ),
            _steps(get, names, labels, seq),
            _arms(get, names, labels, seq),
        )
    return out


def _steps(get: Get[F], names: list[str], labels: dict[str, str], seq: str) -> tuple[Step, ...]:
    by_step: dict[int, dict[str, F]] = defaultdict(dict)
    for n in names:
        if n.startswith(f"funnel.{seq}."):
            number, what = n.removeprefix(f"funnel.{seq}.").split(".", 1)
            by_step[int(number)][what] = get(n)
    none = missing(get)
    out = []
    for step in sorted(by_step):
        figures = by_step[step]
        out.append(
            Step(
                step,
                labels.get(f"{seq}.{step}", ""),
                figures.get("reached", none),
                figures.get("sent", none),
                figures.get("opened", none),
                figures.get("clicked", none),
                figures.get("replied", none),
                figures.get("bounced", none),
                figures.get("unsubscribed", none),
                figures.get("suppressed_holdout", none),
                {
                    w.removeprefix("suppressed_"): f
                    for w, f in figures.items()
                    if w.startswith("suppressed_") and w != "suppressed_holdout"
                },
                figures,
            )
        )
    return tuple(out)


def _arms(get: Get, names: list[str], labels: dict[str, str], seq: str) -> tuple[Arm, ...]:
    found = sorted(
        tuple(int(x) for x in n.split(".")[2:4])
        for n in names
        if n.startswith(f"arm.{seq}.") and n.endswith(".rate")
    )
    return tuple(
        Arm(
            split,
            arm,
            labels.get(f"{seq}.{split}.arm{arm}", ""),
            get(f"arm.{seq}.{split}.{arm}.rate"),
            get(f"arm.{seq}.{split}.{arm}.n"),
            get(f"arm.{seq}.{split}.{arm}.lift"),
        )
        for split, arm in found
    )
