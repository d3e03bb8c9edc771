"""A history's lead attributes checked against the rule file's `lead:` block before a fit.

A live database keeps every column its leads came with, checked against the rule file it ran
with; the file a calibration is given may declare an attribute as a number that the database
holds as a text ("big") or a list ([1, 2]). The fit describes each number attribute by the
distribution of its values, so such a value is the user's mistake, said with the lead, the
attribute and what was given — never a traceback.

    mistakes = number_mistakes(program, history.leads)   # [] when every value reads
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from dsl.ir import Program
from simulator.history import HistoryLead

SHOWN = 5  # mistakes named one by one; past this, counted


def number_value(value: object) -> float | None:
    """A number attribute's value as a history holds it (a number, or its text), or None when
    it is not one: a list, a mapping, a yes/no, a text that is no number, or not finite."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def number_mistakes(program: Program, leads: Iterable[HistoryLead]) -> list[str]:
    """One line per lead value of a `number` attribute that is not a number (an empty value is
    a missing one, not a mistake): the first SHOWN named, the rest counted."""
    names = [d.name for d in program.lead if d.type == "number"]
    found: list[str] = []
    count = 0
    for lead in leads:
        for name in names:
            value = lead.attrs.get(name)
            if value is None or value == "" or number_value(value) is not None:
                continue
            count += 1
            if len(found) < SHOWN:
                found.append(f"lead {lead.id!r}: {name!r} is {_shown(value)}")
    if count > SHOWN:
        found.append(f"and {count - SHOWN:,} more")
    return found


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
