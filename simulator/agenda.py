"""The scheduler's agenda: synthetic events waiting for their instant, one heap of plain ints.

An entry is a single Python int that sorts exactly like (time, order of scheduling): its high bits
are the time (whole seconds after the start of the horizon), then a running sequence number, then
the lead, a small number (`aux`: a candidate number, a conversion source) and the entry's kind.
An int compares in one C call and takes ~44 bytes, where a tuple of five took ~200 with its parts;
the rare entries that carry more (a response to a touch, an event with properties) keep it in a
dict keyed by the sequence number, taken out when the entry is handled.
"""

from __future__ import annotations

from heapq import heappush

KIND_BITS = 3
AUX_BITS = 21
LEAD_BITS = 24
SEQ_BITS = 36
AUX_SHIFT = KIND_BITS
LEAD_SHIFT = AUX_SHIFT + AUX_BITS
SEQ_SHIFT = LEAD_SHIFT + LEAD_BITS
T_SHIFT = SEQ_SHIFT + SEQ_BITS
KIND_MASK = (1 << KIND_BITS) - 1
AUX_MASK = (1 << AUX_BITS) - 1
LEAD_MASK = (1 << LEAD_BITS) - 1
SEQ_MASK = (1 << SEQ_BITS) - 1
MAX_LEADS = 1 << LEAD_BITS
MAX_AUX = 1 << AUX_BITS
RESPOND, OWN, CONVERT, EVENT = range(4)  # the kinds of entry (see simulator/handlers.py)


def entry(t: int, seq: int, i: int, aux: int, kind: int) -> int:
    """The heap entry of kind `kind` for lead i at t (whole seconds after the start)."""
    return ((((t << SEQ_BITS | seq) << LEAD_BITS | i) << AUX_BITS | aux) << KIND_BITS) | kind


def decode(key: int) -> tuple[int, int, int, int, int]:
    """(t, seq, lead, aux, kind) of an entry (the hot loop inlines this)."""
    return (key >> T_SHIFT, (key >> SEQ_SHIFT) & SEQ_MASK, (key >> LEAD_SHIFT) & LEAD_MASK,
            (key >> AUX_SHIFT) & AUX_MASK, key & KIND_MASK)


class Agenda:
    """Entries up to `horizon` (whole seconds after the start); later ones are dropped."""

    __slots__ = ("heap", "seq", "horizon", "payload")

    def __init__(self, horizon: float) -> None:
        self.heap: list[int] = []
        self.seq = 0
        self.horizon = horizon
        self.payload: dict[int, object] = {}

    def push(self, t: int, kind: int, i: int, aux: int = 0, payload: object = None) -> None:
        if t <= self.horizon:
            self.seq = seq = self.seq + 1
            if payload is not None:
                self.payload[seq] = payload
            heappush(self.heap,
                     ((((t << SEQ_BITS | seq) << LEAD_BITS | i) << AUX_BITS | aux) << KIND_BITS)
                     | kind)

    def take(self, key: int) -> object:
        """The payload of an entry being handled (removed from the agenda)."""
        return self.payload.pop((key >> SEQ_SHIFT) & SEQ_MASK)
