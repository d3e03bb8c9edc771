"""Sequences, leads, a lead's timeline and compare, after a small forecast, driven by keys."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Label
from tuikit import B2B, B2B_SCENARIO, ROOT, fill_form, make_app, pilot_test, settle

from cli.main import main as nurture
from tui.outline import outline
from tui.rulefile import load_rule_file
from tui.widgets.charts import Bars
from tui.widgets.detail import DetailPanel
from tui.widgets.leads_table import LeadsTable


def rows(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def forecast(app, pilot, leads=300, days=30, runs=3, seed=5) -> None:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("2")
    await pilot.pause()
    fill_form(app, leads=leads, days=days, runs=runs, seed=seed)
    await pilot.press("r")
    await settle(app, pilot)


def test_tree_step_numbers_are_the_forecasts() -> None:
    """Step 11 of the tree sends what the forecast's step 11 sent (webinar_invite, in a split)."""
    f = load_rule_file(B2B)
    seq = next(g for g in outline(f.program, f.source) if g.label == "Sequences").children[0]
    flat = []

    def walk(items):  # type: ignore[no-untyped-def]
        for item in items:
            if item.kind == "step":
                flat.append(item.label)
            walk(item.children)

    walk(seq.children)
    assert flat[10] == "11. 50% -> send webinar_invite"
    assert flat[12] == "13. send quick_tips"
    assert len(flat) == 15


