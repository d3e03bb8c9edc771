"""`nurture simulate` and `nurture compare` end to end, on the shipped b2b playbook (small)."""

from __future__ import annotations

import json

from cli.main import main

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
SMALL = ["--leads", "120", "--days", "30", "--runs", "2", "--workers", "1"]


def test_simulate_prints_the_report_and_writes_json(tmp_path, capsys):
    out_json = tmp_path / "f.json"
    code = main(["simulate", RULES, "--scenario", SCENARIO, *SMALL, "--json", str(out_json)])
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""  # no progress bar when stderr is not a terminal
    for section in (
        "Outcomes",
        "Days from arrival to",
        "Touches and cost by channel",
        "Money",
        "Sequence trial_onboarding",
        "converted, holdout",
    ):
        assert section in out
    data = json.loads(out_json.read_text())
    assert data["leads"] == 120 and data["runs"] == 2
    scalars = data["forecast"]["scalars"]
    assert scalars["leads"] == {"mean": 120.0, "lo": 120.0, "hi": 120.0, "n": 2}
    assert set(data["forecast"]["weekly"]["touches"]) == {"mean", "lo", "hi"}
    assert len(data["forecast"]["weekly"]["touches"]["mean"]) == 5  # 30 days -> 5 weeks


def test_simulate_stdout_is_the_same_twice(capsys):
    main(["simulate", RULES, "--scenario", SCENARIO, *SMALL])
    first = capsys.readouterr().out
    main(["simulate", RULES, "--scenario", SCENARIO, *SMALL])
    assert capsys.readouterr().out == first


def test_simulate_without_scenario_derives_a_population(capsys):
    code = main(["simulate", RULES, *SMALL])
    out = capsys.readouterr().out
    assert code == 0
    assert "default scenario (derived from the lead: block)" in out
    assert "  leads                   120\n" in out


def test_compare_a_file_with_itself_shows_no_difference(tmp_path, capsys):
    copy = tmp_path / "copy.nurture"
    copy.write_text(open(RULES).read())
    out_json = tmp_path / "c.json"
    code = main(
        ["compare", RULES, str(copy), "--scenario", SCENARIO, *SMALL, "--json", str(out_json)]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "B vs A" in out
    diffs = json.loads(out_json.read_text())["comparisons"][0]["differences"]
    # common random numbers: same leads, same answers -> every difference exactly 0
    assert diffs["touches"]["mean"] == 0 and diffs["customers"]["mean"] == 0
    assert not any(d["clear"] for d in diffs.values())


def test_compare_marks_a_clear_difference(tmp_path, capsys):
    quiet = tmp_path / "quiet.nurture"
    text = open(RULES).read().replace("param weekly_limit     = 4 ", "param weekly_limit     = 1 ")
    assert text != open(RULES).read()
    quiet.write_text(text)
    out_json = tmp_path / "c.json"
    code = main(
        [
            "compare",
            RULES,
            str(quiet),
            "--scenario",
            SCENARIO,
            "--leads",
            "150",
            "--days",
            "30",
            "--runs",
            "3",
            "--workers",
            "1",
            "--json",
            str(out_json),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    touches = json.loads(out_json.read_text())["comparisons"][0]["differences"]["touches"]
    assert touches["hi"] < 0 and touches["clear"] is True  # a tighter limit: fewer touches
    assert any(
        line.startswith("  touches") and line.rstrip().endswith("*") for line in out.splitlines()
    )


def test_compare_needs_two_files(capsys):
    assert main(["compare", RULES]) == 2


UNREACHABLE = """campaign "fit only"
stages cold
lead:
  size: number
score fit:
  +10 when size >= 100
mql when fit >= 50
sql when fit >= 60
"""


def test_one_run_claims_no_interval_and_a_threshold_never_reached_is_flagged(tmp_path, capsys):
    # fit points only, at most 10: no population reaches `mql when fit >= 50`
    rules = tmp_path / "fit.nurture"
    rules.write_text(UNREACHABLE)
    code = main(
        ["simulate", str(rules), "--leads", "120", "--days", "30", "--runs", "1", "--workers", "1"]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    assert lines[2] == "One run: each figure is that run's; no intervals (give --runs 20 for them)."
    assert "90% of runs" not in out and "nearly every run" not in out
    assert "  MQL                     0   0.0% of leads" in lines
    watch = " ".join(out.split("Watch: ")[1].split("\n\n")[0].split())
    assert watch == (
        "no lead reaches MQL or SQL (can the rules' points reach the thresholds "
        "with this population's behaviour?)."
    )


def test_the_default_population_reaches_every_threshold_of_the_b2b_file(tmp_path):
    # without a scenario, the derived persona makes the events the rules score (demo requests,
    # pricing visits, webinars), so leads reach `mql when score >= 50` and `sql when score >= 80
    # and engagement >= 30`, whose handoffs sales works
    out_json = tmp_path / "f.json"
    args = ["simulate", RULES, "--leads", "400", "--days", "60", "--runs", "1", "--workers", "1"]
    assert main([*args, "--json", str(out_json)]) == 0
    s = json.loads(out_json.read_text())["forecast"]["scalars"]
    assert s["mql"]["mean"] > 40 and s["sql"]["mean"] > 10
    assert s["sales.worked"]["mean"] == s["sql"]["mean"]  # one discovery call per SQL


def test_compare_of_one_run_on_two_workers_names_one_run(tmp_path, capsys):
    copy = tmp_path / "copy.nurture"
    copy.write_text(open(RULES).read())
    code = main(
        [
            "compare",
            RULES,
            str(copy),
            "--scenario",
            SCENARIO,
            "--leads",
            "120",
            "--days",
            "30",
            "--runs",
            "1",
            "--workers",
            "2",
        ]
    )  # each file on 2 shards
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[0] == (
        "Comparison on common random numbers: 2 files, 120 leads over 30 days, 1 run, seed 0"
    )
