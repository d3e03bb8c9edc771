"""The figures by group of leads: whatever families a forecast has, a table each, rows in order."""

from __future__ import annotations

import re

from htmlreport.groups import by_family, group_tables
from simulator.figures import Stat


def _s(mean: float) -> Stat:
    return Stat(mean, mean, mean, 3)


STATS = {
    "customers": _s(9),
    "contacts.11+.leads": _s(1),
    "contacts.2-3.leads": _s(5),
    "contacts.0.leads": _s(40),
    "persona.smb_trial.customers": _s(4),
    "persona.smb_trial.conversion_rate": _s(0.05),
    "persona.smb_trial.visit_rate": _s(0.3),  # not shown: it is in the JSON
    "arm.trial_onboarding.1.rate": _s(0.1),  # not a group family
}


def test_groups_are_read_by_family_group_and_figure() -> None:
    assert by_family(STATS) == {
        "contacts": {"11+": {"leads": _s(1)}, "2-3": {"leads": _s(5)}, "0": {"leads": _s(40)}},
        "persona": {
            "smb_trial": {
                "customers": _s(4),
                "conversion_rate": _s(0.05),
                "visit_rate": _s(0.3),
            }
        },
    }


def test_each_family_is_a_table_with_buckets_in_their_order() -> None:
    html = "".join(group_tables(STATS))
    assert re.findall(r"<h3>([^<]+)</h3>", html) == ["By contacts received", "By persona"]
    contacts = html.split("<h3>By persona</h3>")[0]
    assert re.findall(r'<tr><td class="text">([^<]+)</td>', contacts) == ["0", "2-3", "11+"]
    persona = html.split("<h3>By persona</h3>")[1]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", persona) == [
        "persona",
        "customers",
        "conversion rate",
    ]
    assert "5.0%" in persona and "visit rate" not in persona