@pilot_test
async def test_sequences_screen_shows_the_step_funnel_and_arms(tmp_path: Path, capsys) -> None:
    out = tmp_path / "f.json"
    args = ["simulate", B2B, "--scenario", B2B_SCENARIO, "--leads", "300", "--days", "30"]
    assert nurture([*args, "--runs", "3", "--seed", "5", "--json", str(out)]) == 0
    capsys.readouterr()
    s = json.loads(out.read_text())["forecast"]["scalars"]
    app = make_app(B2B)
    async with app.run_test(size=(120, 40)) as pilot:
        await forecast(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        steps = rows(app.screen.query_one("#steps", DataTable))
        first = steps[0]
        assert first[:2] == ["1", "welcome"]
        assert first[2] == f"{s['funnel.trial_onboarding.1.reached']['mean']:,.0f}"
        assert first[3] == f"{s['funnel.trial_onboarding.1.sent']['mean']:,.0f}"
        assert first[6] == f"{s['funnel.trial_onboarding.1.suppressed_holdout']['mean']:,.0f}"
        arms = rows(app.screen.query_one("#arms", DataTable))
        assert [a[:3] for a in arms] == [["10", "1", "webinar_invite"], ["10", "2", "consultation"]]
        rate = s["arm.trial_onboarding.10.1.rate"]["mean"]
        assert arms[0][4] == f"{100 * rate:.1f}%"
        chart = app.screen.query_one("#step-chart", Bars)
        assert (chart.bars[0].label, chart.bars[0].text) == ("1. welcome", first[3])
        exits = {r[0]: r[1] for r in rows(app.screen.query_one("#exits", DataTable))}
        entered = s["seq.trial_onboarding.entered"]["mean"]
        assert exits["entered"] == f"{entered:,.0f}"


@pilot_test
async def test_leads_filter_and_a_leads_timeline() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(120, 40)) as pilot:
        await forecast(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one(LeadsTable)
        t = app.forecast.lead_table
        assert len(table.order) == len(t) == 300  # every lead arrives within the 30 days
        await pilot.press("slash", *"stage:decision lifecycle:mql")
        await pilot.pause(0.3)  # the filter runs once typing pauses (0.15 s)
        await settle(app, pilot)
        decision = t.stages.index("decision")
        expected = [i for i in range(len(t)) if t.stage[i] == decision and t.mql[i]]
        assert list(table.order) == expected
        status = str(app.screen.query_one("#leads-status", Label).render())
        assert status == f"{len(expected)} of 300 leads of run 0 · enter: timeline"
        await pilot.press("ctrl+a", "ctrl+k", *"L12")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert [t.ids[i] for i in table.order][:1] == ["L12"]
        await pilot.press("escape", "enter")
        await settle(app, pilot)
        title = str(app.screen.query_one("#timeline-title", Label).render())
        assert title.startswith("Lead L12 — ")
        entries = rows(app.screen.query_one("#timeline", DataTable))
        assert entries[0][1:3] == ["created", "lead created"]
        assert any(e[3].startswith("rules/b2b_saas_trial.nurture:") for e in entries)
        row = t.row(t.ids.index("L12"))
        standing = str(app.screen.query_one("#standing").render())
        assert standing.startswith(f"persona {row['persona']} · stage {row['stage']} · ")


@pilot_test
async def test_sorting_by_score_descending() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(120, 40)) as pilot:
        await forecast(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        table = app.screen.query_one(LeadsTable)
        await pilot.click(LeadsTable, offset=(7 + 1 + 11 + 1 + 13 + 1 + 13 + 1 + 2, 0))
        await settle(app, pilot)
        assert table.sort_by == "score"
        await pilot.press("d")
        await settle(app, pilot)
        scores = [float(app.forecast.lead_table.score[i]) for i in table.order]
        assert scores == sorted(scores, reverse=True)
        assert table._heading("score") == "score ▼"


@pilot_test
async def test_an_unknown_filter_key_is_named() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(120, 40)) as pilot:
        await forecast(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        await pilot.press("slash", *"colour:red")
        await pilot.pause(0.3)  # the filter runs once typing pauses (0.15 s)
        await settle(app, pilot)
        status = str(app.screen.query_one("#leads-status", Label).render())
        assert status == (
            "unknown filter 'colour:'; use segment:, stage:, lifecycle:, persona: "
            "or a word of the id"
        )


@pilot_test
async def test_compare_marks_the_differences_clear_of_zero(tmp_path: Path, capsys) -> None:
    other = str(ROOT / "rules" / "b2b_saas_trial.nurture")
    variant = tmp_path / "variant.nurture"
    variant.write_text(Path(other).read_text().replace("holdout trial_holdout", "holdout 50%"))
    out = tmp_path / "cmp.json"
    args = ["compare", B2B, str(variant), "--scenario", B2B_SCENARIO, "--leads", "300"]
    args += ["--days", "30", "--runs", "3", "--seed", "5", "--workers", "1", "--json", str(out)]
    assert nurture(args) == 0
    capsys.readouterr()
    diffs = json.loads(out.read_text())["comparisons"][0]["differences"]
    app = make_app(B2B, str(variant))
    async with app.run_test(size=(120, 40)) as pilot:
        await forecast(app, pilot)
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("r")
        await settle(app, pilot)
        table = {r[0]: r for r in rows(app.screen.query_one("#differences", DataTable))}
        touches = table["touches"]
        assert touches[3] == f"{diffs['touches']['mean']:+,.0f}"
        assert touches[4] == ("*" if diffs["touches"]["clear"] else "")
        assert touches[4] == "*"  # half the trial leads held out: clearly fewer touches


@pilot_test
async def test_after_a_forecast_the_tree_shows_a_segments_and_a_stages_figures() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(120, 40)) as pilot:
        await forecast(app, pilot)
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press(*["down"] * 6)  # Stages, its 3 stages, Segments, enterprise
        await settle(app, pilot)
        t = app.forecast.lead_table
        n = int(t.in_segment[:, t.segments.index("enterprise")].sum())
        detail = str(app.screen.query_one(DetailPanel).render())
        assert detail.endswith(f"in it at the end, run 0  {n:,} of 300 leads")
        await pilot.press("up", "up")  # decision
        await settle(app, pilot)
        decision = app.forecast.stages[2]
        assert decision.name == "decision"
        detail = str(app.screen.query_one(DetailPanel).render())
        assert detail.endswith(
            f"reached it  {decision.count.mean:,.0f}  "
            f"[{decision.count.low:,.0f} – {decision.count.high:,.0f}]\n"
            f"of leads    {100 * decision.share.mean:.1f}%  "
            f"[{100 * decision.share.low:.1f}% – {100 * decision.share.high:.1f}%]"
        )
