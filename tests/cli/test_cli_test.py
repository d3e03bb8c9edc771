"""`nurture test`: its exact output on passing and failing cases, --json, -k, the exit codes, and
mistakes in test files reported as file:line:col, all at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

RULES = """\
campaign "t"
stages cold, warm
lead:
  plan: one of "free", "pro"
content hello email stage cold
content nudge sms   stage cold
content call  task  stage warm
segment pro: plan == "pro"
score s:
  +5 on clicked
  +1 on opened
stage warm when s >= 5
sql when s >= 10
policy:
  quiet 22:00-07:00
sequence intro:
  for pro or not pro
  enter on signed_up
  exit when sql
  send hello
  wait 1d
  send nudge
handoff when sql:
  send call within 1d
"""

PASSING = """\
rules = "t.nurture"
start = 2026-03-02T09:00:00

[[case]]
name = "hello, then the nudge a day later"
events = [{ at = "+1h", type = "signed_up" }]

[[case.expect]]
at = "+1h"
sends = [{ content = "hello", channel = "email", at = "+0d 10:00" }]
stage = "cold"

[[case.expect]]
at = "+1d 10:00"
sends = [{ content = "nudge", channel = "sms", at = "+1d 10:00" }]

[[case]]
name = "two clicks make an SQL: handoff, a call, and the sequence exits"
lead = { plan = "pro" }
events = [
  { at = "+1h", type = "signed_up" },
  { at = "+3h", type = "clicked", content = "hello" },
  { at = "+3h", type = "clicked", content = "hello" },
]

[[case.expect]]
at = "+3h"
score = 10
stage = "warm"
sql = true
segments = ["pro"]
actions = [
  { action = "enrolled", sequence = "intro" },
  { action = "send", content = "hello" },
  { action = "sql" },
  { action = "handoff" },
  { action = "task", content = "call", due = "+1d 12:00" },
  { action = "exited", sequence = "intro", reason = "exit when" },
]
"""

FAILING = """\
rules = "t.nurture"
start = 2026-03-02T09:00:00

[[case]]
name = "a click warms the lead"
lead = { plan = "pro" }
events = [
  { at = "+1h", type = "signed_up" },
  { at = "+2h", type = "clicked", content = "hello", channel = "email" },
]

[[case.expect]]
at = "+1h"
sends = [{ content = "hello", at = "+0d 10:00" }]

[[case.expect]]
at = "+2h"
score = 6
stage = "cold"
segments = ["pro"]

[[case]]
name = "a late sign-up waits for the morning"
events = [{ at = "+0d 23:00", type = "signed_up" }]

