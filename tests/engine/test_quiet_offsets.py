"""Quiet hours in a lead's time zone stay exact around daylight-saving changes (the engine keeps
each zone's UTC offset per hour and falls back to the calendar near a change)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from engine.runtime.policy import quiet_by_datetime, quiet_next

NY = ZoneInfo("America/New_York")


def ts(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def test_quiet_until_eight_on_the_morning_summer_time_begins() -> None:
    # 2026-03-08T04:30Z is 23:30 EST on the 7th; clocks go forward at 02:00 on the 8th, so
    # 08:00 that morning is EDT (UTC-4): 12:00Z
    assert quiet_next(ts("2026-03-08T04:30:00"), 20 * 60, 8 * 60, NY) == ts("2026-03-08T12:00:00")


def test_quiet_until_eight_on_the_morning_summer_time_ends() -> None:
    # 2026-11-01T03:30Z is 23:30 EDT on Oct 31; 08:00 on Nov 1 is EST (UTC-5): 13:00Z
    assert quiet_next(ts("2026-11-01T03:30:00"), 20 * 60, 8 * 60, NY) == ts("2026-11-01T13:00:00")


def test_quiet_hours_that_start_in_the_skipped_hour() -> None:
    # quiet 02:30-03:00: on 2026-03-08 02:30 EST never happens; 07:10Z is 03:10 EDT: not quiet
    assert quiet_next(ts("2026-03-08T07:10:00"), 150, 180, NY) == ts("2026-03-08T07:10:00")


def test_the_same_answer_as_the_calendar_at_every_minute_around_changes() -> None:
    zones = [
        NY,
        ZoneInfo("Europe/London"),
        ZoneInfo("Australia/Lord_Howe"),
        ZoneInfo("Asia/Kolkata"),
    ]
    days = ["2026-03-08", "2026-03-29", "2026-04-05", "2026-10-04", "2026-10-25", "2026-11-01"]
    spans = [(20 * 60, 8 * 60), (60, 150), (22 * 60, 23 * 60)]
    for tz in zones:
        for day in days:
            base = ts(day + "T00:00:00") - 86400.0
            for k in range(0, 3 * 1440, 5):  # every quiet boundary is a multiple of 5 min
                for frac in (0.0, -4e-7, 0.4999995, 0.9999996):  # -4e-7: rounds up
                    at = base + k * 60.0 + frac
                    for start, end in spans:
                        assert quiet_next(at, start, end, tz) == quiet_by_datetime(
                            at, start, end, tz
                        ), (tz, at, start, end)
