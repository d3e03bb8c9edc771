"""Scenario mistakes all in one pass, each at the line of the field at fault, each saying what to
write in the product's words (issue 11, item 7). Expected messages are written out whole."""

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

# every kind of mistake at once: a type error in [population], shares summing to 0.8, a number
# where a distribution goes, a number where a table of channels goes, an attribute the rule file
# does not have (next to a refused one in the same persona), an unknown event type (in a persona
# that also holds a refused field), a table key that is not a channel, a bound
MANY = """[population]
leads = "many"

[[personas]]
name = "a"
share = 0.5
readiness = 0.3
responsiveness = 0.8
[personas.attributes]
company_sise = { dist = "lognormal", median = 30, sigma = 1 }
source = "web"

[[personas]]
name = "b"
share = 0.3
[[personas.organic]]
event = "visted"
per_day = "often"

[behaviour]
open = { email = "high", fax = 0.2 }

[sales]
reps = -1
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "r.nurture"
    path.write_text(RULES)
    return path


def errors(rules: Path, scenario_text: str, tmp_path: Path, capsys) -> list[str]:
    """stderr's lines, the temporary folder written as `T`; the exit code must be 1."""
    scenario = tmp_path / "s.toml"
    scenario.write_text(scenario_text)
    code = main(
        ["simulate", str(rules), "--scenario", str(scenario), "--leads", "5", "--runs", "1"]
    )
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    return err.replace(str(tmp_path), "T").splitlines()


def test_every_mistake_in_one_pass_in_line_order(rules, tmp_path, capsys):
    assert errors(rules, MANY, tmp_path, capsys) == [
        "T/s.toml:2: population.leads: 'many' is not a whole number: write leads = 1000",
        "T/s.toml:6: personas[0].share: persona shares must sum to 1 (they sum to 0.8: a 0.5 on "
        "line 6, b 0.3 on line 15); change them so that they add up to 1",
        "T/s.toml:7: personas[0].readiness: 0.3 is not a distribution: write readiness = "
        '{ dist = "constant", value = 0.3 } (every lead the same), or a spread such as '
        'readiness = { dist = "uniform", low = 0.05, high = 0.5 }',
        "T/s.toml:8: personas[0].responsiveness: 0.8 is not a table of channel = number: write "
        "responsiveness = { email = 1.0, sms = 0.8 } (channels: email, sms, ad, social, mail, "
        "task)",
        "T/s.toml:10: personas[0].attributes.company_sise: attribute 'company_sise' is not in "
        "the `lead:` block of T/r.nurture (did you mean 'company_size'?)",
        "T/s.toml:11: personas[0].attributes.source: 'web' is not a distribution: write source = "
        '{ dist = "constant", value = "web" } (every lead the same), or source = '
        '{ dist = "choice", weights = { web = 3, other = 1 } }',
        "T/s.toml:17: personas[1].organic[0].event: unknown event type 'visted' "
        "(did you mean 'visited'?)",
        "T/s.toml:18: personas[1].organic[0].per_day: 'often' is not a number: write "
        "per_day = 0.008",
        "T/s.toml:21: behaviour.open.email: 'high' is not a number: write email = 0.2",
        "T/s.toml:21: behaviour.open.fax: 'fax' is not one of email, sms, ad, social, mail, task",
        "T/s.toml:24: sales.reps: must be 0 or more (got -1)",
    ]


def test_shares_are_told_with_the_other_mistakes_at_the_share_lines(rules, tmp_path, capsys):
    text = (
        '[[personas]]\nname = "a"\nshare = 0.5\n\n'
        '[[personas]]\nname = "b"\nreadiness = { dist = "lognormal", median = 3 }\n'
    )
    assert errors(rules, text, tmp_path, capsys) == [
        "T/s.toml:3: personas[0].share: persona shares must sum to 1 (they sum to 1.5: a 0.5 on "
        "line 3, b 1 (no share given: the default) on line 5); change them so that they add up "
        "to 1",
        "T/s.toml:7: personas[1].readiness.sigma: 'sigma' is missing: a lognormal distribution "
        "needs median and sigma",
    ]