[[case.expect]]
at = "+1d 07:00"
sends = [{ content = "hello", at = "+0d 23:00" }]
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "t.nurture").write_text(RULES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["test", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_passing_cases_print_pass_and_exit_0(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text(PASSING)
    assert run(capsys) == (0, "PASS 2/2\n", "")


def test_a_failure_shows_expected_and_actual_side_by_side_and_the_trail(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text(FAILING)
    code, out, err = run(capsys, "t.test.toml")
    assert code == 1 and err == ""
    assert out == (
        "FAIL t.test.toml:4: a click warms the lead\n"
        "  at +2h = +0d 11:00 (2026-03-02T11:00:00Z), lead L1\n"
        "  t.test.toml:18:9: score\n"
        "    expected | actual\n"
        "    6        | 5\n"
        "  t.test.toml:19:9: stage\n"
        "    expected | actual\n"
        "    cold     | warm\n"
        "  trail of L1 from +0d 10:00 to +0d 11:00:\n"
        "    +0d 11:00  event   clicked channel=email content=hello\n"
        "    +0d 11:00  points  +5 s on clicked  [t.nurture:10]\n"
        "    +0d 11:00  stage   stage cold -> warm  [t.nurture:12]\n"
        "\n"
        "FAIL t.test.toml:22: a late sign-up waits for the morning\n"
        "  at +1d 07:00 (2026-03-03T07:00:00Z), lead L1\n"
        "  t.test.toml:28:9: sends\n"
        "    expected                                       | actual\n"
        "    send hello at +0d 23:00 (2026-03-02T23:00:00Z) | send hello by email at "
        "+1d 07:00 (2026-03-03T07:00:00Z) (sequence intro, step 1)\n"
        "  trail of L1 from +0d 09:00 to +1d 07:00:\n"
        "    +0d 09:00  created    lead created\n"
        "    +0d 23:00  event      signed_up\n"
        "    +0d 23:00  enrolled   entered intro  [t.nurture:16]\n"
        "    +0d 23:00  postponed  hello postponed by policy  [t.nurture:20]\n"
        "    +1d 07:00  send       intro step 1: sent hello by email  [t.nurture:20]\n"
        "    +1d 07:00  step       intro step 2: wait  [t.nurture:21]\n"
        "\n"
        "PASS 0/2\n"
    )


def test_json_gives_the_same_results_for_machines(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text(FAILING)
    code, out, _ = run(capsys, "--json", "-k", "click")
    data = json.loads(out)
    assert code == 1
    assert (data["passed"], data["total"], data["ok"], data["missing"]) == (0, 1, False, [])
    (case,) = data["files"][0]["cases"]
    assert case["name"] == "a click warms the lead"
    assert case["at"] == "2026-03-02T11:00:00Z"
    assert case["failures"] == [
        {"check": "score", "line": 18, "column": 9, "expected": ["6"], "actual": ["5"]},
        {"check": "stage", "line": 19, "column": 9, "expected": ["cold"], "actual": ["warm"]},
    ]
    assert [e["kind"] for e in case["trail"]] == ["event", "points", "stage"]
    assert case["trail"][1] == {
        "at": "2026-03-02T11:00:00Z",
        "kind": "points",
        "message": "+5 s on clicked",
        "rule": "t.nurture:10",
    }


def test_k_selects_cases_by_name(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "t.test.toml").write_text(PASSING + FAILING.split("\n\n", 1)[1].replace("rules", "x"))
    assert run(capsys, "-k", "SQL") == (0, "PASS 1/1\n", "")
    assert run(capsys, "-k", "*nudge*") == (0, "PASS 1/1\n", "")


def test_k_that_selects_nothing_is_bad_usage(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text(PASSING)
    assert run(capsys, "-k", "nothing like it") == (
        2,
        "",
        "nurture test: no case name matches -k 'nothing like it'\n",
    )


def test_no_test_file_is_bad_usage(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys) == (2, "", "nurture test: no *.test.toml file in the current folder\n")


def test_a_folder_is_searched_below_and_a_missing_path_named(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "deep" / "er").mkdir(parents=True)
    (folder / "deep" / "er" / "t.nurture").write_text(RULES)
    (folder / "deep" / "er" / "a.test.toml").write_text(PASSING)
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "b.test.toml").write_text("this is not read")
    assert run(capsys, "deep", "gone.test.toml") == (
        1,
        "PASS 2/2\n",
        "gone.test.toml: no such file or folder\n",
    )


def test_mistakes_in_a_test_file_are_reported_all_at_once(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text(
        'rules = "t.nurture"\n'
        "\n"
        "[[case]]\n"
        'name = "typos"\n'
        'lead = { plan = "pri" }\n'
        'events = [{ at = "+1x", type = "clicked", content = "helo" }]\n'
        "\n"
        "[[case.expect]]\n"
        'stage = "hot"\n'
        "scroe = 5\n"
    )
    code, out, err = run(capsys)
    assert (code, out) == (1, "PASS 0/0; 1 test file with errors, not run\n")
    assert err == (
        "t.test.toml:5:17: attribute 'plan' cannot be 'pri'\n"
        '    5 | lead = { plan = "pri" }\n'
        "      |                 ^^^^^\n"
        "      = did you mean 'pro'?\n"
        "t.test.toml:6:18: not a time: '+1x'\n"
        '    6 | events = [{ at = "+1x", type = "clicked", content = "helo" }]\n'
        "      |                  ^^^^^\n"
        "      = write a time like +2d 10:00, +3h or 2026-01-05T10:00:00Z\n"
        "t.test.toml:6:53: unknown content 'helo'\n"
        '    6 | events = [{ at = "+1x", type = "clicked", content = "helo" }]\n'
        "      |                                                     ^^^^^^\n"
        "      = did you mean 'hello'?\n"
        "t.test.toml:9:9: unknown stage 'hot'\n"
        '    9 | stage = "hot"\n'
        "      |         ^^^^^\n"
        "      = the stages are: cold, warm\n"
        "t.test.toml:10:1: unknown key 'scroe' in an expectation\n"
        "   10 | scroe = 5\n"
        "      | ^^^^^\n"
        "      = did you mean 'score'?\n"
        "t.test.toml: 5 errors\n"
    )


def test_a_toml_syntax_error_is_named_with_its_place(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text('rules = "t.nurture"\n[[case]]\nname = "x\n')
    code, _, err = run(capsys)
    assert code == 1
    assert err == (
        "t.test.toml:3:10: not valid TOML: illegal character '\\n'\n"
        '    3 | name = "x\n'
        "      |          ^\n"
        "      = a text ends on its line, with the quote it opened with\n"
        "t.test.toml: 1 error\n"
    )


def test_a_rule_file_with_errors_is_printed_as_check_prints_it(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.nurture").write_text(RULES.replace("stage warm when s >= 5", "stage warm when q"))
    (folder / "t.test.toml").write_text(PASSING)
    code, out, err = run(capsys)
    assert (code, out) == (1, "PASS 0/0; 1 test file with errors, not run\n")
    assert err.startswith("t.nurture:12:17: unknown name 'q'\n")
    assert err.endswith(
        "t.nurture: 1 error\n"
        "t.test.toml:1:9: rule file 't.nurture': 1 error (shown above)\n"
        '    1 | rules = "t.nurture"\n'
        "      |         ^^^^^^^^^^^\n"
        "t.test.toml: 1 error\n"
    )


def test_a_missing_rule_file_is_named_at_rules(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "t.test.toml").write_text(PASSING.replace('"t.nurture"', '"none.nurture"'))
    code, _, err = run(capsys)
    assert code == 1
    assert err.startswith("t.test.toml:1:9: rule file 'none.nurture': no such file\n")
