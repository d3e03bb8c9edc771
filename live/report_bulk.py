"""Text columns read in bulk: many rows' values packed by SQLite into one string
(`group_concat`), cut apart and numbered by numpy, with no Python statement and no Python
object a row (docs/LIVE_REPORT.md, "Fourth pass").

A block's values arrive as one string, `\\x1f` between them. Its UTF-8 bytes are cut at the
separators (`Pieces`), each piece given a 64-bit key computed over its bytes
(`Pieces.keys`: a sum of the bytes weighted by fixed odd numbers, one a position), and
pieces are found by key in a table (`KeyTable`: open addressing, searched for every piece at
once). A key only proposes: a piece is taken to be a value only once its bytes are compared
with that value's, byte for byte (`Pieces.same`), so two values sharing a key can never be
confused. `Pieces.from_string` returns None when the separator occurs inside a value (the
caller then reads those rows one by one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SEP = 0x1F  # the unit separator between values (`char(31)` in SQLite)
_MAX_WEIGHTS = 1 << 12  # weights made at first; more made if a value is longer


def _weights(n: int) -> np.ndarray:
    """Fixed odd 64-bit weights, one a byte position (the same in every process)."""
    rng = np.random.default_rng(0x5EED)
    return rng.integers(0, 2**63, size=n, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


_W = _weights(_MAX_WEIGHTS)


@dataclass(frozen=True)
class Pieces:
    """The values of one packed string: `data` its UTF-8 bytes with a separator in front
    (`data[starts[k]]` is the separator before value k, its bytes follow), `lens` their
    lengths in bytes."""

    data: np.ndarray  # uint8
    starts: np.ndarray  # int64: the separator before each value
    lens: np.ndarray  # int64

    @staticmethod
    def from_string(text: str, count: int) -> Pieces | None:
        """`text`, `count` values joined by `\\x1f`; None when it holds more separators (one
        was inside a value)."""
        data = np.frombuffer(b"\x1f" + text.encode(), dtype=np.uint8)
        starts = np.flatnonzero(data == SEP)
        if len(starts) != count:
            return None
        lens = np.diff(starts, append=len(data)) - 1
        return Pieces(data, starts, lens)

    @staticmethod
    def from_values(values: list[str]) -> Pieces | None:
        return Pieces.from_string("\x1f".join(values), len(values)) if values else None

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, k: int) -> str:
        start = int(self.starts[k]) + 1
        return self.data[start : start + int(self.lens[k])].tobytes().decode()

    def keys(self) -> np.ndarray:
        """A 64-bit key a value, from its bytes and its length."""
        global _W
        longest = int(self.lens.max()) + 1 if len(self) else 1
        if longest > len(_W):
            _W = _weights(1 << longest.bit_length())
        # each byte's position in its value (0: the separator in front)
        owner = np.cumsum(self.data == SEP) - 1
        position = np.arange(len(self.data)) - self.starts[owner]
        terms = self.data.astype(np.uint64) * _W[position]
        keys = np.add.reduceat(terms, self.starts) if len(self) else np.zeros(0, np.uint64)
        return keys ^ (self.lens.astype(np.uint64) << np.uint64(40))

    def same(self, rows: np.ndarray, other: Pieces, others: np.ndarray) -> np.ndarray:
        """Whether value `rows[i]` of these pieces is, byte for byte, value `others[i]` of
        `other` (bool, one per pair)."""
        equal = self.lens[rows] == other.lens[others]
        rows, others = rows[equal], others[equal]
        lens = self.lens[rows]
        total = int(lens.sum())
        pair = np.repeat(np.arange(len(rows)), lens)
        offset = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
        mine = self.data[np.repeat(self.starts[rows] + 1, lens) + offset]
        theirs = other.data[np.repeat(other.starts[others] + 1, lens) + offset]
        differ = np.zeros(len(rows), dtype=bool)
        differ[pair[mine != theirs]] = True
        out = np.zeros(len(equal), dtype=bool)
        out[np.flatnonzero(equal)[~differ]] = True
        return out


class KeyTable:
    """Where each of a set of distinct 64-bit keys is: open addressing (linear probing by the
    keys' high bits, a table at most half full), searched for many keys at once."""

    def __init__(self, keys: np.ndarray) -> None:
        bits = max(4, (2 * len(keys)).bit_length())
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        self.keys = keys
        self.slots = np.full(1 << bits, -1, dtype=np.int64)
        pending = np.arange(len(keys), dtype=np.int64)
        slot = self._slot(keys)
        while len(pending):
            free = self.slots[slot] < 0
            # of the keys wanting one free slot, the first takes it; the others probe on
            taken, first = np.unique(slot[free], return_index=True)
            winners = np.flatnonzero(free)[first]
            self.slots[taken] = pending[winners]
            left = np.ones(len(pending), dtype=bool)
            left[winners] = False
            pending, slot = pending[left], (slot[left] + 1) & self.mask

    def _slot(self, keys: np.ndarray) -> np.ndarray:
        return (keys >> self.shift).astype(np.int64)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The index of each key among the table's, -1 where it has none."""
        out = np.full(len(keys), -1, dtype=np.int64)
        active = np.arange(len(keys), dtype=np.int64)
        slot = self._slot(keys)
        while len(active):
            held = self.slots[slot]
            used = held >= 0
            hit = used.copy()
            hit[used] = self.keys[held[used]] == keys[active[used]]
            out[active[hit]] = held[hit]
            more = used & ~hit
            active, slot = active[more], (slot[more] + 1) & self.mask
        return out


class ValueIndex:
    """Distinct text values (the report's lead ids) and their numbers: the number of each piece
    of a packed string, -1 for a value it does not have."""

    def __init__(self, values: list[str]) -> None:
        self.pieces = Pieces.from_values(values)
        keys = self.pieces.keys() if self.pieces is not None else np.zeros(0, np.uint64)
        # usable unless a value holds the separator or two values share a key (then the
        # caller reads row by row)
        self.usable = (self.pieces is not None or not values) and len(np.unique(keys)) == len(keys)
        self.table = KeyTable(keys if self.usable else np.zeros(0, np.uint64))

    def numbers(self, pieces: Pieces) -> np.ndarray:
        """Each piece's number (its value's position in `values`), -1: not one of them."""
        found = self.table.find(pieces.keys())
        known = np.flatnonzero(found >= 0)
        if len(known) and self.pieces is not None:
            ok = pieces.same(known, self.pieces, found[known])
            found[known[~ok]] = -1
        return found


def distinct(pieces: Pieces) -> tuple[list[int], np.ndarray] | None:
    """The pieces' distinct values: the piece where each first occurs (in order), and each
    piece's index into that list; None if two distinct values share a key (never seen: the
    caller reads another way)."""
    keys = pieces.keys()
    found, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    which = rank[inverse.reshape(-1)]
    firsts = first[order]
    if not pieces.same(np.arange(len(pieces)), pieces, firsts[which]).all():
        return None
    return firsts.tolist(), which
