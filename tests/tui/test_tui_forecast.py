"""The forecast screen, driven as a person would: fill the form, run, read the cards; cancel."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from pathlib import Path

from tuikit import B2B, B2B_SCENARIO, fill_form, make_app, pilot_test, settle

from cli.main import main as nurture
from tui.widgets.charts import BandChart, Bars
from tui.widgets.kpi_cards import KpiCard


def simulator_json(tmp_path: Path, leads: int, days: int, runs: int, seed: int) -> dict:
    out = tmp_path / "forecast.json"
    args = ["simulate", B2B, "--scenario", B2B_SCENARIO, "--leads", str(leads)]
    args += ["--days", str(days), "--runs", str(runs), "--seed", str(seed), "--json", str(out)]
    assert nurture(args + ["--workers", "1"]) == 0
    return json.loads(out.read_text())


def watch_sentence(report: str) -> str:
    """The "Watch: ..." sentence of the text report's headline paragraph (wrapped there)."""
    lines = report.split("\n")
    start = lines.index("Headline") + 1
    paragraph = " ".join(line.strip() for line in lines[start : lines.index("", start)])
    return paragraph[paragraph.index("Watch: ") :] if "Watch: " in paragraph else ""


async def forecast_form(app, pilot, **settings: int) -> None:  # type: ignore[no-untyped-def]
    """The app settled, on the forecast screen, its form filled with `settings`."""
    await settle(app, pilot)
    await pilot.press("2")
    await pilot.pause()
    fill_form(app, **settings)


def card_values(app: object) -> dict[str, str]:
    return {card.kpi.key: card.value_text for card in app.screen.query(KpiCard)}  # type: ignore[attr-defined]


def card_bands(app: object) -> dict[str, str]:
    return {card.kpi.key: card.band_text for card in app.screen.query(KpiCard)}  # type: ignore[attr-defined]


@pilot_test
async def test_kpi_cards_show_the_simulators_figures_for_the_same_seed(
    tmp_path: Path, capsys
) -> None:
    # 90 days: the sales-led b2b scenario closes about 21 days after SQL, so 30 days give none
    expected = simulator_json(tmp_path, 300, 90, 3, 11)
    capsys.readouterr()
    s = expected["forecast"]["scalars"]
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=300, days=90, runs=3, seed=11)
        await pilot.press("r")
        await settle(app, pilot)
        cards = card_values(app)
        assert cards["mql"] == f"{s['mql']['mean']:,.0f}"
        assert cards["sql"] == f"{s['sql']['mean']:,.0f}"
        assert cards["customers"] == f"{s['customers']['mean']:,.0f}"
        assert cards["conversion"] == f"{100 * s['conversion_rate']['mean']:.1f}%"
        assert cards["revenue"] == f"${s['revenue']['mean']:,.0f}"
        assert cards["roi"] == f"{s['roi']['mean']:,.1f}x"
        assert cards["unsubscribes"] == f"{s['unsubscribes']['mean']:,.0f}"
        assert cards["lift"] == f"{s['incremental.customers']['mean']:+,.1f}"
        mql = s["mql"]
        assert card_bands(app)["mql"] == f"{mql['lo']:,.0f}–{mql['hi']:,.0f}"
        assert app.screen.status.text == "300 leads · 90 days · 3 runs · seed 11"
        assert app.forecast.to_dict()["forecast"] == expected["forecast"]


@pilot_test
async def test_the_funnel_and_the_sales_queue_are_the_forecasts(tmp_path: Path, capsys) -> None:
    expected = simulator_json(tmp_path, 300, 14, 2, 5)["forecast"]
    watch = watch_sentence(capsys.readouterr().out)
    assert watch.startswith("Watch: ")  # 14 days: no lead reaches SQL yet
    s = expected["scalars"]
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=300, days=14, runs=2, seed=5)
        await pilot.press("r")
        await settle(app, pilot)
        funnel = app.screen.query_one("#funnel", Bars)
        # the b2b stages, then the lifecycle; each count with its share of the leads
        assert [(b.group, b.label, b.text, b.note) for b in funnel.bars] == [
            (
                "Stages",
                name,
                f"{s[f'stage.{name}']['mean']:,.0f}",
                f"{100 * s[f'stage_rate.{name}']['mean']:.1f}%",
            )
            for name in ("awareness", "consideration", "decision")
        ] + [
            ("Lifecycle", label, f"{s[key]['mean']:,.0f}", f"{100 * s[rate]['mean']:.1f}%")
            for label, key, rate in (
                ("MQL", "mql", "mql_rate"),
                ("SQL", "sql", "sql_rate"),
                ("customers", "customers", "conversion_rate"),
            )
        ]
        backlog = app.screen.query_one("#backlog", BandChart)
        weekly = expected["weekly"]["sales_backlog"]
        assert backlog.series[1:] == (
            tuple(weekly["mean"]),
            tuple(weekly["lo"]),
            tuple(weekly["hi"]),
        )
        customers = app.screen.query_one("#over-time", BandChart)
        assert customers.series[1] == tuple(expected["weekly"]["customers"]["mean"])
        assert str(app.screen.query_one("#watch").render()) == watch


