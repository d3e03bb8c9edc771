"""`nurture check`: exit codes 0/1/2, the summary line, --json, and no traceback for any input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.main import main

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "rules" / "b2c_browse_abandon.nurture"
BAD_TEXT = 'campaign "Bad"\nstages a, b\nsegment s: qqq > 3\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_file_prints_one_summary_line_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, str(GOOD))
    assert code == 0
    assert out == (
        f'{GOOD}: ok — campaign "Browse abandonment": 3 stages, 2 segments, 1 score, '
        "1 sequence, 10 steps, 4 params\n"
    )
    assert err == ""


def test_file_with_errors_exits_1_with_diagnostics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.nurture"
    bad.write_text(BAD_TEXT)
    code, out, err = run(capsys, str(bad))
    assert code == 1 and out == ""
    assert err == (
        f"{bad}:3:12: unknown name 'qqq'\n"
        "    3 | segment s: qqq > 3\n"
        "      |            ^^^\n"
        "      = not a lead attribute, segment, score, stage or flag; declare it in the 'lead:' "
        "block or define it\n"
        f"{bad}: 1 error\n"
    )


def test_several_files_one_bad_exits_1_and_reports_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.nurture"
    bad.write_text(BAD_TEXT)
    code, out, err = run(capsys, str(GOOD), str(bad))
    assert code == 1
    assert out.startswith(f"{GOOD}: ok")
    assert err.endswith(f"{bad}: 1 error\n")


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.nurture"
    bad.write_text(BAD_TEXT)
    code, out, err = run(capsys, "--json", str(GOOD), str(bad))
    assert code == 1 and err == ""
    report = json.loads(out)
    assert report[0] == {"file": str(GOOD), "ok": True, "diagnostics": []}
    assert report[1]["ok"] is False
    assert report[1]["diagnostics"] == [
        {
            "file": str(bad),
            "line": 3,
            "column": 12,
            "end_line": 3,
            "end_column": 15,
            "severity": "error",
            "code": "unknown-name",
            "message": "unknown name 'qqq'",
            "hint": "not a lead attribute, segment, score, stage or flag; "
            "declare it in the 'lead:' block or define it",
        }
    ]


def test_json_clean_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--json", str(GOOD))
    assert code == 0 and json.loads(out)[0]["ok"] is True


def test_empty_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.nurture"
    empty.write_text("")
    code, out, err = run(capsys, str(empty))
    assert code == 1 and out == ""
    assert err == (
        f"{empty}:1:1: the file has no 'campaign' line\n"
        '      = start the file with: campaign "Name of the campaign"\n'
        f"{empty}:1:1: the file has no 'stages' line\n"
        "      = add the funnel, like: stages awareness, consideration, decision\n"
        f"{empty}: 2 errors\n"
    )


def test_binary_garbage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.nurture"
    junk.write_bytes(bytes(range(256)) * 4)
    code, out, err = run(capsys, str(junk))
    assert code == 1 and out == ""
    assert err.startswith(f"{junk}: this is not a text file\n")


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    latin = tmp_path / "latin.nurture"
    latin.write_bytes(b'campaign "caf\xe9"\n')
    code, _, err = run(capsys, str(latin))
    assert code == 1
    assert err.startswith(f"{latin}:1:14: this file is not UTF-8 text\n")


def test_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path))
    assert code == 1
    assert err == f"{tmp_path}: this is a folder, not a rule file\n{tmp_path}: 1 error\n"


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.nurture"
    code, _, err = run(capsys, str(missing))
    assert code == 1
    assert err == f"{missing}: no such file\n{missing}: 1 error\n"


def test_no_file_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check"])
    assert exit_info.value.code == 2
    assert "the following arguments are required: FILE" in capsys.readouterr().err


def test_unknown_option_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--frobnicate", str(GOOD)])
    assert exit_info.value.code == 2


def test_subprocess_run_has_no_traceback_and_the_right_codes(tmp_path: Path) -> None:
    junk = tmp_path / "junk.nurture"
    junk.write_bytes(b"\xff\xfe\x00garbage\x1b[31m")
    cmd = [sys.executable, "-m", "cli.main", "check"]
    clean = subprocess.run([*cmd, str(GOOD)], capture_output=True, text=True, cwd=ROOT)
    broken = subprocess.run(
        [*cmd, str(junk), str(tmp_path)], capture_output=True, text=True, cwd=ROOT
    )
    usage = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    assert (clean.returncode, broken.returncode, usage.returncode) == (0, 1, 2)
    assert clean.stdout.startswith(f"{GOOD}: ok")
    for result in (clean, broken, usage):
        assert "Traceback" not in result.stdout + result.stderr


def test_check_imports_neither_textual_nor_simpy() -> None:
    code = (
        "import sys\n"
        "from cli.main import main\n"
        f"rc = main(['check', {str(GOOD)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'simpy', "
        "'numpy', 'engine', 'simulator'))\n"
        "print(rc, heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.splitlines()[-1] == "0 []"
