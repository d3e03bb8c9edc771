"""Command-line arguments shared by the commands: the same mistake, the same message, exit 2."""

from __future__ import annotations

from typing import Any

import pytest

from cli.main import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["run", "r.nurture", "--leads", "l.csv", "--seed", "-1"],
            "nurture run: error: argument --seed: expected a whole number >= 0, got '-1'",
        ),
        (
            ["score", "r.nurture", "--leads", "l.csv", "--seed", "x"],
            "nurture score: error: argument --seed: expected a whole number, got 'x'",
        ),
        (
            ["simulate", "r.nurture", "--leads", "0"],
            "nurture simulate: error: argument --leads: expected a whole number >= 1, got '0'",
        ),
        (
            ["simulate", "r.nurture", "--days", "-2"],
            "nurture simulate: error: argument --days: expected a number > 0, got '-2'",
        ),
        (
            ["run", "r.nurture", "--leads", "l.csv", "--until", "soon"],
            "nurture run: error: argument --until: 'soon' is not a time (use ISO 8601, e.g. "
            "2026-01-31T18:00:00Z)",
        ),
    ],
)
def test_a_bad_argument_is_named_and_exits_2(argv: list[str], message: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == message
