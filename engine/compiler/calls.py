"""What generated code calls on the engine: the one interface between a program's generated
module and the engine that runs it (`G` in the generated source).

Every name generated code uses on `G` is declared here, with what it does; the engine
(`engine.core.Engine`, through its runtime mixins) implements each with the same parameters
(tests/engine/test_generated_calls.py holds both sides to this list). Generated code also reads
the compiled program `CP`: `CP.event_rules[TYPE][k]` (an event rule: its cap, texts and
`file:line`) and `CP.sequences[i]` (a sequence).

These are calls for generated code, not for users of the engine: outside `engine/`, nothing
calls them (tests/test_engine_boundary.py).

Parameters: `cp` the compiled program, `L` the lead's state, `P` its state under `cp`, `t` now,
`at` the event's time, `out` the list the actions are appended to; `rc` an event rule, `sc` a
sequence (`CP.event_rules`, `CP.sequences`).
"""

from __future__ import annotations

from typing import Any, Protocol


class GeneratedCalls(Protocol):
    """The engine as generated code sees it."""

    # ------------------------------------------------------------ the round (gen_round)

    def refit(self, cp: Any, L: Any, P: Any, t: float) -> None:
        """Re-evaluates the fit rules that read more than attributes; a change moves the fit
        points (and writes a trail line)."""

    def move_stage(self, cp: Any, L: Any, P: Any, t: float, index: int, line: int) -> None:
        """Moves the lead to stage `index` by the stage rule at `line`."""

    def set_flag(self, cp: Any, L: Any, P: Any, t: float, flag: str, line: int, out: list) -> None:
        """Sets `mql` or `sql` (`flag`) by the rule at `line`: the action and the trail line."""

    def sunset_lead(self, cp: Any, L: Any, t: float, out: list) -> None:
        """Sunsets the lead (all nurture stops): the action and the trail line."""

    def hand_off(self, cp: Any, L: Any, P: Any, t: float, k: int, out: list) -> None:
        """Hands the lead to sales by handoff `k`: the `handoff` action, then its tasks."""

    # ------------------------------------------------------------ points (gen_round)

    def trail_points(self, cp: Any, L: Any, rc: Any, pts: float, t: float) -> None:
        """Writes the trail line of `pts` points given by the event rule `rc`."""

    def trail_no_points(self, cp: Any, L: Any, rc: Any, t: float) -> None:
        """Writes the trail line of an event rule `rc` whose cap is reached."""

    def capped_points(self, P: Any, rc: Any, at: float, pts: float, t: float) -> float:
        """The points `rc` may still give under its cap for an event at `at` (the general
        case: a late event, in every window that holds it); records the award."""

    # ------------------------------------------------------------ sequences (gen_round)

    def check_exit(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
        """Takes the lead out of sequence `sc` when a reason holds (sunset, `exit when`,
        unsubscribed, in that order)."""

    def try_enrol(self, cp: Any, sc: Any, L: Any, P: Any, t: float, out: list) -> None:
        """Enrols the lead in `sc` unless it is there, may not re-enter yet, is out of its
        audience or its exit condition holds (holdout drawn here)."""

    def run_due_steps(self, cp: Any, L: Any, P: Any, t: float, out: list) -> None:
        """Walks every enrolment that can move now (running, or waiting until a condition that
        now holds)."""

    # ------------------------------------------------------------ recording (record_lines)

    def store_event(self, L: Any, key: str, at: float, props: dict | None, t: float) -> None:
        """Keeps the event's time (and its props for `count ... where`) under `key`, in time
        order, pruned to the longest window read."""

    def special_event(self, L: Any, typ: str, props: dict, t: float) -> None:
        """What a converted, unsubscribed or bounced event (or a content action whose content
        is not text) does to the lead."""


CALLS: tuple[str, ...] = tuple(
    name for name in GeneratedCalls.__dict__ if not name.startswith("_")
)  # every call, in the order above
