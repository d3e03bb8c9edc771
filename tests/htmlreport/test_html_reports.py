"""The HTML reports: self-contained (no script, nothing fetched), deterministic (same inputs, the
same bytes), safe (rule-file text escaped, chart ids unique), and rendered by a real browser:
each kind opened in Debian's headless Chromium, no error, every chart drawn."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser import chromium_missing, open_page

from cli.main import main
from dsl import Rules, load_program
from htmlreport import (
    comparison_charts,
    comparison_page,
    forecast_charts,
    forecast_page,
    sweep_charts,
    sweep_page,
)
from simulator import Overrides, compare, forecast, prepare
from simulator.objective import parse_objective
from simulator.sweep import plan_axes, sweep

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"
SMALL = Overrides(leads=200, days=45, runs=3)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("html")
    variant = folder / "variant.nurture"
    variant.write_text(
        Path(RULES).read_text().replace("trial_holdout    = 10%", "trial_holdout    = 30%")
    )
    program, other = load_program(RULES), load_program(str(variant))
    scenario = prepare(program, SCENARIO, SMALL)
    f = forecast(program, scenario, SCENARIO, workers=1)
    c = compare([program, other], [scenario, prepare(other, SCENARIO, SMALL)], SCENARIO, 1)
    objective = parse_objective("sql - 0.1*unsubscribes")
    one = sweep(
        program, scenario, SCENARIO, plan_axes(program, scenario, ["sales.reps=1,3"]), objective
    )
    # a param of the file and an assumption: a heat map over both
    two_axes = plan_axes(
        program, scenario, ["welcome_wait=1d,3d", "behaviour.click.email=0.03,0.09"]
    )
    rules = Rules(Path(RULES).read_text(), RULES)
    two = sweep(program, scenario, SCENARIO, two_axes, objective, rules=rules)
    return {
        "scenario": scenario,
        "forecast": f,
        "comparison": c,
        "one": one,
        "two": two,
        "dir": folder,
    }


@pytest.fixture(scope="module")
def pages(made: dict) -> dict[str, str]:
    return _pages(made)


def _pages(made: dict) -> dict[str, str]:
    s = made["scenario"]
    return {
        "forecast": forecast_page(made["forecast"], s),
        "comparison": comparison_page(made["comparison"], s),
        "sweep": sweep_page(made["one"], s),
        "sweep2": sweep_page(made["two"], s),
    }


def test_the_chart_counts_follow_from_what_was_forecast(made: dict) -> None:
    # funnel, weekly, touches and cost by channel, trial_onboarding's steps; win_back enters
    # leads dormant for 60 days, which a 45-day horizon never has: no chart of its steps
    assert forecast_charts(made["forecast"]) == 5
    assert made["forecast"].sequences["win_back"].entered.n == 0
    # the differences of the one pair, the funnels, the weekly customers, touches by channel
    assert comparison_charts(made["comparison"]) == 4
    # one axis: objective, customers, SQL, unsubscribes, cost, ROI; two axes: two heat maps
    assert sweep_charts(made["one"]) == 6
    assert sweep_charts(made["two"]) == 2


def test_the_sweep_page_names_the_params_varied_and_those_in_force(pages: dict) -> None:
    page = pages["sweep2"]
    assert (
        '<p class="sub params">Params: consideration_at = 20, decision_at = 60, mql_at = 50, '
        "sql_at = 80, trial_holdout = 10%, weekly_limit = 4</p>"
    ) in page
    assert "<li>welcome_wait (a param of the file): 1d, 3d (now 2d)</li>" in page
    assert "<li>behaviour.click.email: 0.03, 0.09 (now 0.068)</li>" in page


def test_a_page_holds_no_script_and_points_nowhere_else(pages: dict) -> None:
    for name, page in pages.items():
        assert "<script" not in page.lower(), name
        assert not re.search(r"\bsrc\s*=", page), name
        links = set(re.findall(r'href="([^"]*)"', page))
        assert all(link.startswith("#") for link in links), (name, links)
        outside = set(re.findall(r"https?://[^\s\"')<]+", page))
        assert outside <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, name


def test_the_same_inputs_give_the_same_bytes(made: dict, pages: dict) -> None:
    first = pages
    program = load_program(RULES)
    again = forecast(program, made["scenario"], SCENARIO, workers=2)  # another run, another W
    assert forecast_page(again, made["scenario"]) == first["forecast"]
    assert _pages(made) == first


def test_every_id_in_a_page_is_unique(pages: dict) -> None:
    for name, page in pages.items():
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), name
        for ref in re.findall(r"url\(#([^)]+)\)", page):
            assert ref in ids, (name, ref)


def test_text_from_a_rule_file_is_escaped(tmp_path: Path) -> None:
    rules = tmp_path / "x.nurture"
    source = Path(RULES).read_text()
    rules.write_text(source.replace('campaign "B2B SaaS trial nurture"', 'campaign "<b>A & B</b>"'))
    program = load_program(str(rules))
    scenario = prepare(program, None, Overrides(leads=50, days=14, runs=1))
    page = forecast_page(forecast(program, scenario, None, workers=1), scenario)
    assert "<b>A" not in page
    assert "<title>Forecast: &lt;b&gt;A &amp; B&lt;/b&gt;</title>" in page


def test_simulate_compare_and_sweep_write_their_report(tmp_path: Path, capsys) -> None:
    small = ["--scenario", SCENARIO, "--leads", "100", "--days", "30", "--runs", "2"]
    a, b, c = tmp_path / "f.html", tmp_path / "c.html", tmp_path / "s.html"
    assert main(["simulate", RULES, *small, "--workers", "1", "--html", str(a)]) == 0
    assert main(["compare", RULES, RULES, *small, "--workers", "1", "--html", str(b)]) == 0
    assert main(["sweep", RULES, *small, "--vary", "sales.reps=1,3", "--html", str(c)]) == 0
    assert a.read_text().startswith("<!DOCTYPE html>\n")
    assert (
        "<title>Comparison: B2B SaaS trial nurture vs B2B SaaS trial nurture</title>"
        in b.read_text()
    )
    assert "<h2>Curves</h2>" in c.read_text()


def test_a_report_path_in_no_folder_is_refused_before_the_runs(tmp_path: Path, capsys) -> None:
    out = tmp_path / "missing" / "f.html"
    code = main(["simulate", RULES, "--leads", "10", "--runs", "1", "--html", str(out)])
    assert code == 1
    assert capsys.readouterr() == (
        "",
        f"nurture simulate: {out}: cannot write the report: the folder {out.parent} does not "
        "exist\n  hint: create the folder first, or give --html a path in one that exists\n",
    )


@pytest.mark.parametrize("kind", ["forecast", "comparison", "sweep", "sweep2"])
def test_each_kind_of_report_renders_in_headless_chromium(
    made: dict, pages: dict, kind: str
) -> None:
    missing = chromium_missing()
    assert missing is None, missing
    expected = {
        "forecast": forecast_charts(made["forecast"]),
        "comparison": comparison_charts(made["comparison"]),
        "sweep": sweep_charts(made["one"]),
        "sweep2": sweep_charts(made["two"]),
    }[kind]
    path = made["dir"] / f"{kind}.html"
    path.write_text(pages[kind], encoding="utf-8")
    seen = open_page(path, screenshot=made["dir"] / f"{kind}.png")
    assert seen.errors == []
    assert seen.requests == []
    assert seen.scripts == 0
    assert (seen.charts, seen.rendered) == (expected, expected)
    assert (made["dir"] / f"{kind}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_report_is_written_whole_with_the_permissions_of_any_new_file(tmp_path: Path) -> None:
    from htmlreport import write_page

    out = tmp_path / "r.html"
    out.write_text("an older report")
    old = os.umask(0o022)
    try:
        write_page(str(out), "<!DOCTYPE html>\n")
    finally:
        os.umask(old)
    assert out.read_text() == "<!DOCTYPE html>\n"
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]  # no temporary file left


def test_a_fitted_scenarios_forecast_says_where_each_intervals_width_comes_from(
    made: dict,
) -> None:
    from dataclasses import replace

    from simulator.figures import Stat
    from simulator.fit_section import Fit
    from simulator.uncertainty import WidthSplit

    plain = forecast_page(made["forecast"], made["scenario"])
    assert 'id="s-uncertainty"' not in plain  # a scenario of assumptions: nothing to split
    splits = (WidthSplit("customers", Stat(9.5, 5.0, 18.0, 6), Stat(7.0, 5.0, 10.0, 6), 0.85),)
    fitted = replace(made["forecast"], uncertainty=splits)
    fit = Fit(history="h.csv + e.jsonl: 300 leads", warnings=["the calls fit stopped <early>"])
    scenario = made["scenario"].model_copy(update={"fit": fit})
    page = forecast_page(fitted, scenario)
    start = page.index('<section id="s-uncertainty">')
    section = page[start : page.index("</section>", start)]
    assert section.startswith(
        '<section id="s-uncertainty"><h2>Where each interval&#x27;s width comes from</h2>'
        "<p>The scenario was fitted to a history by nurture calibrate (fitted on h.csv + "
        "e.jsonl: 300 leads). Each run drew the fitted parameters"
    )
    assert "<li>Warning: the calls fit stopped &lt;early&gt;</li>" in section  # escaped
    assert (
        '<tr><td class="text">customers</td><td>5 – 18</td><td>5 – 10</td><td>85%</td></tr>'
    ) in section
    assert page.index('id="s-uncertainty"') < page.index('id="s-assumptions"')
