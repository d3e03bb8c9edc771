"""Action as a value: built by keyword, compared and hashed by its fields, immutable, picklable."""

from __future__ import annotations

import pickle
from dataclasses import FrozenInstanceError

import pytest

from engine import Action


def test_unnamed_fields_default_to_none() -> None:
    a = Action("L1", 10.0, "enrolled", sequence="s")
    assert (a.lead, a.at, a.action, a.sequence) == ("L1", 10.0, "enrolled", "s")
    assert [a.content, a.channel, a.step, a.arm, a.reason, a.due, a.rule, a.late, a.program] == [
        None
    ] * 9


def test_equal_actions_compare_and_hash_equal() -> None:
    a = Action("L1", 10.0, "send", content="x", step=1)
    b = Action(lead="L1", at=10.0, action="send", content="x", step=1)
    assert a == b and not a != b
    assert hash(a) == hash(b)
    assert a != Action("L1", 10.0, "send", content="x", step=2)


def test_an_action_is_not_equal_to_a_tuple_of_its_values() -> None:
    a = Action("L1", 10.0, "send")
    values = ("L1", 10.0, "send", None, None, None, None, None, None, None, None, None, None)
    assert a != values and values != a
    assert not a == values


def test_fields_cannot_be_assigned() -> None:
    a = Action("L1", 10.0, "send")
    with pytest.raises(FrozenInstanceError):
        a.content = "y"  # type: ignore[misc]


def test_actions_are_not_ordered() -> None:
    with pytest.raises(TypeError):
        _ = Action("L1", 1.0, "send") < Action("L1", 2.0, "send")  # type: ignore[operator]


def test_an_action_survives_pickling() -> None:
    a = Action("L1", 10.0, "task", content="call", due=20.0, rule="f.nurture:3")
    back = pickle.loads(pickle.dumps(a))
    assert back == a and back.due == 20.0 and back.rule == "f.nurture:3"


def test_repr_names_every_field() -> None:
    assert repr(Action("L1", 1.0, "mql")) == (
        "Action(lead='L1', at=1.0, action='mql', content=None, channel=None, sequence=None, "
        "step=None, arm=None, reason=None, due=None, rule=None, late=None, program=None)"
    )
