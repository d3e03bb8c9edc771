"""The front end's lean node constructors agree with pydantic's own construction."""

from __future__ import annotations

import pytest

from dsl import ir
from dsl.fastnode import new, replace


def test_new_equals_a_validated_node_and_fills_defaults() -> None:
    built = new(ir.Send, content="welcome")
    assert built == ir.Send(content="welcome")
    assert built.when is None and built.span == ir.NO_SPAN
    assert built.model_dump() == ir.Send(content="welcome").model_dump()


def test_new_refuses_missing_and_unknown_fields() -> None:
    with pytest.raises(TypeError):
        new(ir.Send)
    with pytest.raises(TypeError):
        new(ir.Send, content="x", colour="red")


def test_replace_is_model_copy_and_the_node_stays_frozen() -> None:
    node = ir.Wait(duration=ir.Duration(amount=1, unit="d"))
    changed = replace(node, duration=ir.Duration(amount=2, unit="h"))
    assert changed == node.model_copy(update={"duration": ir.Duration(amount=2, unit="h")})
    assert node.duration.amount == 1
    with pytest.raises(Exception):  # noqa: B017 (pydantic's frozen-instance error)
        changed.duration = node.duration  # type: ignore[misc]


def test_checked_program_round_trips_through_json() -> None:
    from pathlib import Path

    from dsl import load_program

    program = load_program(Path(__file__).resolve().parents[2] / "rules" / "b2b_saas_trial.nurture")
    assert ir.Program.model_validate_json(program.model_dump_json()) == program
