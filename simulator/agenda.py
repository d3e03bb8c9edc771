"""The scheduler's agenda: synthetic events waiting for their instant, as plain ints.

An entry is a single Python int that sorts exactly like (time, order of scheduling): its high bits
are the time (whole seconds after the start of the horizon), then a running sequence number, then
the lead, a small number (`aux`: a candidate number, a conversion source) and the entry's kind.
An int compares in one C call and takes ~44 bytes, where a tuple of five took ~200 with its parts;
the rare entries that carry more (a response to a touch, an event with properties) keep it in a
dict keyed by the sequence number, taken out when the entry is handled.

Entries are kept in buckets of BUCKET seconds (a calendar queue): only the current bucket, and
any before it, is a heap (`heap`); a later bucket is an unsorted list until the clock reaches it,
then sorted once. At 100k leads the agenda holds ~120k entries: one heap of them costs ~17
comparisons a push and a pop, scattered over memory; a bucket's heap holds ~60. The order in
which entries come out is exactly the order of one heap of all of them.
"""

from __future__ import annotations

from heapq import heappop, heappush
from typing import Any

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
BUCKET_BITS = 12  # buckets of 4,096 seconds (68 minutes)
RESPOND, OWN, CONVERT, EVENT, SALE = range(5)  # the kinds of entry (see simulator/handlers.py)


def entry(t: int, seq: int, i: int, aux: int, kind: int) -> int:
    """The heap entry of kind `kind` for lead i at t (whole seconds after the start)."""
    return ((((t << SEQ_BITS | seq) << LEAD_BITS | i) << AUX_BITS | aux) << KIND_BITS) | kind


def decode(key: int) -> tuple[int, int, int, int, int]:
    """(t, seq, lead, aux, kind) of an entry (the hot loop inlines this)."""
    return (
        key >> T_SHIFT,
        (key >> SEQ_SHIFT) & SEQ_MASK,
        (key >> LEAD_SHIFT) & LEAD_MASK,
        (key >> AUX_SHIFT) & AUX_MASK,
        key & KIND_MASK,
    )


class Agenda:
    """Entries up to `horizon` (whole seconds after the start); later ones are dropped.

    Invariant: `heap` holds every entry of bucket `now` and before, `later` every entry of a later
    bucket (bucket number -> entries), `buckets` the numbers of those later buckets (a heap). So
    `heap[0]`, when `heap` is not empty, is the first entry of all; `refill()` makes it so again
    when `heap` ran empty, and `upto(s)` before the entries of instant s are taken."""

    __slots__ = ("heap", "seq", "horizon", "payload", "now", "later", "buckets")

    def __init__(self, horizon: float) -> None:
        self.heap: list[int] = []
        self.seq = 0
        self.horizon = horizon
        self.payload: dict[int, object] = {}
        self.now = 0  # the current bucket
        self.later: dict[int, list[int]] = {}
        self.buckets: list[int] = []

    def push(self, t: int, kind: int, i: int, aux: int = 0, payload: object = None) -> None:
        if t <= self.horizon:
            self.seq = seq = self.seq + 1
            if payload is not None:
                self.payload[seq] = payload
            key = ((((t << SEQ_BITS | seq) << LEAD_BITS | i) << AUX_BITS | aux) << KIND_BITS) | kind
            b = t >> BUCKET_BITS
            if b <= self.now:
                heappush(self.heap, key)
                return
            bucket = self.later.get(b)
            if bucket is None:
                self.later[b] = [key]
                heappush(self.buckets, b)
            else:
                bucket.append(key)

    def refill(self) -> None:
        """With `heap` empty: make the next bucket the current one."""
        if self.buckets:
            self.now = b = heappop(self.buckets)
            bucket = self.later.pop(b)
            bucket.sort()  # a sorted list is a heap
            self.heap.extend(bucket)

    def upto(self, s: int) -> None:
        """Make every entry at s (whole seconds after the start) or before reachable in `heap`."""
        b = s >> BUCKET_BITS
        if b > self.now:
            self.now = b
            buckets, heap = self.buckets, self.heap
            while buckets and buckets[0] <= b:
                for key in self.later.pop(heappop(buckets)):
                    heappush(heap, key)

    def pop(self) -> int | None:
        """The first entry of all, removed (None: the agenda is empty)."""
        if not self.heap:
            self.refill()
        return heappop(self.heap) if self.heap else None

    def take(self, key: int) -> Any:
        """The payload of an entry being handled (removed from the agenda): of the type its kind
        pushes (the handler names it)."""
        return self.payload.pop((key >> SEQ_SHIFT) & SEQ_MASK)
