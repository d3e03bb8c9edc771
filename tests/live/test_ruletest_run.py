"""Running rule tests: the shipped playbooks' tests pass, and each kind of expectation fails when
what it expects is not what the engine does."""

from __future__ import annotations

from pathlib import Path

import pytest

from live.ruletest import run_tests

ROOT = Path(__file__).resolve().parents[2]

RULES = """\
campaign "t"
stages cold, warm
lead:
  plan: one of "free", "pro"
content hello email stage cold
content call  task  stage warm
segment pro: plan == "pro"
score s:
  +5 on clicked
stage warm when s >= 5
sql when s >= 10
sequence intro:
  for pro
  enter on signed_up
  holdout 50%
  send hello
handoff when sql:
  send call within 1d
"""

# lead L1 draws 0.958 for intro's 50% holdout (seed 0): touched; lead L2 draws 0.367: held out
CASE = """\
rules = "t.nurture"
start = 2026-03-02T09:00:00
[lead]
plan = "pro"
[[case]]
name = "c"
lead_id = "{lead}"
events = [
  {{ at = "+1h", type = "signed_up" }},
  {{ at = "+2h", type = "clicked", content = "hello" }},
  {{ at = "+2h", type = "clicked", content = "hello" }},
]
[[case.expect]]
at = "+2h"
{expect}
"""

PASSING = [
    "score = 10",
    "score = { value = 10.4, within = 0.5 }",
    "scores = { s = 10 }",
    'stage = "warm"',
    "sql = true",
    "mql = false",
    'segments = ["pro"]',
    'segments_include = ["pro"]',
    "segments_exclude = []",
    'sends = [{ content = "hello", channel = "email", at = "+1h", step = 1 }]',
    'tasks = [{ content = "call", due = "+1d 11:00" }]',
    "suppressed = []",
    'actions = [{ action = "enrolled" }, { action = "send" }, { action = "exited",'
    ' reason = "completed", at = "+1h" }, { action = "sql" }, { action = "handoff" },'
    ' { action = "task" }]',
]

FAILING = [
    "score = 9",
    "score = { value = 10.6, within = 0.5 }",
    "scores = { s = 5 }",
    'stage = "cold"',
    "sql = false",
    "mql = true",
    "segments = []",
    'segments_exclude = ["pro"]',
    "sends = []",
    'sends = [{ content = "hello", at = "+1h1m" }]',
    'sends = [{ content = "hello", channel = "sms" }]',
    'sends = [{ content = "hello", step = 2 }]',
    'sends = [{ content = "hello" }, { content = "hello" }]',
    'tasks = [{ content = "call", due = "+1d 10:00" }]',
    'suppressed = [{ content = "hello" }]',
    'actions = [{ action = "enrolled" }]',
]


def outcome(tmp_path: Path, expect: str, lead: str = "L1") -> tuple[int, int]:
    (tmp_path / "t.nurture").write_text(RULES)
    path = tmp_path / "t.test.toml"
    path.write_text(CASE.format(expect=expect, lead=lead))
    result = run_tests([str(path)])
    assert [f.test.errors for f in result.files] == [[]]
    return result.passed, result.total


@pytest.mark.parametrize("expect", PASSING)
def test_an_expectation_that_holds_passes(tmp_path: Path, expect: str) -> None:
    assert outcome(tmp_path, expect) == (1, 1)


@pytest.mark.parametrize("expect", FAILING)
def test_an_expectation_that_does_not_hold_fails(tmp_path: Path, expect: str) -> None:
    assert outcome(tmp_path, expect) == (0, 1)


def test_the_lead_id_decides_the_holdout(tmp_path: Path) -> None:
    holdout = 'suppressed = [{ content = "hello", reason = "holdout", at = "+1h" }]'
    assert outcome(tmp_path, holdout, lead="L2") == (1, 1)
    assert outcome(tmp_path, holdout, lead="L1") == (0, 1)


def test_every_shipped_playbook_has_a_test_file_and_it_passes() -> None:
    playbooks = sorted(p.name.removesuffix(".nurture") for p in (ROOT / "rules").glob("*.nurture"))
    tests = sorted(p.name.removesuffix(".test.toml") for p in (ROOT / "rules").glob("*.test.toml"))
    assert tests == playbooks
    result = run_tests([str(ROOT / "rules")])
    assert [(f.test.path, f.test.errors) for f in result.files] == [
        (str(ROOT / "rules" / f"{name}.test.toml"), []) for name in playbooks
    ]
    failed = [c.name for f in result.files for c in f.cases if not c.passed]
    assert failed == []
    assert result.total >= 30
