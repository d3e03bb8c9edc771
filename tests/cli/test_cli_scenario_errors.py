"""Scenario and rule-file mistakes: a clear message naming the field and line, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main

RULES = """campaign "errors"
stages cold, warm
lead:
  company_size: number
  source: one of "web", "event"
content hello email stage cold
sequence s:
  enter on signed_up
  send hello
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "r.nurture"
    path.write_text(RULES)
    return path


def simulate(rules: Path, scenario_text: str, tmp_path: Path, capsys) -> tuple[int, str, str]:
    scenario = tmp_path / "s.toml"
    scenario.write_text(scenario_text)
    code = main(
        [
            "simulate",
            str(rules),
            "--scenario",
            str(scenario),
            "--leads",
            "5",
            "--runs",
            "1",
            "--workers",
            "1",
        ]
    )
    out, err = capsys.readouterr()
    return code, out, err


def test_unknown_field_names_field_line_and_suggestion(rules, tmp_path, capsys):
    code, out, err = simulate(rules, "[population]\nleads = 10\ndayz = 3\n", tmp_path, capsys)
    assert code == 1
    assert out == ""
    assert "s.toml:3: population.dayz: unknown field 'dayz' (did you mean 'days'?)" in err
    assert "Traceback" not in err


def test_wrong_type_names_field_and_value(rules, tmp_path, capsys):
    code, _, err = simulate(rules, '[population]\nleads = "many"\n', tmp_path, capsys)
    assert code == 1
    assert "s.toml:2: population.leads:" in err
    assert "'many'" in err


def test_shares_not_summing_to_one(rules, tmp_path, capsys):
    text = '[[personas]]\nname = "a"\nshare = 0.5\n\n[[personas]]\nname = "b"\nshare = 0.3\n'
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert "s.toml:1: personas: persona shares must sum to 1 (they sum to 0.8)" in err


def test_persona_attribute_not_in_lead_block(rules, tmp_path, capsys):
    text = (
        '[[personas]]\nname = "a"\n[personas.attributes]\n'
        'company_sise = { dist = "lognormal", median = 30, sigma = 1 }\n'
    )
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert (
        "s.toml:4: personas[0].attributes.company_sise: attribute 'company_sise' is not in "
        "the `lead:` block"
    ) in err
    assert "did you mean 'company_size'?" in err


def test_value_outside_one_of_options(rules, tmp_path, capsys):
    text = (
        "[[personas]]\n[personas.attributes]\n"
        'source = { dist = "choice", weights = { web = 1, fair = 1 } }\n'
    )
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert "s.toml:3: personas[0].attributes.source: value 'fair' is not one of" in err


def test_unknown_event_type_in_persona(rules, tmp_path, capsys):
    text = '[[personas]]\n[[personas.organic]]\nevent = "visted"\nper_day = 1\n'
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert "s.toml:3: personas[0].organic[0].event: unknown event type 'visted'" in err


def test_toml_syntax_error_names_line(rules, tmp_path, capsys):
    code, _, err = simulate(rules, "[population]\nleads = = 3\n", tmp_path, capsys)
    assert code == 1
    assert "s.toml:2: not valid TOML" in err


def test_missing_scenario_file(rules, tmp_path, capsys):
    code = main(["simulate", str(rules), "--scenario", str(tmp_path / "nope.toml")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "nope.toml: cannot read the scenario" in err


def test_rule_file_error_exits_1_with_diagnostic(tmp_path, capsys):
    bad = tmp_path / "bad.nurture"
    bad.write_text(RULES.replace("send hello", "send helo"))
    code = main(["simulate", str(bad), "--leads", "5", "--runs", "1"])
    _, err = capsys.readouterr()
    assert code == 1
    assert "bad.nurture:9" in err
    assert "Traceback" not in err


def test_bad_usage_exits_2(rules, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["simulate", str(rules), "--runs", "zero"])
    assert exc.value.code == 2


def test_bad_start_time(rules, tmp_path, capsys):
    code, _, err = simulate(rules, '[population]\nstart = "next monday"\n', tmp_path, capsys)
    assert code == 1
    assert "s.toml:2: population.start: not an ISO 8601 time: 'next monday'" in err


def test_readiness_must_be_a_number(rules, tmp_path, capsys):
    text = '[[personas]]\nreadiness = { dist = "constant", value = "high" }\n'
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert "s.toml:2: personas[0].readiness: needs a number" in err


def test_converted_cannot_be_scripted(rules, tmp_path, capsys):
    text = '[[personas]]\n[[personas.organic]]\nevent = "converted"\n'
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert "s.toml:3: personas[0].organic[0].event: 'converted' cannot be scripted here" in err
