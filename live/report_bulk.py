"""Text columns read in bulk: many rows' values packed by SQLite into one string
(`group_concat`), cut apart and numbered by numpy, with no Python statement and no Python
object a row (docs/LIVE_REPORT.md, "Reading packed").

A block's values arrive as one string, `\\x1f` between them. Its UTF-8 bytes are cut at the
separators into a matrix of one row a value, zero-padded to the longest (`Pieces`: seen as
64-bit words); each value gets a 64-bit key (a sum of its words weighted by fixed odd
numbers, and its length), and values are found by key in a table (`KeyTable`: open addressing,
searched for every value at once). A key only proposes: a value is taken to be another only
once their lengths and words are equal (`Pieces.same`), so two values sharing a key are never
confused. `Pieces.from_string` returns None when the separator occurs inside a value, or a
value is longer than `WIDEST` bytes (the caller then reads another way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

SEP = 0x1F  # the unit separator between values (`char(31)` in SQLite)
WIDEST = 256  # bytes: a longer value is not packed
_WEIGHTS = np.random.default_rng(0x5EED).integers(
    0, 2**62, size=WIDEST // 8, dtype=np.uint64
) * np.uint64(2) + np.uint64(1)  # fixed odd weights, one a word position


def _masks(width: int) -> np.ndarray:
    """For each length up to `width` bytes, the words that keep a value's first `length`
    bytes and zero the rest."""
    keep = np.arange(width) < np.arange(width + 1)[:, None]
    return (keep * np.uint8(0xFF)).astype(np.uint8).view(np.uint64)


@dataclass(frozen=True)
class Pieces:
    """The values of one packed string: `words` their UTF-8 bytes, one row a value, zero-padded
    (as 64-bit words), `lens` their lengths in bytes."""

    words: np.ndarray  # (values, width / 8) uint64
    lens: np.ndarray  # int64

    @staticmethod
    def from_string(text: str, count: int) -> Pieces | None:
        """`text`, `count` values joined by `\\x1f`; None when it holds more separators (one
        was inside a value) or a value is longer than `WIDEST` bytes."""
        data = np.frombuffer(text.encode(), dtype=np.uint8)
        ends = np.flatnonzero(data == SEP)
        if len(ends) != count - 1:
            return None
        starts = np.concatenate([[0], ends + 1])
        lens = np.append(ends, len(data)) - starts
        width = max(8, -(-int(lens.max()) // 8) * 8)
        if width > WIDEST:
            return None
        padded = np.concatenate([data, np.zeros(width, dtype=np.uint8)])
        words = sliding_window_view(padded, width)[starts].view(np.uint64)
        words &= _masks(width)[lens]  # the bytes after each value's end: zero
        return Pieces(words, lens)

    @staticmethod
    def from_values(values: list[str]) -> Pieces | None:
        return Pieces.from_string("\x1f".join(values), len(values)) if values else None

    def __len__(self) -> int:
        return len(self.lens)

    def text(self, k: int) -> str:
        return self.words[k].tobytes()[: int(self.lens[k])].decode()

    def keys(self) -> np.ndarray:
        """A 64-bit key a value, from its words and its length."""
        weights = _WEIGHTS[: self.words.shape[1]]
        return (self.words * weights).sum(axis=1, dtype=np.uint64) ^ (
            self.lens.astype(np.uint64) << np.uint64(48)
        )

    def same(self, rows: np.ndarray, other: Pieces, others: np.ndarray) -> np.ndarray:
        """Whether value `rows[i]` of these pieces is, byte for byte, value `others[i]` of
        `other` (bool, one per pair). Values of one length are padded alike, so comparing the
        words both have is enough once the lengths are equal."""
        width = min(self.words.shape[1], other.words.shape[1])
        equal = self.lens[rows] == other.lens[others]
        words = self.words[rows, :width] == other.words[others, :width]
        return equal & words.all(axis=1)


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
        ordered = np.sort(keys)  # (np.unique, by hashing, is ten times slower here)
        distinct = not bool((ordered[1:] == ordered[:-1]).any())
        self.usable = (self.pieces is not None or not values) and distinct
        self.table = KeyTable(keys if self.usable else np.zeros(0, np.uint64))

    def numbers(self, pieces: Pieces) -> np.ndarray:
        """Each piece's number (its value's position in `values`), -1: not one of them."""
        found = self.table.find(pieces.keys())
        known = np.flatnonzero(found >= 0)
        if len(known) and self.pieces is not None:
            ok = pieces.same(known, self.pieces, found[known])
            found[known[~ok]] = -1
        return found
