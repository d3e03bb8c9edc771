"""Times in a rule test: absolute (ISO 8601) or relative to the case's start (`+2d 10:00`).

A time without an offset is read on the lead's clock: its `timezone` when the case gives one, else
UTC (as everywhere else in nurture, engine/times.py, when there is no time zone). Relative forms
count from the case's `start`:

- `+30m`, `+3h`, `+2d`, `+1w`, `+1d6h`: that long after the start;
- `+2d 10:00` (or `+2d 10:00:30`): the day two days after the start's day, at 10:00 local time.

`relative(t)` writes an instant back in the second form, for reports.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine import format_time

UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_RELATIVE = re.compile(
    r"\+\s*(?P<parts>(?:\d+[wdhm])+)(?:\s+(?P<clock>\d{1,2}:\d{2}(?::\d{2})?))?\s*$"
)
_PART = re.compile(r"(\d+)([wdhm])")
HINT = "write a time like +2d 10:00, +3h or 2026-01-05T10:00:00Z"


class TimeError(ValueError):
    """A time that cannot be read; the message says why, for the test's author."""


def zone_of(name: str | None) -> ZoneInfo | None:
    """The IANA zone, None for UTC; TimeError when unknown."""
    if name is None or name.strip().upper() in ("", "UTC", "Z"):
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise TimeError(f"unknown time zone {name!r}") from None


def absolute(value: object, tz: ZoneInfo | None) -> float:
    """An ISO 8601 text or a TOML date/datetime -> epoch seconds (no offset: the lead's clock)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise TimeError(f"not a time: {value!r}") from None
    else:
        raise TimeError(f"not a time: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz or UTC)
    return moment.timestamp()


def resolve(value: object, start: float, tz: ZoneInfo | None) -> float:
    """A time as written in a test file -> epoch seconds."""
    if isinstance(value, str) and value.strip().startswith("+"):
        return _relative(value.strip(), start, tz)
    return absolute(value, tz)


def _relative(text: str, start: float, tz: ZoneInfo | None) -> float:
    m = _RELATIVE.match(text)
    if m is None:
        raise TimeError(f"not a time: {text!r}")
    parts = _PART.findall(m.group("parts"))
    seconds = sum(int(n) * UNITS[unit] for n, unit in parts)
    clock = m.group("clock")
    if clock is None:
        return start + seconds
    if any(unit in "hm" for _, unit in parts):
        raise TimeError(f"{text!r}: a clock time goes with whole days, like +2d 10:00")
    numbers = [int(x) for x in clock.split(":")]
    if numbers[0] > 23 or numbers[1] > 59 or (len(numbers) == 3 and numbers[2] > 59):
        raise TimeError(f"{text!r}: {clock} is not a time of day")
    day = _local(start, tz).date() + timedelta(seconds=seconds)
    local = datetime.combine(
        day, time(numbers[0], numbers[1], numbers[2] if len(numbers) == 3 else 0), tzinfo=tz or UTC
    )
    return local.timestamp()


def _local(t: float, tz: ZoneInfo | None) -> datetime:
    return datetime.fromtimestamp(t, tz or UTC)


def utc(t: float) -> str:
    """`2026-01-05T10:00:00Z` (whole seconds, floored: as nurture writes every time)."""
    return format_time(t)


def relative(t: float, start: float, tz: ZoneInfo | None) -> str:
    """`+2d 10:00`: the local day after the start's day, and the local clock time."""
    here, first = _local(math.floor(t), tz), _local(start, tz)
    days = (here.date() - first.date()).days
    clock = here.strftime("%H:%M:%S" if here.second else "%H:%M")
    return f"{'+' if days >= 0 else '-'}{abs(days)}d {clock}"


def shown(t: float, start: float, tz: ZoneInfo | None) -> str:
    """`+2d 10:00 (2026-01-07T10:00:00Z)`: how a report prints an instant."""
    return f"{relative(t, start, tz)} ({utc(t)})"
