"""`nurture fmt FILE... [--check]`: rewrites in place, or lists what would change (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main

MESSY = (
    'campaign   "x"\nstages a,b\ncontent hello email   stage a\n'
    "sequence s:\n    enter on created\n    send hello\n"
)
# docs/LANGUAGE.md, Formatting: two-space indentation, single spaces, a blank line between blocks
# of different kinds, and one between a sequence's header lines and its first step
CANONICAL = (
    'campaign "x"\n\nstages a, b\n\ncontent hello email stage a\n\n'
    "sequence s:\n  enter on created\n\n  send hello\n"
)


def test_fmt_rewrites_and_check_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "m.nurture"
    path.write_text(MESSY, encoding="utf-8")
    assert main(["fmt", "--check", str(path)]) == 1
    assert capsys.readouterr().out == f"would reformat {path}\n"
    assert path.read_text(encoding="utf-8") == MESSY
    assert main(["fmt", str(path)]) == 0
    assert capsys.readouterr().out == f"reformatted {path}\n"
    assert path.read_text(encoding="utf-8") == CANONICAL
    assert main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_fmt_on_a_broken_file_exits_1_without_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "b.nurture"
    path.write_text('campaign "x"\nstages a\nwait 3d\n', encoding="utf-8")
    assert main(["fmt", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3:1: " in err
    assert err.endswith(f"{path}: not formatted: fix the errors first\n")
    assert path.read_text(encoding="utf-8") == 'campaign "x"\nstages a\nwait 3d\n'


def test_fmt_on_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "no/such.nurture"]) == 1
    assert (
        capsys.readouterr().err
        == "no/such.nurture: no such file\nno/such.nurture: not formatted: fix the errors first\n"
    )
