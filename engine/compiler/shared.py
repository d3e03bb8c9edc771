"""Compiled programs shared by the engines of one process.

A `CompiledProgram` is immutable once built (its caches only remember answers), and an engine
reads it without writing it, so engines made from equal programs share one: a sweep's tasks for
one point (or for points that change only the scenario), a forecast's replications, every engine
the TUI makes for the same file. Equal means the same checked `Program` content (pydantic's
equality: every field, spans and path included), so a program unpickled in a worker process
finds the one compiled there for an earlier task; a program with other param values is another
program, compiled once in its turn. The table keeps the most recently used ones.
"""

from __future__ import annotations

from collections import OrderedDict

from dsl.ir import Program
from engine.compiler.compiled import CompiledProgram

KEEP = 32  # compiled programs kept per process (least recently used dropped)

_SHARED: OrderedDict[tuple[Program, int], CompiledProgram] = OrderedDict()
_COMPILED = [0]  # programs compiled by this process


def compiled(program: Program, index: int) -> CompiledProgram:
    """The program compiled as the `index`-th program of an engine: the one already compiled
    in this process for an equal program, else a new one (kept)."""
    try:
        key = (program, index)
        found = _SHARED.get(key)
    except TypeError:  # an unhashable field (a program not made by the checker): not shared
        _COMPILED[0] += 1
        return CompiledProgram(program, index)
    if found is not None:
        _SHARED.move_to_end(key)
        return found
    made = CompiledProgram(program, index)
    _COMPILED[0] += 1
    _SHARED[key] = made
    if len(_SHARED) > KEEP:
        _SHARED.popitem(last=False)
    return made


def compile_count() -> int:
    """How many programs this process has compiled (not counting those it shared)."""
    return _COMPILED[0]
