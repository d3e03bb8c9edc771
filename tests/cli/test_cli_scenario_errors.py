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
    assert (
        "s.toml:3: personas[0].share: persona shares must sum to 1 (they sum to 0.8: a 0.5 on "
        "line 3, b 0.3 on line 7); change them so that they add up to 1"
    ) in err


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


@pytest.mark.parametrize("command", ["simulate", "sensitivity", "compare"])
def test_missing_scenario_file(rules, tmp_path, capsys, command):
    """An unreadable scenario is the command's own error, said with its name (sensitivity's
    lacked it)."""
    missing = str(tmp_path / "nope.toml")
    files = [str(rules)] * (2 if command == "compare" else 1)
    code = main([command, *files, "--scenario", missing])
    _, err = capsys.readouterr()
    assert code == 1
    assert err == (
        f"nurture {command}: {missing}: cannot read the scenario: No such file or directory\n"
    )


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


def test_a_persona_behaviour_typo_is_named_with_a_suggestion(rules, tmp_path, capsys):
    text = '[[personas]]\nname = "a"\n[personas.behaviour]\nconversion_per_vist = 0.1\n'
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert (
        "s.toml:4: personas[0].behaviour.conversion_per_vist: unknown field "
        "'conversion_per_vist' (did you mean 'conversion_per_visit'?)"
    ) in err


def test_appeal_of_a_content_the_file_does_not_have(rules, tmp_path, capsys):
    code, _, err = simulate(rules, "[behaviour]\nappeal = { helo = 2.0 }\n", tmp_path, capsys)
    assert code == 1
    assert "s.toml:2: behaviour.appeal.helo: no content 'helo' in" in err
    assert "(did you mean 'hello'?)" in err


def test_buys_alone_needs_a_sales_led_funnel(rules, tmp_path, capsys):
    code, _, err = simulate(rules, "[sales]\nbuys_alone = 0.2\n", tmp_path, capsys)
    assert code == 1
    assert (
        "s.toml:1: sales: buys_alone is the share of a sales_led funnel that buys on its own: "
        'set funnel = "sales_led" too'
    ) in err


def test_discrete_needs_one_weight_per_value(rules, tmp_path, capsys):
    text = '[[personas]]\ndropout = { dist = "discrete", values = [1, 0], weights = [1] }\n'
    code, _, err = simulate(rules, text, tmp_path, capsys)
    assert code == 1
    assert "s.toml:2: personas[0].dropout: 2 values but 1 weights: give one weight per value" in err


def _empirical(tmp_path: Path, column: str, file: str = "data.csv") -> str:
    (tmp_path / "data.csv").write_text("id,size,kind\n1,10,web\n2,x,event\n3,30,web\n")
    return (
        "[[personas]]\n[personas.attributes]\n"
        f'company_size = {{ dist = "empirical", file = "{file}", column = "{column}" }}\n'
    )


def test_an_empirical_column_that_does_not_exist(rules, tmp_path, capsys):
    code, _, err = simulate(rules, _empirical(tmp_path, "sise"), tmp_path, capsys)
    assert code == 1
    assert f"s.toml:3: personas[0].attributes.company_size: {tmp_path}/data.csv: no column " in err
    assert "'sise'; did you mean 'size'?" in err


def test_an_empirical_file_that_does_not_exist(rules, tmp_path, capsys):
    code, _, err = simulate(rules, _empirical(tmp_path, "size", "nope.csv"), tmp_path, capsys)
    assert code == 1
    assert (
        "s.toml:3: personas[0].attributes.company_size: cannot read 'nope.csv': "
        "No such file or directory"
    ) in err


def test_a_number_attribute_from_a_column_holding_text(rules, tmp_path, capsys):
    code, _, err = simulate(rules, _empirical(tmp_path, "size"), tmp_path, capsys)
    assert code == 1
    assert (
        "s.toml:3: personas[0].attributes.company_size: a number attribute needs numbers; the "
        f"column holds text ({tmp_path}/data.csv:3: 'x')"
    ) in err


def test_an_empirical_column_is_read_beside_the_scenario(rules, tmp_path, capsys):
    # the file is found next to the scenario, whatever the working directory; rows are drawn
    # with replacement, each equally likely (here only `web` rows: sizes 10 and 30)
    (tmp_path / "data.csv").write_text("id,size,kind\n1,10,web\n2,20,event\n3,30,web\n")
    text = (
        "[[personas]]\n[personas.attributes]\n"
        'company_size = { dist = "empirical", file = "data.csv", column = "size", '
        'where = { kind = "web" } }\n'
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text(text)
    from dsl import load_program
    from simulator.api import Overrides, prepare
    from simulator.population import generate
    from simulator.streams import Streams

    s = prepare(load_program(str(rules)), str(scenario), Overrides(leads=200))
    pop = generate(s, 200, Streams(0, 0))
    sizes = [pop.attrs(i)["company_size"] for i in range(200)]
    assert set(sizes) == {10.0, 30.0}
    assert 70 <= sizes.count(10.0) <= 130
