"""Policy arithmetic: stable hashing for holdout and splits, limits and quiet hours."""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ZONES: dict[str, ZoneInfo | None] = {}
_sha256 = hashlib.sha256


def stable_fraction(seed: int, sequence: str, part: str, lead: str) -> float:
    """A number in [0, 1) from SHA-256 of (seed, sequence name, part, lead id)."""
    key = f"{seed}\x1f{sequence}\x1f{part}\x1f{lead}".encode()  # seed: an int
    return int.from_bytes(_sha256(key).digest()[:8], "big") / 18446744073709551616.0


def zone(name: object) -> ZoneInfo | None:
    """The IANA zone named by a lead's `timezone` attribute; None (UTC) when absent or unknown."""
    if name is None:
        return None
    key = str(name).strip()
    if not key or key.upper() == "UTC":
        return None
    if key not in _ZONES:
        try:
            _ZONES[key] = ZoneInfo(key)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            _ZONES[key] = None
    return _ZONES[key]


def limit_earliest(touches: list[float], count: int, window: float, at: float) -> float:
    """The earliest instant >= at when fewer than `count` touches lie in `(s - window, s]`."""
    i = bisect_right(touches, at - window)
    inside = len(touches) - i
    if inside < count:
        return at
    return touches[i + inside - count] + window


def _quiet(minute: float, start: int, end: int) -> bool:
    if start < end:
        return start <= minute < end
    if start > end:
        return minute >= start or minute < end
    return False


def quiet_next(at: float, start: int, end: int, tz: ZoneInfo | None) -> float:
    """`at` if outside quiet hours in the lead's local time, else the end of the quiet span."""
    if tz is None:
        minute = (at % 86400.0) / 60.0
        if not _quiet(minute, start, end):
            return at
        day = at - (at % 86400.0)
        end_at = day + end * 60.0
        return end_at if end_at > at else end_at + 86400.0
    h = int(at // 3600.0)
    if at - h * 3600.0 < 3599.999:  # not within a microsecond's rounding of the next hour
        hours = _HOURS.get(tz)
        if hours is None:
            hours = _HOURS[tz] = {}
        key = (h << 22) | (start << 11) | end
        e = hours.get(key, _MISSING)
        if e is _MISSING:
            e = _hour_class(h, start, end, tz)
            if len(hours) > 65536:
                hours.clear()
            hours[key] = e
        if e is not None:
            return at if e < 0.0 else e
    fast = _quiet_fast(at, start, end, tz)
    return fast if fast is not None else quiet_by_datetime(at, start, end, tz)


_HOURS: dict[ZoneInfo, dict[int, float | None]] = {}


class _Missing(Enum):
    """Not yet worked out (an enum member, so that type checkers narrow `is _MISSING`)."""

    MISSING = 0


_MISSING: Final = _Missing.MISSING


def _hour_class(h: int, start: int, end: int, tz: ZoneInfo) -> float | None:
    """For every instant of the UTC hour `h`: -1.0 when none is in quiet hours, the end of the
    quiet span when all are (the same instant for all), None when the hour holds a boundary or
    an offset change (then each instant is worked out)."""
    begin = h * 3600
    off = _offset(tz, begin // 86400)
    if off is None:
        return None
    sod = (begin + off) % 86400  # local seconds of day at the hour's start
    lo, hi = start * 60, end * 60
    if lo == hi:
        return -1.0
    quiet = lo <= sod < hi if lo < hi else (sod >= lo or sod < hi)
    if not quiet:
        return -1.0 if (lo - sod) % 86400 >= 3600 else None
    if (hi - sod) % 86400 < 3600:
        return None
    return _quiet_fast(float(begin), start, end, tz)


def quiet_by_datetime(at: float, start: int, end: int, tz: ZoneInfo) -> float:
    """`quiet_next` in a time zone through `datetime` (the reference; used near offset changes)."""
    for _ in range(3):  # a daylight-saving gap can land inside quiet hours once more
        local = datetime.fromtimestamp(at, tz)
        minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
        if not _quiet(minute, start, end):
            return at
        day = local.date() if minute < end else local.date() + timedelta(days=1)
        wall = datetime.combine(day, time(end // 60, end % 60), tzinfo=tz)
        at = max(wall.astimezone(UTC).timestamp(), at)
    return at


_OFFSETS: dict[ZoneInfo, dict[int, int | None]] = {}


def _offset(tz: ZoneInfo, day: int) -> int | None:
    """The zone's UTC offset in whole seconds, when it is the same at both ends of the UTC days
    `day - 3` to `day + 4`, else None; cached per zone and day. Zones change offset at most
    twice a year, months apart, so equal ends mean no change inside (then a wall-clock time in
    that span is the UTC time less the offset, with no gap or repeated hour)."""
    days = _OFFSETS.get(tz)
    if days is None:
        days = _OFFSETS[tz] = {}
    elif day in days:
        return days[day]
    first = datetime.fromtimestamp((day - 3) * 86400, tz).utcoffset()
    last = datetime.fromtimestamp((day + 5) * 86400 - 1, tz).utcoffset()
    off = None
    if first == last and first is not None and not first.microseconds:
        off = first.days * 86400 + first.seconds
    if len(days) > 65536:
        days.clear()
    days[day] = off
    return off


def _quiet_fast(at: float, start: int, end: int, tz: ZoneInfo) -> float | None:
    """`quiet_next` by whole-second arithmetic on a cached offset, giving the very number the
    datetime route gives (local time from `at` rounded to microseconds, half to even, as
    `datetime.fromtimestamp` does); None near an offset change (then `datetime` decides). The
    answer lies within two days after `at`, inside the span `_offset` checked."""
    secs = math.floor(at)
    us = round((at - secs) * 1e6)
    if us >= 1000000:
        secs += 1
        us -= 1000000
    off = _offset(tz, secs // 86400)
    if off is None:
        return None
    local = secs + off
    sod = local % 86400
    minute = (sod // 3600) * 60 + (sod % 3600) // 60 + (sod % 60 + us / 1e6) / 60
    if not _quiet(minute, start, end):
        return at
    wall = local - sod + (0 if minute < end else 86400) + end * 60  # local seconds of the end
    return max(float(wall - off), at)
