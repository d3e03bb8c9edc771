"""The report's reading of the database was rewritten for speed (bulk reads, `report_scan`); every
figure must stay exactly what the row-by-row reading gave. The JSON reports of the shipped sample
run live (as in `test_report_sample.py`), whole and with `--since`, are compared field by field
with the ones the row-by-row reader wrote (main at 766dc8a, before the change), kept in
`data/report_sample*.json`: the same keys, the same numbers to the last bit."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
RULES = "rules/b2b_saas_trial.nurture"


def _main(folder: Path, *argv: str) -> tuple[int, str]:
    from cli.main import main

    out = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "rules", folder / "rules", ignore=shutil.ignore_patterns("validation"))
    code, _ = _main(
        folder,
        "run",
        RULES,
        "--leads",
        "rules/sample/leads.csv",
        "--events",
        "rules/sample/events.jsonl",
        "--seed",
        "64775837",
        "--until",
        "2026-04-05T00:00:00Z",
        "--db",
        "live.db",
        "--actions",
        "actions.jsonl",
    )
    assert code == 0
    return folder


def _differences(expected: object, actual: object, where: str = "") -> list[str]:
    """Where two JSON values differ (a float only when its bits do)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{where}.{k}: missing" for k in expected if k not in actual]
        out += [f"{where}.{k}: extra" for k in actual if k not in expected]
        for key in expected.keys() & actual.keys():
            out += _differences(expected[key], actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _differences(e, a, f"{where}[{i}]")
        ]
    return (
        []
        if expected == actual and type(expected) is type(actual)
        else [f"{where}: {expected!r} != {actual!r}"]
    )


@pytest.mark.parametrize(
    ("name", "extra"),
    [("report_sample.json", ()), ("report_sample_since.json", ("--since", "2026-02-01T00:00:00Z"))],
)
def test_every_figure_is_the_row_by_row_readers(
    live: Path, name: str, extra: tuple[str, ...]
) -> None:
    code, out = _main(live, "report", RULES, "--db", "live.db", "--json", *extra)
    assert code == 0
    actual = json.loads(out)
    expected = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert len(expected["actual"]["scalars"]) > 300  # the fixture is a whole report
    assert _differences(expected, actual) == []
