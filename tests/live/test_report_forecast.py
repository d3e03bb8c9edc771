"""`nurture report --forecast`: the forecast's mean and interval beside each actual figure, counts
scaled to the database's leads, a mark where the actual falls outside; and the mistakes a user
can make around it (exit 1 with what to do, never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import RULES, nurture, write
from test_report_censoring import EVENTS, LEADS

# A forecast of 8 leads; the database has 4, so counts are scaled by 4 / 8 = 0.5.
FORECAST = {
    "file": "r.nurture",
    "campaign": "runner test",
    "scenario": "default scenario",
    "leads": 8,
    "days": 37,
    "runs": 5,
    "seed": 0,
    "forecast": {
        "scalars": {
            # 3 [2 - 4] scaled; actual 2: inside (on the low end)
            "customers": {"mean": 6, "lo": 4, "hi": 8, "n": 5},
            # a rate, not scaled; actual 0.5: above
            "conversion_rate": {"mean": 0.4, "lo": 0.3, "hi": 0.45, "n": 5},
            # 500 [450 - 600] scaled; actual 400: below
            "revenue": {"mean": 1000, "lo": 900, "hi": 1200, "n": 5},
            # days, not scaled; actual 7.5: inside
            "days_to_customers.median": {"mean": 7, "lo": 6, "hi": 9, "n": 5},
            "persona.smb.leads": {"mean": 5, "lo": 4, "hi": 6, "n": 5},  # none in a database
        },
        "weekly": {},
        "labels": {},
    },
}


@pytest.fixture
def work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    write(tmp_path, "f.json", json.dumps(FORECAST))
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"]
    code, _, err = nurture(capsys, *argv, "--until", "2026-02-11T00:00:00Z")
    assert code == 0, err
    return tmp_path


def test_forecast_beside_each_figure_scaled_and_marked(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = nurture(
        capsys, "report", "r.nurture", "--db", "n.db", "--forecast", "f.json", "--json"
    )
    assert code == 0, err
    beside = json.loads(out)["forecast"]
    assert beside["scale"] == 0.5
    assert beside["figures"] == {
        "customers": {"mean": 3.0, "low": 2.0, "high": 4.0, "scaled": True, "outside": False},
        "conversion_rate": {
            "mean": 0.4,
            "low": 0.3,
            "high": 0.45,
            "scaled": False,
            "outside": True,
        },
        "revenue": {"mean": 500.0, "low": 450.0, "high": 600.0, "scaled": True, "outside": True},
        "days_to_customers.median": {
            "mean": 7.0,
            "low": 6.0,
            "high": 9.0,
            "scaled": False,
            "outside": False,
        },
    }


def test_text_shows_the_forecast_column(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = nurture(capsys, "report", "r.nurture", "--db", "n.db", "--forecast", "f.json")
    assert code == 0
    lines = out.splitlines()
    assert " ".join(lines[4:8]) == (
        "Forecast beside: f.json (8 leads over 37 days, 5 runs; counts scaled x0.5 to these "
        "leads). '!': the actual is outside the forecast's 90% interval. With 5 runs the "
        "interval is little wider than the runs themselves: a figure of the very model forecast "
        "falls outside it at least 33% of the time by chance alone; forecast with --runs 20 or "
        "more to judge."
    )
    assert "  customers                 2                                   3 [2 – 4]" in lines
    assert (
        "  conversion rate           50.0%                             ! 40.0% [30.0% – 45.0%]"
        in lines
    )
    assert (
        "  revenue                   $400  every conversion's value    ! $500 [$450 – $600]"
        in lines
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "nurture report: missing.json: no such file"),
        (
            "{not json",
            "nurture report: bad.json:1:2: not JSON (Expecting property name enclosed in double "
            "quotes); give the file `nurture simulate FILE --json OUT` wrote",
        ),
        (
            '{"leads": 3}',
            "nurture report: bad.json: not a forecast (no 'forecast.scalars' and 'leads'); give "
            "the file `nurture simulate FILE --json OUT` wrote",
        ),
    ],
)
def test_a_forecast_that_is_not_one_is_named(
    work: Path, capsys: pytest.CaptureFixture[str], text: str | None, message: str
) -> None:
    name = "missing.json" if text is None else "bad.json"
    if text is not None:
        write(work, name, text)
    code, out, err = nurture(capsys, "report", "r.nurture", "--db", "n.db", "--forecast", name)
    assert code == 1
    assert out == ""
    assert err.splitlines() == [message]


def test_the_same_file_given_by_another_path_is_the_databases(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The database knows a rule file by its campaign and content (live/meta.py), not its path."""
    code, out, err = nurture(capsys, "report", str(work / "r.nurture"), "--db", "n.db", "--json")
    assert code == 0, err
    assert json.loads(out)["leads"] == 4


def test_the_few_runs_caution_is_said_below_20_runs_only() -> None:
    from live import few_runs_note

    assert few_runs_note(20) == ""
    assert few_runs_note(1) == (
        "With 1 run the interval is little wider than the runs themselves: a figure of the very "
        "model forecast falls outside it at least 100% of the time by chance alone; forecast "
        "with --runs 20 or more to judge."
    )
    assert "at least 10% of the time" in few_runs_note(19)  # 2 / 20
