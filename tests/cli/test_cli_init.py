"""`nurture init NAME` (issue 11, item 2): a starter campaign a newcomer can run at once — rules
that check, lint and format clean, a scenario that simulates, rule tests that pass, a sample that
runs live — and what to run next; it never overwrites a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import nurture

FILES = [
    "spring.nurture",
    "spring.scenario.toml",
    "spring.test.toml",
    "spring.leads.csv",
    "spring.events.jsonl",
]


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_the_starter_and_says_what_to_run_next(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = nurture(capsys, "init", "spring")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        'Created the campaign "spring":',
        "  spring.nurture        the rules, commented: make them yours",
        "  spring.scenario.toml  who the leads are and how they respond, for forecasts",
        "  spring.test.toml      rule tests: what the rules must do (they pass)",
        "  spring.leads.csv      3 sample leads (id, created_at, the lead: block's attributes)",
        "  spring.events.jsonl   8 events of theirs (JSON Lines)",
        "",
        "Next steps:",
        "  nurture check spring.nurture",
        "      the rules, checked",
        "  nurture test spring.test.toml",
        "      the rule tests",
        "  nurture simulate spring.nurture --scenario spring.scenario.toml",
        "      a forecast of 1,000 leads",
        "  nurture run spring.nurture --leads spring.leads.csv --events spring.events.jsonl "
        "--db spring.db",
        "      the rules on the sample, live",
        "  nurture explain spring.nurture --db spring.db L2",
        "      why lead L2 stands where it does",
        "  nurture simulate spring.nurture --scenario spring.scenario.toml --runs 1 --export "
        "spring-data",
        "      more sample leads and events, synthetic",
    ]
    assert sorted(p.name for p in work.iterdir()) == sorted(FILES)
    rules = (work / "spring.nurture").read_text(encoding="utf-8")
    assert rules.splitlines()[3] == 'campaign "spring"'
    assert 'rules = "spring.nurture"' in (work / "spring.test.toml").read_text(encoding="utf-8")


def test_the_starter_checks_lints_formats_and_tests_clean(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nurture(capsys, "init", "spring")
    assert nurture(capsys, "check", "spring.nurture") == (
        0,
        'spring.nurture: ok — campaign "spring": 3 stages, 3 segments, 2 scores, 2 sequences, '
        "12 steps\n",
        "",
    )
    assert nurture(capsys, "lint", "--strict", "spring.nurture") == (
        0,
        "spring.nurture: no warnings\n",
        "",
    )
    assert nurture(capsys, "fmt", "--check", "spring.nurture") == (0, "", "")
    assert nurture(capsys, "test", "spring.test.toml") == (0, "PASS 3/3\n", "")


def test_the_starter_simulates_with_its_scenario(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nurture(capsys, "init", "spring")
    code, _, err = nurture(
        capsys,
        "simulate",
        "spring.nurture",
        "--scenario",
        "spring.scenario.toml",
        "--leads",
        "200",
        "--runs",
        "1",
        "--json",
        "f.json",
    )
    assert code == 0, err
    forecast = json.loads((work / "f.json").read_text(encoding="utf-8"))
    assert forecast["runs"] == 1


def test_the_sample_runs_live_and_explains(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nurture(capsys, "init", "spring")
    code, out, err = nurture(
        capsys,
        "run",
        "spring.nurture",
        "--leads",
        "spring.leads.csv",
        "--events",
        "spring.events.jsonl",
        "--db",
        "spring.db",
    )
    assert code == 0, err
    assert err == (
        "nurture run: 3 new leads; 8 events accepted\n"
        "15 actions written; clock 2026-01-08T10:00:00Z\n"
    )
    # L2 (New York): its welcome waits out the quiet hours; fit 25, a pricing visit and a demo
    # request: ready, MQL and SQL, handed to sales with a call due within a day
    actions = [json.loads(line) for line in out.splitlines()]
    assert [(a["action"], a["at"], a.get("content")) for a in actions if a["lead"] == "L2"] == [
        ("enrolled", "2026-01-05T11:35:00Z", None),
        ("send", "2026-01-05T13:00:00Z", "welcome"),
        ("send", "2026-01-07T13:00:00Z", "how_to"),
        ("mql", "2026-01-07T16:00:00Z", None),
        ("sql", "2026-01-07T16:00:00Z", None),
        ("handoff", "2026-01-07T16:00:00Z", None),
        ("task", "2026-01-07T16:00:00Z", "intro_call"),
        ("exited", "2026-01-07T16:00:00Z", None),
    ]
    code, out, err = nurture(capsys, "explain", "spring.nurture", "--db", "spring.db", "L2")
    assert code == 0, err
    # fit 25; engagement 10 x 0.8^(25h / 30d) + 30, then x 0.8^(18h / 30d): 39.70
    assert out.splitlines()[1] == (
        "  spring.nurture: score 64.70 (fit 25.00, engagement 39.70), stage ready"
    )


def test_init_refuses_to_overwrite_and_names_what_exists(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "spring.test.toml").write_text("# mine\n", encoding="utf-8")
    (work / "spring.leads.csv").write_text("id\n", encoding="utf-8")
    code, out, err = nurture(capsys, "init", "spring")
    assert (code, out) == (1, "")
    assert err == (
        "nurture init: spring.test.toml and spring.leads.csv already exist: nothing was written\n"
        "  hint: choose another NAME, or move those files away first\n"
    )
    assert sorted(p.name for p in work.iterdir()) == ["spring.leads.csv", "spring.test.toml"]
    assert (work / "spring.test.toml").read_text(encoding="utf-8") == "# mine\n"


def test_init_in_a_folder_makes_it_and_quotes_paths_in_the_commands(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = nurture(capsys, "init", "my campaigns/spring")
    assert code == 0
    assert sorted(p.name for p in (work / "my campaigns").iterdir()) == sorted(FILES)
    assert "  nurture test 'my campaigns/spring.test.toml'" in out.splitlines()
    assert nurture(capsys, "test", "my campaigns/spring.test.toml")[0] == 0


@pytest.mark.parametrize("name", ["spring promo", "1st", "x.nurture", "-"])
def test_a_name_that_is_no_name_is_bad_usage(
    name: str, work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        nurture(capsys, "init", name)
    assert stop.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"nurture init: error: argument NAME: {name!r}: NAME is a file name's stem (and the "
        "campaign's name): a letter, then letters, digits, '_' or '-', up to 64 (e.g. "
        "spring_promo, or campaigns/spring_promo)"
    )
    assert list(work.iterdir()) == []


def test_a_folder_that_is_a_file_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "notes").write_text("x\n", encoding="utf-8")
    code, _, err = nurture(capsys, "init", "notes/spring")
    assert code == 1
    assert err == "nurture init: notes is a file, not a folder: nothing was written\n"
