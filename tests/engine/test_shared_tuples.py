"""The engine's shared tuples (engine/runtime/state.py) keep a value's type: a state saved in a
process that ran other engines first is the same text as in a fresh one."""

from __future__ import annotations

from engine.runtime.state import fzeros, shared, zeros


def test_equal_values_of_another_type_are_not_shared() -> None:
    ints = zeros(2)
    floats = fzeros(2)
    assert ints == (0, 0) and floats == (0.0, 0.0)
    assert [type(v) for v in ints] == [int, int]
    assert [type(v) for v in floats] == [float, float]  # was (0, 0): the ints made first
    assert repr(shared([0.0, 0.0])) == "(0.0, 0.0)"
    assert shared([0.0, 0.0]) is floats  # still shared between leads
