"""`nurture tui --set`: the rule files checked with the values set, forecasts and all; a value
that no longer fits the edited file is a diagnostic, not a crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from runkit import nurture
from tuikit import B2B, B2B_SCENARIO, pilot_test, settle

from tui import Launch, NurtureApp


def _params(app: NurtureApp) -> dict[str, tuple[float, bool]]:
    program = app.rule_files[0].program
    assert program is not None
    return {p.name: (float(p.value), p.set) for p in program.params if p.type == "number"}


@pilot_test
async def test_the_values_set_are_in_force(tmp_path: Path) -> None:
    app = NurtureApp(Launch((B2B,), B2B_SCENARIO, None, ({"mql_at": "60"},), watch_seconds=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        params = _params(app)
        assert params["mql_at"] == (60.0, True)
        assert params["sql_at"] == (80.0, False)


@pilot_test
async def test_a_value_the_edited_file_refuses_is_a_diagnostic(tmp_path: Path) -> None:
    rules = tmp_path / "b2b.nurture"
    shutil.copy(B2B, rules)
    app = NurtureApp(Launch((str(rules),), None, None, ({"mql_at": "60"},), watch_seconds=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        rules.write_text(rules.read_text().replace("in 30..80", "in 30..50"))
        app.action_reload(quiet=True)
        await settle(app, pilot)
        (found,) = app.rule_files[0].diagnostics
        assert (found.code, found.message, found.span.line) == (
            "param-range",
            f"--set mql_at=60: 'mql_at' (line 9 of {rules}) may be from 30 to 50",
            1,
        )


def test_a_set_value_that_does_not_fit_stops_before_the_app(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = nurture(capsys, "tui", B2B, "--set", "mql_att=50")
    assert (code, out, err.splitlines()) == (
        1,
        "",
        [
            f"nurture tui: --set mql_att=50: {B2B} has no param 'mql_att'",
            "  hint: did you mean 'mql_at'?",
        ],
    )
