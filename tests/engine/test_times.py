"""Times read and written (engine/times.py), the one definition every package imports."""

from __future__ import annotations

import pytest

from engine import format_time, parse_time

T0 = 1767225600.0  # 2026-01-01T00:00:00Z


def test_a_time_is_written_in_utc_to_the_second_floored() -> None:
    assert format_time(0) == "1970-01-01T00:00:00Z"
    assert format_time(T0 + 59.999) == "2026-01-01T00:00:59Z"
    assert format_time(-0.5) == "1969-12-31T23:59:59Z"


def test_a_time_without_an_offset_is_utc() -> None:
    assert parse_time("2026-01-01T00:00:00") == T0
    assert parse_time("2026-01-01T00:00:00Z") == T0
    assert parse_time(" 2026-01-01 01:00:00+01:00 ") == T0
    assert parse_time("2026-01-01") == T0


@pytest.mark.parametrize("value", ["", "  ", "soon", "2026-13-01T00:00:00Z", None, 5])
def test_what_is_not_a_time_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError):
        parse_time(value)


def test_written_times_read_back() -> None:
    assert parse_time(format_time(T0 + 3661)) == T0 + 3661
