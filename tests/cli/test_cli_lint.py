"""`nurture lint FILE... [--strict] [--json]`: warnings on stderr, exit 1 only with --strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

RULES = """\
campaign "t"
stages a, b
lead:
  size: number
content hello email stage a
content deep  email stage b
content ping  sms   stage a
content call  task  stage b
segment big: size > 10
policy:
  limit 3 per 7d
handoff when sql:
  send call within 1d
sql when score >= 10
score s:
  +5 on clicked
sequence one:
  for size > 3
  enter on created
  exit when sql
  send hello
  wait 2d
  send ping
"""


def test_lint_prints_warnings_and_exits_0_or_1_with_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.nurture"
    path.write_text(RULES, encoding="utf-8")
    assert main(["lint", str(path)]) == 0
    assert capsys.readouterr().err == (
        f"{path}:9:9: warning: segment 'big' is never used\n"
        "    9 | segment big: size > 10\n"
        "      |         ^^^\n"
        f"{path}: 1 finding\n"
    )
    assert main(["lint", "--strict", str(path)]) == 1


def test_lint_json_lists_each_warning_with_its_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.nurture"
    path.write_text(RULES, encoding="utf-8")
    assert main(["lint", "--json", str(path)]) == 0
    [report] = json.loads(capsys.readouterr().out)
    assert report == {
        "file": str(path),
        "diagnostics": [
            {
                "file": str(path),
                "line": 9,
                "column": 9,
                "end_line": 9,
                "end_column": 12,
                "severity": "warning",
                "code": "unused-segment",
                "message": "segment 'big' is never used",
                "hint": None,
            }
        ],
    }


def test_lint_on_a_file_with_errors_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.nurture"
    path.write_text('campaign "x"\n', encoding="utf-8")
    assert main(["lint", str(path)]) == 1
    assert "the file has no 'stages' line" in capsys.readouterr().err
