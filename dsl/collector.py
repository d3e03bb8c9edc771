"""The cyclic garbage collector paused for a burst of work that makes no reference cycles, in one
place for those that pause it: checking, formatting and linting a rule file (dsl), a replication
(simulator) and a live run (live). It lives in dsl, the bottom layer, so that all can import it.

Why: parsing allocates tens of thousands of small objects, and a replication or a live run keeps
millions alive (every lead's state and trail) that only grow; the collector's automatic passes
walked all of them again and again to find cycles this work does not make (a tenth of a check of
a large file, 5% of a 100k-lead replication, a fifth of a large live run; `fmt` and `lint` of a
5 MB file grew with the square of its size). Reference counting
frees everything as usual meanwhile; tests/simulator/test_sim_memory.py checks that a replication
leaves no cyclic garbage.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside, and back as it was afterwards. What the work made and kept
    goes to the collector's oldest generation, unexamined: switched back on, its next young pass
    would otherwise walk all of it. When something was frozen before (`gc.freeze`, by the
    caller), all of it stays frozen: unfreezing would hand back the caller's objects too."""
    enabled, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if not frozen:
            gc.unfreeze()
        if enabled:
            gc.enable()


def settle_collector(collect: bool = True) -> None:
    """Within `collector_paused`, at a quiet point of long work (a live run's commit): collect the
    cycles made since the last call (when `collect`), then move what survived out of the
    collector's sight (`gc.freeze`), so no later pass rescans it; the pause's end hands it back."""
    if collect:
        gc.collect()
    gc.freeze()
