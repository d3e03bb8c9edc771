"""Helpers for the TUI tests: the app on a shipped playbook, small forecast settings, a wait for
the app's workers."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from tui import Launch, NurtureApp

ROOT = Path(__file__).resolve().parents[2]
B2B = str(ROOT / "rules" / "b2b_saas_trial.nurture")
B2B_SCENARIO = str(ROOT / "rules" / "b2b_saas_trial.scenario.toml")
HIGHER_ED = str(ROOT / "rules" / "higher_ed_enrollment.nurture")


def make_app(*files: str, scenario: str | None = B2B_SCENARIO) -> NurtureApp:
    return NurtureApp(Launch(tuple(files) or (B2B,), scenario, watch_seconds=0))


def fill_form(app: NurtureApp, leads: int, days: float, runs: int, seed: int) -> None:
    screen = app.screen
    for name, value in (("leads", leads), ("days", days), ("runs", runs), ("seed", seed)):
        screen.query_one(f"#set-{name}", Input).value = f"{value:g}"


async def settle(app: NurtureApp, pilot: object) -> None:
    """Every worker done and every message that followed handled."""
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


def pilot_test(fn):  # type: ignore[no-untyped-def]
    """Run an `async def` test in its own event loop (no async plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def run(*args, **kwargs):  # type: ignore[no-untyped-def]
        return asyncio.run(fn(*args, **kwargs))

    return run
