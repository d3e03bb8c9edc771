"""Every mistake in tests/dsl/invalid/: `nurture check` prints exactly its .expected text.

One `.nurture` file per mistake (or per set of mistakes, for recovery), the output beside it:
file:line:col, message, the line, the caret run and the hint, then the error count; exit code 1.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main

INVALID = Path(__file__).with_name("invalid")
CASES = sorted(INVALID.glob("*.nurture"))


def test_there_are_at_least_forty_distinct_mistakes() -> None:
    assert len(CASES) >= 40
    assert all(case.with_suffix(".expected").exists() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_check_prints_exactly_the_expected_diagnostics(
    case: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(INVALID)
    code = main(["check", case.name])
    out, err = capsys.readouterr()
    assert err == case.with_suffix(".expected").read_text(encoding="utf-8")
    assert out == ""
    assert code == 1
