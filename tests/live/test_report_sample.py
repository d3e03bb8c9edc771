"""`nurture report` on a history with a known answer: the simulator's export of the shipped B2B
playbook (`rules/sample`, made by `nurture simulate --export`), run live. The actual KPIs are the
counts taken directly from the actions and events files, and every figure the forecast of that
very replication has is the same number."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from runkit import nurture, read_jsonl
from samplekit import RULES, main_in, sample_live

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "rules" / "sample"
# the content costs the rule file declares (content ... cost N)
COST = {
    "welcome": 0.002,
    "feature_spotlight": 0.002,
    "case_study": 0.002,
    "quick_tips": 0.03,
    "webinar_invite": 0.002,
    "consultation": 0.002,
    "pricing_retarget": 0.4,
    "discovery_call": 25.0,
}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample run as its README says, in a copy of the repository's rules."""
    return sample_live(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def report(live: Path) -> dict:
    code, out = main_in(live, "report", RULES, "--db", "live.db", "--json")
    assert code == 0
    return json.loads(out)


def counted(live: Path) -> dict[str, float]:
    """The KPIs counted directly from the actions file and the events file."""
    actions = read_jsonl(live / "actions.jsonl")
    events = read_jsonl(SAMPLE / "events.jsonl")
    kinds = Counter(a["action"] for a in actions)
    out: dict[str, float] = {
        "leads": len((SAMPLE / "leads.csv").read_text().splitlines()) - 1,
        "mql": kinds["mql"],
        "sql": kinds["sql"],
        "handoff": kinds["handoff"],
        "tasks": kinds["task"],
        "touches": kinds["send"],
        "sunset": kinds["sunset"],
    }
    for a in actions:
        if a["action"] == "send":
            out[f"touches.{a['channel']}"] = out.get(f"touches.{a['channel']}", 0) + 1
            step = f"funnel.{a['sequence']}.{a['step']}.sent"
            out[step] = out.get(step, 0) + 1
        if a["action"] in ("send", "task"):
            channel = a["channel"]
            out[f"cost.{channel}"] = out.get(f"cost.{channel}", 0.0) + COST[a["content"]]
        if a["action"] == "enrolled":
            key = f"seq.{a['sequence']}.entered"
            out[key] = out.get(key, 0) + 1
        if a["action"] == "suppressed":
            key = f"suppressed.{a['reason']}"
            out[key] = out.get(key, 0) + 1
    bought = [e for e in events if e["type"] == "converted"]
    out["customers"] = len({e["lead"] for e in bought})
    out["revenue"] = math.fsum(e["props"]["value"] for e in bought)
    out["unsubscribes"] = len({e["lead"] for e in events if e["type"] == "unsubscribed"})
    out["visited"] = len({e["lead"] for e in events if e["type"] in ("visited", "clicked")})
    return out


def test_actual_kpis_are_the_counts_of_the_actions_and_events(live: Path, report: dict) -> None:
    actual = report["actual"]["scalars"]
    expected = counted(live)
    assert expected["mql"] == 48 and expected["customers"] == 3  # the sample as shipped
    for name, value in expected.items():
        assert actual[name] == pytest.approx(value, rel=1e-12, abs=1e-9), name
    assert actual["cost"] == pytest.approx(
        math.fsum(expected[k] for k in expected if k.startswith("cost."))
    )
    assert actual["conversion_rate"] == expected["customers"] / expected["leads"]
    assert actual["roi"] == pytest.approx((actual["revenue"] - actual["cost"]) / actual["cost"])


def test_each_figure_of_the_replications_forecast_is_the_same(
    live: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The forecast of that very replication (one run: its interval is the run's value) beside
    the actual: every figure both have is equal, none outside."""
    monkeypatch.chdir(live)
    code, _, _ = nurture(
        capsys,
        "simulate",
        RULES,
        "--scenario",
        "rules/b2b_saas_trial.scenario.toml",
        "--leads",
        "300",
        "--runs",
        "1",
        "--json",
        "f.json",
    )
    assert code == 0
    code, out, err = nurture(
        capsys, "report", RULES, "--db", "live.db", "--forecast", "f.json", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    beside = data["forecast"]["figures"]
    actual = data["actual"]["scalars"]
    assert len(beside) > 350  # outcomes, days, channels, steps, arms, segments, contacts
    for name, expected in beside.items():
        assert expected["outside"] is False, name
        if expected["mean"] is None:
            assert actual[name] is None, name
        else:
            assert actual[name] == pytest.approx(expected["mean"], rel=1e-5, abs=1e-6), name
    forecast = json.loads((live / "f.json").read_text())["forecast"]["weekly"]
    for name, series in data["actual"]["weekly"].items():
        if name != "start":
            assert series == pytest.approx(forecast[name]["mean"], abs=1e-6), name


def test_text_report_reads_like_the_forecast(
    live: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(live)
    code, out, _ = nurture(capsys, "report", RULES, "--db", "live.db")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Actual KPIs: B2B SaaS trial nurture  (rules/b2b_saas_trial.nurture)"
    assert lines[1] == (
        "live.db · 300 leads arrived from 2026-01-05 · clock 2026-04-05T00:00:00Z (90 days)"
    )
    assert "  MQL                       48  16.0% of leads" in lines
    assert "  customers                 3" in lines
    assert "  email           353      26.9%       9.35%          $1" in lines
    assert "  sales tasks: 20 made, 15 answered, 2 refused" in lines
    assert (
        "  1     welcome                   171      150       36       11       21         0"
        in lines
    )