def test_a_share_out_of_range_is_one_mistake_not_two(rules, tmp_path, capsys):
    assert errors(rules, "[[personas]]\nshare = 1.5\n", tmp_path, capsys) == [
        "T/s.toml:2: personas[0].share: must be 1 or less (got 1.5)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[[personas]]\nreadiness = { dist = "gaussian", mean = 1 }\n',
            "T/s.toml:2: personas[0].readiness: unknown distribution 'gaussian': write dist = "
            "one of constant, normal, lognormal, uniform, discrete, empirical",
        ),
        (
            "[[personas]]\nreadiness = { low = 1 }\n",
            "T/s.toml:2: personas[0].readiness: say which distribution: add dist = one of "
            "constant, normal, lognormal, uniform, discrete, empirical",
        ),
        (
            '[[personas]]\nreadiness = { dist = "choice", weights = { a = 1 } }\n',
            "T/s.toml:2: personas[0].readiness: this needs a number, and choice gives text: "
            "write dist = one of constant, normal, lognormal, uniform, discrete, empirical",
        ),
        (
            '[[personas]]\nreadiness = { dist = "lognormal", median = 3, sigma = 1, foo = 2 }\n',
            "T/s.toml:2: personas[0].readiness.foo: unknown field 'foo': a lognormal "
            "distribution takes min, max, round, median, sigma",
        ),
        (
            '[population]\narrivals = "daily"\n',
            'T/s.toml:2: population.arrivals: \'daily\' is not one of "all_at_once", "steady", '
            '"weekly": write arrivals = "steady"',
        ),
        (
            "population = 5\n",
            "T/s.toml:1: population: 5 is not a table: write [population] with its fields on "
            "the lines below it",
        ),
        (
            '[[personas]]\non_arrival = { event = "signed_up" }\n',
            "T/s.toml:2: personas[0].on_arrival: {'event': 'signed_up'} is not a list of tables: "
            "write each as [[personas.on_arrival]] with its fields under it",
        ),
        (
            "[run]\nruns = 2.5\n",
            "T/s.toml:2: run.runs: 2.5 is not a whole number: write runs = 10",
        ),
        (
            "[[personas]]\nname = 3\n",
            'T/s.toml:2: personas[0].name: 3 is not text in double quotes: write name = "everyone"',
        ),
        (
            "[population]\nweekly = 3\n",
            "T/s.toml:2: population.weekly: 3 is not a list: write weekly = [1, 2, 3]",
        ),
        (
            "[population]\nstart = 2026-01-05T00:00:00Z\n",
            "T/s.toml:2: population.start: 2026-01-05T00:00:00+00:00 is not text in double "
            'quotes: write start = "2026-01-05T00:00:00Z"',
        ),
        (
            '[[personas]]\n[personas.attributes]\nsource = "web shop"\n',
            "T/s.toml:3: personas[0].attributes.source: 'web shop' is not a distribution: write "
            'source = { dist = "constant", value = "web shop" } (every lead the same), or source '
            '= { dist = "choice", weights = { "web shop" = 3, other = 1 } }',
        ),
        (
            "[run]\nruns = 1\nfoo = 2\n",
            "T/s.toml:3: run.foo: unknown field 'foo': this table takes runs, seed, trace_sample",
        ),
    ],
    ids=[
        "unknown distribution",
        "distribution without dist",
        "text distribution for a number",
        "unknown field of a distribution",
        "not one of the choices",
        "a value where a table goes",
        "a table where a list of tables goes",
        "a fraction where a whole number goes",
        "a number where text goes",
        "a number where a list goes",
        "a TOML date where text goes",
        "text with a space where a distribution goes",
        "unknown field, no near name",
    ],
)
def test_each_mistake_says_what_to_write(rules, tmp_path, capsys, text, expected):
    assert errors(rules, text, tmp_path, capsys) == [expected]


def test_no_message_is_pydantics_own_text(rules, tmp_path, capsys):
    lines = errors(rules, MANY + '[run]\nruns = "ten"\nseed = [1]\n', tmp_path, capsys)
    assert len(lines) == 13
    assert not [line for line in lines if "Input should" in line or "valid dictionary" in line]