@pilot_test
async def test_a_wrong_setting_is_named_and_nothing_runs() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=300, days=30, runs=3, seed=1)
        app.screen.query_one("#set-runs").value = "0"
        await pilot.press("r")
        await settle(app, pilot)
        assert app.forecast is None
        assert [n.message for n in app._notifications] == [
            "runs: 0 is not a whole number of runs, 1 or more"
        ]


@pilot_test
async def test_cancel_stops_a_running_forecast_and_its_processes() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=2000, days=90, runs=50, seed=3)
        await pilot.press("r")
        bar = app.screen.query_one("#run-status ProgressBar")
        while not bar.progress:  # the first progress report: the runs are under way
            await pilot.pause(0.05)
        assert multiprocessing.active_children()  # the simulator's pool: one per core
        await pilot.press("c")
        await settle(app, pilot)
        assert app.forecast is None
        assert app.screen.status.text == "Cancelled; nothing changed."
        assert bar.progress < 50
        assert not app.screen.query_one("#run").disabled
        assert multiprocessing.active_children() == []
        assert app.jobs == []


@pilot_test
async def test_quitting_stops_a_running_forecast() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=2000, days=90, runs=50, seed=3)
        await pilot.press("r")
        job = app.jobs[0]
        await pilot.press("q")
    assert job.stop.is_set()
    for _ in range(200):  # the worker's thread outlives the app by the pool's shutdown
        if not multiprocessing.active_children():
            break
        await asyncio.sleep(0.05)
    assert multiprocessing.active_children() == []


@pilot_test
async def test_r_while_a_forecast_runs_starts_no_second_one() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=2000, days=90, runs=50, seed=3)
        await pilot.press("r", "r")
        assert len(app.jobs) == 1
        assert [n.message for n in app._notifications] == ["A forecast is running: c cancels it."]
        await pilot.press("c")
        await settle(app, pilot)


@pilot_test
async def test_a_mistake_found_by_the_simulator_is_said_not_raised(monkeypatch) -> None:
    import simulator.model

    monkeypatch.setattr(simulator.model, "MAX_LEADS", 5)  # 16,777,216 in earnest
    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=10, days=10, runs=1, seed=0)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.forecast is None
        said = "10 leads: at most 5 fit in one replication (give --leads 5 or fewer)"
        assert app.screen.status.text == said
        assert [n.message for n in app._notifications] == [said]
        assert multiprocessing.active_children() == []


@pilot_test
async def test_a_scenario_with_a_mistake_is_named_and_r_runs_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.scenario.toml"
    bad.write_text('[population]\nleads = "many"\n')
    app = make_app(B2B, scenario=str(bad))
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        said = (
            f"Scenario: {bad}:2: population.leads: 'many' is not a whole number: write leads = 1000"
        )
        assert app.screen.status.text == said + "  (fix it, then ctrl+r)"
        await pilot.press("r")
        await settle(app, pilot)
        assert app.jobs == [] and app.forecast is None
        assert [n.message for n in app._notifications] == [said]


@pilot_test
async def test_a_fitted_scenarios_forecast_shows_where_each_intervals_width_comes_from() -> None:
    from dataclasses import replace

    from textual.widgets import DataTable

    from simulator.figures import Stat
    from simulator.uncertainty import WidthSplit

    app = make_app(B2B)
    async with app.run_test(size=(100, 32)) as pilot:
        await forecast_form(app, pilot, leads=100, days=14, runs=2, seed=1)
        await pilot.press("r")
        await settle(app, pilot)
        part = app.screen.query_one("#width-part")
        assert app.forecast is not None and not app.forecast.uncertainty
        assert part.display is False  # the scenario's knobs are assumptions: nothing drawn
        splits = (
            WidthSplit("customers", Stat(9.5, 5.0, 18.0, 6), Stat(7.0, 5.0, 10.0, 6), 0.85),
            WidthSplit("visit_rate", Stat(0.7, 0.724, 0.771, 6), Stat(0.7, 0.725, 0.77, 6), 0.03),
        )
        app.forecast = replace(app.forecast, uncertainty=splits)
        await pilot.pause()
        assert part.display is True
        table = app.screen.query_one("#width", DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "figure",
            "90% interval",
            "parameters fixed",
            "parameters' share of the variance",
        ]
        assert [table.get_row_at(k) for k in range(table.row_count)] == [
            ["customers", "5 – 18", "5 – 10", "85%"],
            ["visited", "72.4% – 77.1%", "72.5% – 77.0%", "3%"],
        ]
        assert str(app.screen.query_one("#width-words").render()).startswith(
            "Each run drew the fitted parameters from their uncertainty"
        )
