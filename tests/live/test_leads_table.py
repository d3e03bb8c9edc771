"""`live.leads_table`: every lead of a live database at once, as columns, each row the lead's
standing that `live.explain` gives one lead at a time (also after a run killed between two
checkpoints); a missing, damaged or other rules' database named as `explain` names it."""

from __future__ import annotations

import io
import math
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from runkit import RULES, events_text, write

import dsl
import live
from engine import parse_time
from live.leads_table import natural_key

ROOT = Path(__file__).parents[2]
LEADS = "id,created_at,plan,size\nB2,2026-01-05T09:30:00Z,free,3\nA1,2026-01-05T09:00:00Z,pro,10\n"
MAIL = {"content": "hello", "channel": "email"}
EVENTS = [
    ("a1", "A1", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A1", "clicked", "2026-01-05T11:00:00Z", MAIL),
    ("b1", "B2", "opened", "2026-01-05T12:00:00Z", None),
]


def t(text: str) -> float:
    return parse_time(text)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", events_text(*EVENTS))
    return tmp_path


def _run(db: str = "n.db") -> None:
    options = live.RunOptions(
        rule_files=["r.nurture"],
        programs=[dsl.load_program("r.nurture")],
        leads_path="leads.csv",
        events_path="e.jsonl",
        db_path=db,
        until=t("2026-01-05T12:00:00Z"),
        actions_path="a.jsonl",
    )
    live.run(options, io.StringIO())


def _table(db: str = "n.db") -> live.LiveLeads:
    return live.leads_table(["r.nurture"], [dsl.load_program("r.nurture")], db)


def test_the_table_holds_every_lead_in_id_order(work: Path) -> None:
    _run()
    table = _table()
    assert (table.db, table.file, table.clock) == ("n.db", "r.nurture", t("2026-01-05T12:00:00Z"))
    assert table.ids == ["A1", "B2"] == live.lead_ids("n.db")
    assert (table.stages, table.segments) == (("new", "warm", "hot"), ("pro",))
    # A1: +10 fit (pro), +5 activity on the click: 15, stage warm, MQL at the click, hello sent
    # at the sign-up (the sales task of the handoff is no send). B2: +1 activity on its open.
    assert table.score.tolist() == [15.0, 1.0]
    assert table.stage.tolist() == [1, 0]
    assert table.in_segment.tolist() == [[True], [False]]
    assert table.mql.tolist() == [True, False]
    assert table.sql.tolist() == [False, False]
    assert table.mql_at[0] == t("2026-01-05T11:00:00Z") and math.isnan(table.mql_at[1])
    assert table.customer.tolist() == table.unsubscribed.tolist() == table.sunset.tolist()
    assert table.customer.tolist() == [False, False]
    assert table.touches.tolist() == [1, 0]
    assert table.arrived_at.tolist() == [t("2026-01-05T09:00:00Z"), t("2026-01-05T09:30:00Z")]
    assert table.index.tolist() == [0, 1] and len(table) == 2


def test_each_row_is_the_standing_explain_gives(work: Path) -> None:
    _run()
    table = _table()
    program = dsl.load_program("r.nurture")
    for row, lead in enumerate(table.ids):
        view = live.explain(["r.nurture"], [program], "n.db", lead).standing[0].view
        assert table.score[row] == view.score
        assert table.stages[table.stage[row]] == view.stage
        assert [s for s, on in zip(table.segments, table.in_segment[row], strict=True) if on] == (
            view.segments
        )
        assert (bool(table.mql[row]), bool(table.sql[row])) == (view.mql, view.sql)


KILLED_RUN = """
import os, signal, sys
from live.store import Store
commit = Store.commit_batch
def commit_then_die(self, batch, meta=None):
    last = commit(self, batch, meta)
    if any(event.id == "a5" for event in batch.events):
        os.kill(os.getpid(), signal.SIGKILL)
    return last
Store.commit_batch = commit_then_die
from cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_rows_come_in_the_natural_order_of_their_ids() -> None:
    ids = ["L10", "L2", "x", "L1", "L01", "A1", "L100", "L1a2", "L1a"]
    ordered = sorted(ids, key=natural_key)
    assert ordered == ["A1", "L01", "L1", "L1a", "L1a2", "L2", "L10", "L100", "x"]


def test_after_a_killed_run_the_table_covers_the_committed_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed after the batch of a5, its last checkpoint after a3 (6 calls): the states
    in the database are older than what it committed; the table replays the journal after."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS.replace("B2", "B1") + "C1,2026-01-06T09:45:00Z,free,1\n")
    events = [
        *EVENTS[:2],
        ("b1", "B1", "signed_up", "2026-01-05T10:30:00Z", None),
        ("a3", "A1", "visited", "2026-01-06T08:00:00Z", None),
        ("a4", "A1", "opened", "2026-01-06T09:00:00Z", MAIL),
        ("b2", "B1", "clicked", "2026-01-06T09:30:00Z", MAIL),
        ("a5", "A1", "opened", "2026-01-06T11:00:00Z", MAIL),
        ("a6", "A1", "visited", "2026-01-07T10:00:00Z", None),
    ]
    write(tmp_path, "e.jsonl", events_text(*sorted(events, key=lambda e: e[3])))
    argv = ["run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "k.db"]
    argv += ["--actions", "k.jsonl", "--batch-size", "1", "--checkpoint-every", "6"]
    done = subprocess.run(
        [sys.executable, "-c", KILLED_RUN, *argv],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    from live.store import Store

    store = Store("k.db", readonly=True)
    try:  # the killed run left states older than its last batches
        assert store.journal_after(int(store.get("checkpoint_journal") or 0))
        assert store.state("C1") is None
    finally:
        store.close()
    table = _table("k.db")
    assert table.ids == ["A1", "B1", "C1"]  # C1 arrived after the checkpoint
    assert table.clock == t("2026-01-06T11:00:00Z")
    # A1: fit 10 + activity 5 + 1 + 1 + interest 10 x 0.5^(3h / 24h) = 26.17, stage hot;
    # B1: +5 on its click, stage warm; C1: nothing yet. Sends: hello and nudge to A1 and B1.
    assert [round(x, 2) for x in table.score.tolist()] == [26.17, 5.0, 0.0]
    assert [table.stages[k] for k in table.stage] == ["hot", "warm", "new"]
    assert table.touches.tolist() == [2, 2, 0]
    program = dsl.load_program("r.nurture")
    for row, lead in enumerate(table.ids):
        view = live.explain(["r.nurture"], [program], "k.db", lead).standing[0].view
        assert (table.score[row], table.stages[table.stage[row]]) == (view.score, view.stage)


def test_a_missing_database_is_named(work: Path) -> None:
    with pytest.raises(live.StoreError) as caught:
        _table("none.db")
    assert str(caught.value) == "none.db: no such database"


def test_a_file_that_is_not_a_database_is_named(work: Path) -> None:
    write(work, "bad.db", "leads,events\n" * 200)
    with pytest.raises(live.StoreError) as caught:
        _table("bad.db")
    assert str(caught.value) == "bad.db: not a nurture database (file is not a database)"


def test_a_damaged_database_is_named(work: Path) -> None:
    _run()
    data = Path("n.db").read_bytes()
    Path("n.db").write_bytes(data[:4096] + b"\xff" * (len(data) - 4096))  # pages after the first
    for side in ("n.db-wal", "n.db-shm"):
        if Path(side).exists():
            Path(side).unlink()
    with pytest.raises(live.StoreError, match=r"^n\.db: not a nurture database \("):
        _table()


def test_a_database_of_other_rules_is_refused_in_explains_words(work: Path) -> None:
    _run()
    write(work, "r.nurture", RULES + "\n")
    with pytest.raises(live.ExplainError) as caught:
        _table()
    assert str(caught.value) == (
        "the rules differ from the ones n.db runs: r.nurture (changed)\n"
        "give the same rule files and --set values (or run `nurture run ... --migrate` first)"
    )
