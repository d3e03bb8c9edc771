"""Small helpers for the engine tests: compile an inline rule file, drive an engine by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import dsl
from engine import Action, Engine, Event, Lead

DAY = 86400.0
HOUR = 3600.0


def ts(text: str) -> float:
    """ISO text (UTC when no offset) -> epoch seconds."""
    d = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.timestamp()


T0 = ts("2026-01-05T10:00:00Z")  # a Monday, 10:00 UTC

HEAD = """campaign "test"
stages a, b, c
lead:
  size: number
  name: text
  title: text
content x email stage a
content y email stage a
content z sms stage a
content call task stage c
"""


def program(body: str, head: str = HEAD, path: str = "t.nurture") -> dsl.Program:
    return dsl.compile_source(head + body, path)


class Run:
    """An engine over one inline program, with every action kept in order."""

    def __init__(self, body: str, seed: int = 0, trace: bool = True, head: str = HEAD) -> None:
        self.engine = Engine([program(body, head)], seed=seed, trace=trace)
        self.actions: list[Action] = []
        self._n = 0

    def lead(self, lead_id: str, at: float = T0, **attrs: object) -> Run:
        self.until(at)
        self.actions += self.engine.add_lead(Lead(lead_id, at, dict(attrs)), at)
        return self

    def event(self, lead_id: str, typ: str, at: float, **props: object) -> Run:
        self.until(at)
        self._n += 1
        self.actions += self.engine.ingest(Event(f"e{self._n}", lead_id, typ, at, props), at)
        return self

    def until(self, at: float) -> Run:
        """Runs every timer due before `at` (timers at `at` itself run after its events)."""
        while (due := self.engine.next_due()) is not None and due < at:
            self.actions += self.engine.advance(due)
        return self

    def through(self, at: float) -> Run:
        """Runs every timer due at or before `at`."""
        self.until(at)
        self.actions += self.engine.advance(at)
        return self

    def rows(self, *kinds: str) -> list[dict]:
        return [a.to_dict() for a in self.actions if not kinds or a.action in kinds]

    def sends(self) -> list[tuple[str, str]]:
        """(time, content) of every send."""
        return [(r["at"], r["content"]) for r in self.rows("send")]

    def view(self, lead_id: str, at: float):  # noqa: ANN201
        return self.engine.view(lead_id, at)
