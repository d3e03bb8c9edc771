"""The forecast screen, driven as a person would: fill the form, run, read the cards; cancel."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Label
from tuikit import B2B, B2B_SCENARIO, fill_form, make_app, pilot_test, settle

from cli.main import main as nurture
from tui.widgets.kpi_cards import KpiCard


def simulator_json(tmp_path: Path, leads: int, days: int, runs: int, seed: int) -> dict:
    out = tmp_path / "forecast.json"
    args = ["simulate", B2B, "--scenario", B2B_SCENARIO, "--leads", str(leads)]
    args += ["--days", str(days), "--runs", str(runs), "--seed", str(seed), "--json", str(out)]
    assert nurture(args + ["--workers", "1"]) == 0
    return json.loads(out.read_text())


def card_values(app: object) -> dict[str, str]:
    return {card.kpi.key: card.value_text for card in app.screen.query(KpiCard)}  # type: ignore[attr-defined]


@pilot_test
async def test_kpi_cards_show_the_simulators_figures_for_the_same_seed(
    tmp_path: Path, capsys
) -> None:
    expected = simulator_json(tmp_path, 300, 30, 3, 11)
    capsys.readouterr()
    s = expected["forecast"]["scalars"]
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        fill_form(app, leads=300, days=30, runs=3, seed=11)
        await pilot.press("r")
        await settle(app, pilot)
        cards = card_values(app)
        assert cards["mql"] == f"{s['mql']['mean']:,.0f}"
        assert cards["sql"] == f"{s['sql']['mean']:,.0f}"
        assert cards["customers"] == f"{s['customers']['mean']:,.0f}"
        assert cards["conversion_rate"] == f"{100 * s['conversion_rate']['mean']:.1f}%"
        assert cards["revenue"] == f"${s['revenue']['mean']:,.0f}"
        assert cards["roi"] == f"{s['roi']['mean']:,.1f}x"
        assert cards["unsubscribes"] == f"{s['unsubscribes']['mean']:,.0f}"
        assert cards["incremental.customers"] == f"{s['incremental.customers']['mean']:+,.1f}"
        status = str(app.screen.query_one("#status", Label).render())
        assert status == "300 leads · 30 days · 3 runs · seed 11"
        assert app.forecast["forecast"] == expected["forecast"]


@pilot_test
async def test_a_wrong_setting_is_named_and_nothing_runs() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        fill_form(app, leads=300, days=30, runs=3, seed=1)
        app.screen.query_one("#set-runs").value = "0"
        await pilot.press("r")
        await settle(app, pilot)
        assert app.forecast is None
        assert [n.message for n in app._notifications] == [
            "runs: 0 is not a whole number of runs, 1 or more"
        ]


@pilot_test
async def test_cancel_stops_a_running_forecast() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        fill_form(app, leads=2000, days=90, runs=50, seed=3)
        await pilot.press("r")
        bar = app.screen.query_one("#progress")
        while not bar.progress:  # the first progress report: the runs are under way
            await pilot.pause(0.05)
        await pilot.press("c")
        await settle(app, pilot)
        assert app.forecast is None
        status = str(app.screen.query_one("#status", Label).render())
        assert status == "Cancelled; the last forecast (if any) is still shown."
        assert bar.progress < 50
        assert not app.screen.query_one("#run").disabled
