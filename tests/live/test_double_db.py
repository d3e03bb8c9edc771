"""`bench/double_db.py` (the full-size database of docs/LIVE_REPORT.md is the half-size one
doubled): on the sample run live, every lead's rows are there twice under `~2` ids, the copy
passes `nurture db check`, and its report counts exactly twice what the original's does, with
the same rates and medians."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest
from samplekit import RULES, main_in, sample_live

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def doubled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = sample_live(tmp_path_factory.mktemp("sample"))
    spec = importlib.util.spec_from_file_location("double_db", ROOT / "bench" / "double_db.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sizes = module.double(folder / "live.db", folder / "twice.db", log=False)
    assert sizes["leads"] == (300, 600) and sizes["events"] == (1469, 2938)
    assert sizes["journal"][1] == 2 * sizes["journal"][0] - 1  # the one `until` row: not repeated
    return folder


def test_every_lead_is_there_twice_and_the_copy_is_sound(doubled: Path) -> None:
    db = sqlite3.connect(doubled / "twice.db")
    try:
        assert db.execute("SELECT COUNT(*) FROM leads WHERE id LIKE '%~2'").fetchone()[0] == 300
        row = db.execute("SELECT line FROM outbox WHERE lead = 'L1~2' ORDER BY seq").fetchone()
        assert json.loads(row[0])["lead"] == "L1~2"
        state = db.execute("SELECT state FROM lead_state WHERE lead = 'L1~2'").fetchone()[0]
        assert json.loads(state)["id"] == "L1~2"
        ids = db.execute(
            "SELECT data FROM journal WHERE kind = 'events' ORDER BY seq DESC"
        ).fetchone()
        assert all(i.endswith("~2") for i in json.loads(ids[0]))
    finally:
        db.close()
    code, out = main_in(doubled, "db", "check", "twice.db")
    assert (code, out.split(" — ")[1].split(";")[0]) == (
        0,
        "600 leads, 2,938 events, 2,208 actions, 0 dead letters",
    )


def test_its_report_counts_twice_and_rates_the_same(doubled: Path) -> None:
    reports = []
    for name in ("live.db", "twice.db"):
        code, out = main_in(doubled, "report", RULES, "--db", name, "--json")
        assert code == 0
        reports.append(json.loads(out)["actual"]["scalars"])
    once, twice = reports
    for name in ("leads", "mql", "sql", "customers", "touches", "tasks", "visited", "unsubscribes"):
        assert twice[name] == 2 * once[name], name
    assert once["leads"] == 300.0
    for name in ("mql_rate", "sql_rate", "conversion_rate", "days_to_sql.median", "roi"):
        assert twice[name] == once[name], name
