"""Snapshots of the main screens (pytest-textual-snapshot) at a fixed seed and size, cursor
blink off, workers awaited. Update with `pytest tests/tui --snapshot-update` after a change of
look, and read the diff of the SVGs in `__snapshots__/` before committing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from tuikit import ROOT, fill_form

from tui import Launch, NurtureApp

B2B = "rules/b2b_saas_trial.nurture"  # relative: the snapshot shows the path
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def app(*files: str) -> NurtureApp:
    return NurtureApp(Launch(files or (B2B,), SCENARIO, watch_seconds=0))


async def _quiet(pilot) -> None:  # type: ignore[no-untyped-def]
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _until(pilot, done, what: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until `done()` (a job's result on the app and its screen no longer running): its
    worker's end and the message that hands over the result are two steps, and under load a
    single pause can fall between them."""
    for _ in range(1200):  # 60 s
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"the {what} did not finish within 60 s")


def _settled(pilot, name: str):  # type: ignore[no-untyped-def]
    return lambda: getattr(pilot.app, name) is not None and not pilot.app.screen.status.running


async def _forecast(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("2")
    await pilot.pause()
    fill_form(pilot.app, leads=300, days=30, runs=3, seed=5)
    await pilot.press("r")
    await _until(pilot, _settled(pilot, "forecast"), "forecast")
    await _quiet(pilot)


def test_rules_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _quiet(pilot)
        await pilot.press(*["down"] * 6)
        await _quiet(pilot)

    assert snap_compare(app(), terminal_size=(80, 24), run_before=before)


def test_broken_file_80x24(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = Path("tests/tui/broken.nurture")
    assert snap_compare(app(str(broken)), terminal_size=(80, 24), run_before=_quiet)


def test_forecast_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app(), terminal_size=(80, 24), run_before=_forecast)


def test_forecast_charts_120x40(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _forecast(pilot)
        pilot.app.screen.query_one("#funnel").scroll_visible(animate=False, top=True)
        await _quiet(pilot)

    assert snap_compare(app(), terminal_size=(120, 40), run_before=before)


def test_sequences_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _forecast(pilot)
        await pilot.press("3")
        await _quiet(pilot)

    assert snap_compare(app(), terminal_size=(100, 30), run_before=before)


def test_leads_light_100x30(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _forecast(pilot)
        await pilot.press("4", "t")
        await _quiet(pilot)

    assert snap_compare(app(), terminal_size=(100, 30), run_before=before)


def test_timeline_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _forecast(pilot)
        await pilot.press("4")
        await _quiet(pilot)
        await pilot.press("down", "down", "enter")
        await _quiet(pilot)

    assert snap_compare(app(), terminal_size=(80, 24), run_before=before)


def test_compare_light_100x30(snap_compare, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    variant = Path("tests/tui/variant.nurture")  # the b2b playbook, half its trial leads held out

    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _forecast(pilot)
        await pilot.press("5", "t", "r")
        await _until(pilot, _settled(pilot, "comparison"), "comparison")
        await _quiet(pilot)

    assert snap_compare(app(B2B, str(variant)), terminal_size=(100, 30), run_before=before)


def test_help_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _quiet(pilot)
        await pilot.press("question_mark")
        await _quiet(pilot)

    assert snap_compare(app(), terminal_size=(80, 24), run_before=before)


@pytest.fixture
def sample_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """rules/sample (300 leads, 1,469 events) run live as its README says, in a folder of its
    own with the rule file beside it: the paths on screen are the same on every machine."""
    import io
    import shutil

    import dsl
    import live
    from engine import parse_time

    shutil.copy(ROOT / B2B, tmp_path / "b2b_saas_trial.nurture")
    monkeypatch.chdir(tmp_path)
    options = live.RunOptions(
        rule_files=["b2b_saas_trial.nurture"],
        programs=[dsl.load_program("b2b_saas_trial.nurture")],
        leads_path=str(ROOT / "rules/sample/leads.csv"),
        events_path=str(ROOT / "rules/sample/events.jsonl"),
        db_path="live.db",
        until=parse_time("2026-04-05T00:00:00Z"),
        actions_path="actions.jsonl",
        seed=64775837,
    )
    live.run(options, io.StringIO())


def db_app() -> NurtureApp:
    return NurtureApp(Launch(("b2b_saas_trial.nurture",), None, "live.db", watch_seconds=0))


def test_db_leads_100x30(snap_compare, sample_db: None) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _quiet(pilot)
        await pilot.press("4")
        await _quiet(pilot)
        pilot.app.screen.query_one("#filter", Input).value = "stage:decision"
        await pilot.pause(0.3)
        await _quiet(pilot)
        await pilot.press("s", "s", "s", "s", "d")  # by score, highest first
        await _quiet(pilot)

    assert snap_compare(db_app(), terminal_size=(100, 30), run_before=before)


def test_db_timeline_100x30(snap_compare, sample_db: None) -> None:  # type: ignore[no-untyped-def]
    async def before(pilot) -> None:  # type: ignore[no-untyped-def]
        await _quiet(pilot)
        await pilot.press("4")
        await _quiet(pilot)
        await pilot.press("down", "down", "enter")
        await _quiet(pilot)

    assert snap_compare(db_app(), terminal_size=(100, 30), run_before=before)
