"""The live report as HTML (`nurture report --html`): self-contained, deterministic, escaped, and
rendered by headless Chromium with every chart drawn."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest
from browser import chromium_missing, open_page
from samplekit import sample_live

from cli.main import main
from dsl import load_program
from htmlreport import live_charts, live_page
from live import report

ROOT = Path(__file__).resolve().parents[2]
RULES = "rules/b2b_saas_trial.nurture"


def _main(folder: Path, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = sample_live(tmp_path_factory.mktemp("live-html"), actions="a.jsonl")
    forecast = {
        "leads": 300,
        "days": 90,
        "runs": 2,
        "forecast": {
            "scalars": {"mql": {"mean": 51, "lo": 48, "hi": 53}},
            "weekly": {"mql": {"mean": [1, 2, 3]}},
        },
    }
    (folder / "f.json").write_text(json.dumps(forecast))
    return folder


def test_report_html_is_written_and_renders_in_headless_chromium(live: Path) -> None:
    code, out, err = _main(
        live, "report", RULES, "--db", "live.db", "--forecast", "f.json", "--html", "r.html"
    )
    assert code == 0, err
    assert err == "nurture report: wrote r.html\n"
    assert out.startswith("Actual KPIs: B2B SaaS trial nurture")
    page = (live / "r.html").read_text()
    assert "<title>Actual KPIs: B2B SaaS trial nurture</title>" in page
    for key in ("headline", "forecast", "weekly", "channels", "sequences", "cohorts", "survival"):
        assert f'id="s-{key}"' in page, key
    assert "<script" not in page.lower()
    # the forecast has 2 runs: 2 / 3 of the very model's figures fall outside their range
    assert "With 2 runs the interval is little wider than the runs themselves" in page
    assert "at least 67% of the time by chance alone" in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    with contextlib.chdir(live):
        result = report([RULES], [load_program(RULES)], "live.db", forecast_path="f.json")
        assert live_page(result) == page  # the same database, the same bytes
    # weekly, channels, trial_onboarding's steps and holdout, win_back's steps, time to convert
    assert live_charts(result) == 6
    missing = chromium_missing()
    assert missing is None, missing
    seen = open_page(live / "r.html", screenshot=live / "r.png")
    assert seen.errors == []
    assert seen.requests == []
    assert (seen.charts, seen.rendered) == (6, 6)


def test_campaign_text_is_escaped(live: Path) -> None:
    with contextlib.chdir(live):
        result = report([RULES], [load_program(RULES)], "live.db")
    hostile = result.__class__(**{**result.__dict__, "campaign": "<b>A & B</b>"})
    page = live_page(hostile)
    assert "<b>A" not in page
    assert "<title>Actual KPIs: &lt;b&gt;A &amp; B&lt;/b&gt;</title>" in page


def test_a_report_path_in_no_folder_is_refused_before_reading(live: Path) -> None:
    code, out, err = _main(live, "report", RULES, "--db", "live.db", "--html", "no/r.html")
    assert (code, out) == (1, "")
    assert err == (
        "nurture report: no/r.html: cannot write the report: the folder no does not exist\n"
        "  hint: create the folder first, or give --html a path in one that exists\n"
    )
