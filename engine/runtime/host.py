"""What every mixin of `Engine` may call on the engine from the others, declared once.

`Engine` (engine/core.py) is made of mixins, one job each; a method of one calls methods of
another through `self`. The type checker sees only the mixin, so each of those methods is declared
here, for it alone (nothing at run time: the bodies are the mixins'), and every mixin derives
from `EngineHost`. Its signatures are checked against the real ones: a mixin's method that does
not match its declaration here is a type error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.model import Action
    from engine.runtime.state import LeadState


class EngineHost:
    """The engine's methods as its mixins see them (declarations for the type checker only)."""

    if TYPE_CHECKING:
        # leads.py / reading.py / timers.py
        def _new_state(
            self,
            lead_id: str,
            created: float,
            attrs: dict[str, object],
            quiet: bool = True,
            trace: bool = False,
        ) -> LeadState: ...
        def update_lead(
            self, lead_id: str, attrs: dict[str, object], now: float
        ) -> list[Action]: ...
        def _push_enr(self, pidx: int, sidx: int, lead_id: str, enr: Any) -> None: ...
        def _push_wake(self, L: LeadState, at: float) -> None: ...

        # recording.py / rounds.py
        def store_event(
            self, L: Any, key: str, at: float, props: dict | None, t: float
        ) -> None: ...
        def special_event(self, L: Any, typ: str, props: dict, t: float) -> None: ...
        def _round(
            self, L: Any, t: float, out: list[Action], etype: str | None, at: float, props: dict
        ) -> None: ...
        def _tr(
            self, L: Any, t: float, kind: str, message: str, rule: str | None = None
        ) -> None: ...
        def _act(
            self,
            out: list[Action],
            L: Any,
            t: float,
            kind: str,
            cp: Any,
            content: str | None = None,
            channel: str | None = None,
            sequence: str | None = None,
            step: int | None = None,
            arm: int | None = None,
            reason: str | None = None,
            due: float | None = None,
            rule: str | None = None,
        ) -> None: ...

        # sequencer.py / sends.py
        def run_due_steps(self, cp: Any, L: Any, P: Any, t: float, out: list) -> None: ...
        def _run_steps(
            self, cp: Any, sc: Any, L: Any, P: Any, enr: Any, t: float, out: list
        ) -> None: ...
        def _send(
            self, cp: Any, sc: Any, L: Any, P: Any, enr: Any, ins: Any, t: float, out: list
        ) -> bool: ...
        def _schedule(
            self, cp: Any, sc: Any, L: Any, enr: Any, mode: str, due: float, orig: float
        ) -> None: ...
        def _compact(self) -> None: ...
