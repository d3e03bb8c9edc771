"""Rule text built to break the tools: every command answers with errors, never a traceback.

The file of the project's before-stop hook (a 600-term `or` chain and a 5,000-digit wait) through
`check`, `lint` and `fmt`: exit 1, the one real mistake at its line and column, nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main

BROKEN = (
    'campaign "x"\nstages a, b\ncontent hi email stage a\n'
    "segment d: " + "sql or " * 600 + "sql\n"
    "sequence s:\n  send hi\n  wait " + "9" * 5000 + "d\n"
)


@pytest.mark.parametrize("command", ["check", "lint", "fmt"])
def test_the_hook_file_gets_its_errors_from_every_command(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.nurture"
    path.write_text(BROKEN, encoding="utf-8")
    code = main([command, str(path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err and "internal error" not in out + err
    duration = (
        f"{path}:7:8: this duration is longer than 100 years, the longest a duration may be\n"
    )
    enrols = (
        f"{path}:5:10: sequence 's' never enrols anyone\n"
        "    5 | sequence s:\n"
        "      |          ^\n"
        "      = add 'enter on EVENT' or 'enter when CONDITION'\n"
    )
    # fmt reads the text as written: the checker's own findings are check's and lint's
    assert err.startswith(duration if command == "fmt" else enrols + duration)
    assert path.read_text(encoding="utf-8") == BROKEN  # fmt wrote nothing
