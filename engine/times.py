"""Times as nurture reads and writes them, defined once.

Inside, a time is float seconds since the Unix epoch (UTC). Outside — input files, `--until`,
`--at`, a scenario's `start` — it is ISO 8601 text, UTC when it has no offset (DSL.md). Every time
nurture writes (actions, explain, scores, reports) is UTC to the second: `YYYY-MM-DDTHH:MM:SSZ`.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def format_time(at: float) -> str:
    """`YYYY-MM-DDTHH:MM:SSZ` (whole seconds, floored)."""
    return time.strftime(TIME_FORMAT, time.gmtime(math.floor(at)))


def parse_time(value: object) -> float:
    """ISO 8601 text -> epoch seconds; no offset means UTC. ValueError when it is not one."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
