"""`nurture lint FILE... [--strict] [--json]`: warnings on stderr, exit 1 only with --strict or
when a file does not check; every lint code's fixture (tests/dsl/lint/) gives exactly its expected
warnings, and its near miss none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main
from dsl import load_program
from dsl.lint import LINT_CODES, lint

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
        f"{path}: 1 warning\n"
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
        "ok": True,
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


def test_lint_on_a_file_with_errors_reports_its_errors_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.nurture"
    path.write_text('campaign "x"\nstages a, b\nsegment s: qqq > 3\n', encoding="utf-8")
    assert main(["lint", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"{path}:3:12: unknown name 'qqq'\n"
        "    3 | segment s: qqq > 3\n"
        "      |            ^^^\n"
        "      = not a lead attribute, segment, score, stage or flag; declare it in the 'lead:' "
        "block or define it\n"
        f"{path}: 1 error; not linted\n"
    )


# ------------------------------------------------------------------ one fixture per code

FIXTURES = Path(__file__).resolve().parents[1] / "dsl" / "lint"
TRIGGERS = sorted(p for p in FIXTURES.glob("*.nurture") if not p.name.endswith(".ok.nurture"))
QUIET = sorted(FIXTURES.glob("*.ok.nurture"))


def test_every_code_has_a_fixture_that_triggers_it_one_that_does_not_and_a_doc_entry() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "LINT.md").read_text(encoding="utf-8")
    for code in LINT_CODES:
        assert (FIXTURES / f"{code}.nurture").exists(), code
        assert (FIXTURES / f"{code}.ok.nurture").exists(), code
        assert f"### `{code}`" in docs, code
    assert {p.name.split(".")[0] for p in TRIGGERS} == set(LINT_CODES)


@pytest.mark.parametrize("case", TRIGGERS, ids=lambda p: p.stem)
def test_the_fixture_gives_exactly_its_expected_warnings(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["lint", case.name]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == ("", case.with_suffix(".expected").read_text(encoding="utf-8"))
    codes = {d.code for d in lint(load_program(case), case.read_text(encoding="utf-8"))}
    assert case.name.split(".")[0] in codes


@pytest.mark.parametrize("case", QUIET, ids=lambda p: p.stem)
def test_the_near_miss_fixture_gives_no_warning(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURES)
    assert main(["lint", "--strict", case.name]) == 0
    assert capsys.readouterr() == (f"{case.name}: no warnings\n", "")


def test_the_shipped_playbooks_lint_clean_and_every_allowance_gives_a_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from dsl.lint_allow import allowances

    playbooks = sorted((Path(__file__).resolve().parents[2] / "rules").glob("*.nurture"))
    assert main(["lint", "--strict", *map(str, playbooks)]) == 0
    assert capsys.readouterr().err == ""
    for path in playbooks:
        for allow in allowances(path.read_text(encoding="utf-8")):
            assert len(allow.reason.split()) >= 5, (path, allow)


def test_lint_json_reports_errors_and_warnings_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = FIXTURES / "unused-segment.nurture"
    bad = tmp_path / "bad.nurture"
    bad.write_text('campaign "x"\n', encoding="utf-8")
    assert main(["lint", "--json", str(good), str(bad)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [(f["file"], f["ok"]) for f in data] == [(str(good), True), (str(bad), False)]
    assert [(d["code"], d["line"], d["severity"]) for d in data[0]["diagnostics"]] == [
        ("unused-segment", 30, "warning")
    ]
    assert [d["severity"] for d in data[1]["diagnostics"]] == ["error"]
