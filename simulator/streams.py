"""Named random streams, derived from (seed, run, name) — never the global `random`, never `hash()`.

Two kinds of randomness are used:

- `Streams.generator(name)`: a numpy `Generator` for one purpose of one replication (the population,
  the arrival times, ...). Its seed is SHA-256 of (seed, run, name), so adding a new stream never
  shifts another one.
- `LeadDraws`: counter-based uniforms for one lead: the k-th draw of purpose P for lead i is a pure
  function of (seed, run, P, i, k). A lead's responses therefore do not depend on what happens to
  other leads, nor on which rule file is being simulated — that is what gives `compare` common
  random numbers: the same lead, offered the same touch, answers the same way in every file.
"""

from __future__ import annotations

import hashlib

import numpy as np

_MASK = (1 << 64) - 1
_UNIT = 1.0 / (1 << 53)
_HALF = (1 << 32) - 1
_UNIT32 = 1.0 / (1 << 32)


def stream_key(seed: int, run: int, name: str) -> int:
    """A 64-bit key from (seed, run, name), by SHA-256 (stable across processes and platforms)."""
    digest = hashlib.sha256(f"nurture-sim|{seed}|{run}|{name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


class Streams:
    """The named streams of one replication."""

    def __init__(self, seed: int, run: int) -> None:
        self.seed = seed
        self.run = run

    def generator(self, name: str) -> np.random.Generator:
        digest = hashlib.sha256(f"nurture-sim|{self.seed}|{self.run}|{name}".encode()).digest()
        entropy = [int.from_bytes(digest[i : i + 4], "little") for i in range(0, 32, 4)]
        return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))

    def lead_draws(self, name: str) -> LeadDraws:
        return LeadDraws(stream_key(self.seed, self.run, name))


class LeadDraws:
    """Counter-based uniforms in [0, 1): `uniform(lead, k)` depends only on the key, lead and k."""

    __slots__ = ("key",)

    def __init__(self, key: int) -> None:
        self.key = key

    def uniform(self, lead: int, k: int) -> float:
        # SplitMix64 over a distinct counter per (lead, k): k < 2**24 draws per lead and purpose
        z = (self.key + (((lead << 24) | k) + 1) * 0x9E3779B97F4A7C15) & _MASK
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB & _MASK
        return ((z ^ (z >> 31)) >> 11) * _UNIT

    def pair(self, lead: int, k: int) -> tuple[float, float]:
        """Two uniforms in [0, 1) with 32 random bits each, from one draw (the same counter as
        `uniform(lead, k)`): half the cost where that resolution is plenty (probabilities,
        choices, exponential delays)."""
        z = (self.key + (((lead << 24) | k) + 1) * 0x9E3779B97F4A7C15) & _MASK
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9 & _MASK
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB & _MASK
        z ^= z >> 31
        return (z >> 32) * _UNIT32, (z & _HALF) * _UNIT32
