"""Params in rule tests (docs/TESTING.md, "Params"): `params = {...}` in a test file (for every
case, and a case's own over it), `nurture test --set NAME=VALUE` for the cases that set none, the
values in force shown with a failure and in --json, and every mistake named where it is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

RULES = """\
campaign "p"
stages cold, warm
param warm_at = 10  in 5..20
param gap     = 1d
content hello email stage cold
content again email stage cold
score s:
  +5 on clicked
stage warm when s >= warm_at
sequence welcome:
  enter on signed_up
  send hello
  wait gap
  send again
"""

TESTS = """\
rules = "p.nurture"
start = 2026-03-02T09:00:00

[[case]]
name = "two clicks make 10: warm"
events = [{ at = "+1h", type = "clicked" }, { at = "+2h", type = "clicked" }]

[[case.expect]]
at = "+2h"
stage = "warm"

[[case]]
name = "with warm_at 15, two clicks are not enough"
params = { warm_at = 15 }
events = [{ at = "+1h", type = "clicked" }, { at = "+2h", type = "clicked" }]

[[case.expect]]
at = "+2h"
stage = "cold"

[[case]]
name = "the second e-mail a gap after the first"
events = [{ at = "+5m", type = "signed_up" }]

[[case.expect]]
at = "+1d 09:05"
sends = [{ content = "hello", at = "+0d 09:05" }, { content = "again", at = "+1d 09:05" }]
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "p.nurture").write_text(RULES)
    (tmp_path / "p.test.toml").write_text(TESTS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["test", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_files_values_and_a_cases_own(folder: Path, capsys) -> None:
    assert run(capsys, "p.test.toml") == (0, "PASS 3/3\n", "")


def test_set_changes_the_cases_that_do_not_set_the_param(folder: Path, capsys) -> None:
    # warm_at 5: one click is warm already, two still are; the case with its own 15 keeps it
    code, out, err = run(capsys, "p.test.toml", "--set", "warm_at=5")
    assert (code, err) == (0, "")
    assert out == (
        "params set: warm_at = 5 (in every case that does not set them itself)\n\nPASS 3/3\n"
    )


def test_a_failure_shows_the_values_in_force(folder: Path, capsys) -> None:
    # gap 2d: the second e-mail is due at +2d 09:05, after the expected moment +1d 09:05
    code, out, err = run(capsys, "p.test.toml", "--set", "gap=2d", "-k", "gap after")
    assert (code, err) == (1, "")
    assert out == (
        "params set: gap = 2d (in every case that does not set them itself)\n"
        "\n"
        "FAIL p.test.toml:21: the second e-mail a gap after the first\n"
        "  at +1d 09:05 (2026-03-03T09:05:00Z), lead L1\n"
        "  params: gap = 2d (set; the file says 1d)\n"
        "  p.test.toml:27:9: sends\n"
        "    expected                                       | actual\n"
        "    send hello at +0d 09:05 (2026-03-02T09:05:00Z) | send hello by email at +0d 09:05 "
        "(2026-03-02T09:05:00Z) (sequence welcome, step 1)\n"
        "    send again at +1d 09:05 (2026-03-03T09:05:00Z) |\n"
        "  trail of L1 from +0d 09:00 to +1d 09:05:\n"
        "    +0d 09:00  created   lead created\n"
        "    +0d 09:05  event     signed_up\n"
        "    +0d 09:05  enrolled  entered welcome  [p.nurture:10]\n"
        "    +0d 09:05  send      welcome step 1: sent hello by email  [p.nurture:12]\n"
        "    +0d 09:05  step      welcome step 2: wait  [p.nurture:13]\n"
        "\n"
        "PASS 0/1\n"
    )


def test_json_holds_each_cases_values_other_than_the_files(folder: Path, capsys) -> None:
    code, out, _ = run(capsys, "p.test.toml", "--json", "-k", "warm")
    data = json.loads(out)
    cases = data["files"][0]["cases"]
    assert code == 0
    assert [(c["name"], c.get("params")) for c in cases] == [
        ("two clicks make 10: warm", None),
        ("with warm_at 15, two clicks are not enough", ["warm_at = 15 (set; the file says 10)"]),
    ]


def test_a_set_value_out_of_range_is_named_before_any_case_runs(folder: Path, capsys) -> None:
    assert run(capsys, "p.test.toml", "--set", "warm_at=25") == (
        1,
        "",
        "nurture test: --set warm_at=25: 'warm_at' (line 3 of p.nurture) may be from 5 to 20\n"
        "  hint: its range is declared on line 3; the file's value is 10\n",
    )


def test_a_set_name_no_rule_file_declares(folder: Path, capsys) -> None:
    assert run(capsys, "p.test.toml", "--set", "warm=5") == (
        1,
        "",
        "nurture test: --set warm=5: none of the tests' rule files has a param 'warm'\n"
        "  hint: did you mean 'warm_at'?\n",
    )


def test_a_set_name_given_twice(folder: Path, capsys) -> None:
    code, out, err = run(capsys, "p.test.toml", "--set", "gap=2d", "--set", "gap=3d")
    assert (code, out) == (1, "")
    assert err == "nurture test: --set gap is given twice (2d and 3d)\n  hint: give it once\n"


def test_mistakes_in_a_test_files_params_are_named_at_their_place(folder: Path, capsys) -> None:
    (folder / "bad.test.toml").write_text(
        'rules = "p.nurture"\n'
        'params = { warm = 5, gap = 3, warm_at = "30" }\n'
        "\n"
        "[[case]]\n"
        'name = "x"\n'
        'params = { gap = "2%" }\n'
        "[[case.expect]]\n"
        'stage = "cold"\n'
    )
    code, out, err = run(capsys, "bad.test.toml")
    assert (code, out) == (1, "PASS 0/0; 1 test file with errors, not run\n")
    assert err == (
        "bad.test.toml:2:12: unknown param 'warm': p.nurture has none\n"
        '    2 | params = { warm = 5, gap = 3, warm_at = "30" }\n'
        "      |            ^^^^\n"
        "      = did you mean 'warm_at'?\n"
        "bad.test.toml:2:41: 'warm_at' (line 3 of p.nurture) may be from 5 to 20\n"
        '    2 | params = { warm = 5, gap = 3, warm_at = "30" }\n'
        "      |                                         ^^^^\n"
        "      = its range is declared on line 3; the file's value is 10\n"
        "bad.test.toml:6:18: 'gap' (line 4 of p.nurture) is a duration, not a percentage\n"
        '    6 | params = { gap = "2%" }\n'
        "      |                  ^^^^\n"
        '      = like gap = "1d"\n'
        "bad.test.toml: 3 errors\n"
    )


def test_a_value_the_rule_files_own_checks_refuse(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "l.nurture").write_text(
        RULES.replace("param gap     = 1d\n", "param gap     = 1d\nparam most    = 3\n")
        + "policy:\n  limit most per 7d\n"
    )
    (tmp_path / "l.test.toml").write_text(
        'rules = "l.nurture"\n[[case]]\nname = "x"\nparams = { most = 2.5 }\n'
        '[[case.expect]]\nstage = "cold"\n'
    )
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "l.test.toml")
    assert (code, out) == (1, "PASS 0/0; 1 test file with errors, not run\n")
    assert err == (
        "l.test.toml:4:19: with most = 2.5, l.nurture does not check: l.nurture:17:9: a limit "
        "counts whole touches: a whole number of at least 1, not most = 2.5\n"
        "    4 | params = { most = 2.5 }\n"
        "      |                   ^^^\n"
        "l.test.toml: 1 error\n"
    )
