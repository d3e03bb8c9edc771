"""A forecast says which param values it ran with: `Forecast.params` (typed), the JSON's
"params", the text report's header, the comparison's file lines and the HTML reports' header."""

from __future__ import annotations

from dsl import Rules
from dsl.params import InForce
from htmlreport import comparison_page, forecast_page
from simulator import Overrides, compare, forecast, prepare, render_comparison, render_forecast

RULES = """\
campaign "p"
stages cold, warm
param warm_at = 10  in 5..20
param gap     = 1d
param hold    = 10%
lead:
  size: number
content hello email stage cold
content again email stage cold
score s:
  +5 on clicked
stage warm when s >= warm_at
sequence welcome:
  enter on signed_up
  holdout hold
  send hello
  wait gap
  send again
"""
SMALL = Overrides(leads=40, days=3, runs=1)


def run(settings: dict[str, str] | None = None):  # noqa: ANN201
    program = Rules(RULES, "p.nurture").program(settings)
    return forecast(program, prepare(program, None, SMALL), None, workers=1)


def test_the_forecast_holds_every_param_with_its_value_in_force() -> None:
    f = run({"warm_at": "15", "gap": "24h"})
    assert f.params == (
        InForce("warm_at", "number", "15", "10", set=True, changed=True),
        InForce("gap", "duration", "24h", "1d", set=True, changed=False),  # 24h is 1d
        InForce("hold", "percent", "10%", "10%"),
    )


def test_the_json_holds_them_after_the_seed() -> None:
    data = run({"warm_at": "15"}).to_dict()
    assert list(data)[:8] == ["file", "campaign", "scenario", "leads", "days", "runs", "seed"] + [
        "params"
    ]
    assert data["params"] == {
        "warm_at": {"value": "15", "file": "10", "set": True},
        "gap": {"value": "1d", "file": "1d", "set": False},
        "hold": {"value": "10%", "file": "10%", "set": False},
    }


def test_a_file_without_params_has_none_in_its_json_nor_its_report() -> None:
    plain = (
        RULES.replace("param warm_at = 10  in 5..20\nparam gap     = 1d\nparam hold    = 10%\n", "")
        .replace("s >= warm_at", "s >= 10")
        .replace("holdout hold", "holdout 10%")
        .replace("wait gap", "wait 1d")
    )
    program = Rules(plain, "plain.nurture").program()
    f = forecast(program, prepare(program, None, SMALL), None, workers=1)
    assert f.params == ()
    assert "params" not in f.to_dict()
    assert render_forecast(f).splitlines()[2].startswith("One run: each figure")


def test_the_text_report_says_them_under_the_scenario_line() -> None:
    lines = render_forecast(run({"warm_at": "15"})).splitlines()
    assert (
        lines[1]
        == "default scenario (derived from the lead: block) · 40 leads over 3 days · 1 run · seed 0"
    )
    assert lines[2] == "Params: warm_at = 15 (set; the file says 10), gap = 1d, hold = 10%"
    assert lines[3].startswith("One run: each figure")


def test_a_comparison_says_each_files_params() -> None:
    one = Rules(RULES, "p.nurture").program()
    two = Rules(RULES.replace("= 1d", "= 2d"), "q.nurture").program({"hold": "20%"})
    scenarios = [prepare(p, None, SMALL) for p in (one, two)]
    lines = render_comparison(compare([one, two], scenarios, None, 1)).splitlines()
    assert lines[3:7] == [
        "  A = p.nurture  (p)",
        "      Params: warm_at = 10, gap = 1d, hold = 10%",
        "  B = q.nurture  (p)",
        "      Params: warm_at = 10, gap = 2d, hold = 20% (set; the file says 10%)",
    ]


def test_the_html_reports_say_them_in_the_header() -> None:
    f = run({"warm_at": "15"})
    page = forecast_page(f)
    expected = (
        '<p class="sub params">Params: warm_at = 15 (set; the file says 10), gap = 1d, '
        "hold = 10%</p>"
    )
    assert page.count(expected) == 1
    assert page.index(expected) < page.index("</header>")
    one = Rules(RULES, "p.nurture").program()
    c = compare([one, one], [prepare(one, None, SMALL)] * 2, None, 1)
    lines = '<p class="sub params">p.nurture: Params: warm_at = 10, gap = 1d, hold = 10%</p>'
    assert comparison_page(c).count(lines) == 2
