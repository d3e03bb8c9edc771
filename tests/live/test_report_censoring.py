"""Leads in flight are censored, not failures: cohorts by arrival week and the Kaplan-Meier time to
convert on a hand-built history, every number worked out by hand below."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write

# Week of Mon 2026-01-05: A (arrives Jan 5, buys Jan 10: day 5), B (Jan 6, never buys).
# Week of Mon 2026-01-12: C (Jan 12, buys Jan 22: day 10), D (Jan 13, unsubscribes Jan 14).
# The clock: 2026-02-11 00:00 (A 37 days old, B 36, C 30, D 29).
LEADS = """\
id,created_at,plan,size
A,2026-01-05T00:00:00Z,pro,1
B,2026-01-06T00:00:00Z,free,1
C,2026-01-12T00:00:00Z,free,1
D,2026-01-13T00:00:00Z,free,1
"""
EVENTS = events_text(
    ("e1", "A", "converted", "2026-01-10T00:00:00Z", {"value": 100}),
    ("e2", "C", "converted", "2026-01-22T00:00:00Z", {"value": 300}),
    ("e3", "D", "unsubscribed", "2026-01-14T00:00:00Z", None),
)


@pytest.fixture
def work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    code, _, err = nurture(
        capsys,
        "run",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "--db",
        "n.db",
        "--actions",
        "a.jsonl",
        "--until",
        "2026-02-11T00:00:00Z",
    )
    assert code == 0, err
    return tmp_path


def report_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    code, out, err = nurture(capsys, "report", "r.nurture", "--db", "n.db", "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_cohorts_give_a_mark_only_when_every_lead_was_observed_that_long(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report_json(capsys)
    assert data["cohorts"]["marks"] == [7, 30, 60, 90]
    first, second = data["cohorts"]["weeks"]
    assert first == {
        "week": "2026-01-05T00:00:00Z",
        "leads": 2,
        "mql": 0,
        "sql": 0,
        "customers": 1,
        "open": 1,  # B: neither bought, sunset nor unsubscribed
        "observed_days": 36.0,  # B, its last arrival, 36 days before the clock
        "converted_by": {"7": 0.5, "30": 0.5, "60": None, "90": None},
    }
    assert second == {
        "week": "2026-01-12T00:00:00Z",
        "leads": 2,
        "mql": 0,
        "sql": 0,
        "customers": 1,
        "open": 0,  # C bought, D unsubscribed
        "observed_days": 29.0,
        "converted_by": {"7": 0.0, "30": None, "60": None, "90": None},  # C bought on day 10
    }


def test_time_to_convert_counts_a_lead_not_yet_bought_only_while_observed(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Durations: A 5 (bought), B 36 (censored), C 10 (bought), D 29 (censored: an unsubscribe
    does not end the observation). S(5) = 1 - 1/4 = 0.75; S(10) = 0.75 * (1 - 1/3) = 0.5."""
    curve = report_json(capsys)["time_to_convert"]
    assert curve["days"] == list(range(37))  # to the longest observation, 36 days
    converted = curve["converted"]
    assert converted[4] == 0.0
    assert converted[5] == 0.25
    assert converted[9] == 0.25
    assert converted[10] == 0.5
    assert converted[36] == 0.5
    assert curve["at_risk"][7] == 3  # B, C, D observed at least 7 days and not bought before
    assert curve["at_risk"][30] == 1  # B
    # Greenwood at day 14: 0.5^2 * (1/(4*3) + 1/(3*2)) = 0.0625: se 0.25; 90%: 1.6449 * 0.25
    assert curve["low"][14] == pytest.approx(0.5 - 1.6448536 * 0.25, abs=1e-6)
    assert curve["high"][14] == pytest.approx(0.5 + 1.6448536 * 0.25, abs=1e-6)
    # a naive rate would call B and D failures: 2 of 4 bought; by day 30 the estimate is the same
    # here, but a lead of 3 days is never counted as not having bought within 30
    actual = report_json(capsys)["actual"]["scalars"]
    assert actual["customers"] == 2.0
    assert actual["revenue"] == 400.0
    assert actual["days_to_customers.median"] == 7.5
    assert actual["days_to_customers.p90"] == 9.5
    assert actual["unsubscribes"] == 1.0


def test_since_keeps_the_leads_that_arrived_then(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = report_json(capsys, "--since", "2026-01-12")
    assert data["leads"] == 2
    assert data["since"] == "2026-01-12T00:00:00Z"
    actual = data["actual"]["scalars"]
    assert actual["customers"] == 1.0
    assert actual["revenue"] == 300.0
    assert [w["week"] for w in data["cohorts"]["weeks"]] == ["2026-01-12T00:00:00Z"]


def test_text_marks_the_cohorts_still_in_flight(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = nurture(capsys, "report", "r.nurture", "--db", "n.db")
    assert code == 0
    lines = out.splitlines()
    head = lines.index(
        "  week of       leads    MQL    SQL  bought   open    day 7   day 30   day 60   day 90"
    )
    assert lines[head + 1] == (
        "  2026-01-05        2      0      0       1      1    50.0%    50.0%        …        …"
    )
    assert lines[head + 2] == (
        "  2026-01-12        2      0      0       1      0     0.0%        …        …        …"
    )
    assert "  bought by day 7     25.00%  [0.00% – 60.61%]   3 leads still observed" in lines
