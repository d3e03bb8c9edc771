"""The streamed input (rows ordered on disk, `live.timeline`), `score` walked a group of leads at
a time and checkpoints written a few leads at a time give what the in-memory code gave, byte for
byte, on the shipped sample data (rules/sample: 300 leads, 1,469 events), as given (in time
order: its events are kept as read, `live.timeline_stream`) and with its events file shuffled
(sorted on disk); and varied (a row out of order at the start, middle or end, rows given again),
a run whose events are kept as read writes what one that sorts them all writes.

The digests below were computed with `dump` (the same function) by main at 766dc8a, the code
before streaming: every table of the run's database (less the actions file's absolute path and
the dead letters' wall-clock `recorded_at`), and the score tables. The runs are made in a fresh
interpreter, as `nurture run` makes them: in a process that has run other engines, a lead's
saved state may write a zero as `0` where a fresh one writes `0.0` (the engine's table of shared
tuples, `engine.runtime.state.shared`, holds `(0, 0)` and `(0.0, 0.0)` as one key)."""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import dsl
import live
from engine import LeadView, parse_time
from live.inputs import read_events, read_leads
from live.reuse import split_reused
from live.schema import TABLES
from live.score import score_leads
from live.store import Store

ROOT = Path(__file__).resolve().parents[2]
RULES = "b2b_saas_trial.nurture"
MID = parse_time("2026-02-15T00:00:00Z")


def dump(path: str) -> str:
    db = sqlite3.connect(path)
    out = []
    for table in TABLES:
        for row in sorted(map(repr, db.execute(f"SELECT * FROM {table}"))):
            if table == "meta" and "actions_path" in row:
                continue
            if table == "dead_letters":
                row = repr(eval(row)[:6])  # noqa: S307  # our own repr of a row of plain values
            out.append(f"{table} {row}")
    db.close()
    return hashlib.sha256("\n".join(out).encode()).hexdigest()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _copy(tmp_path: Path) -> None:
    for name in ("leads.csv", "events.jsonl"):
        shutil.copy(ROOT / "rules" / "sample" / name, tmp_path)
    shutil.copy(ROOT / "rules" / RULES, tmp_path)


@pytest.fixture(params=[False, True], ids=["as given", "shuffled"])
def sample(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    _copy(tmp_path)
    if request.param:
        path = tmp_path / "events.jsonl"
        lines = path.read_text().splitlines(True)
        random.Random(11).shuffle(lines)
        path.write_text("".join(lines))
    monkeypatch.chdir(tmp_path)
    return bool(request.param)


def run(db: str = "n.db", until: float | None = None, **more: int) -> live.RunReport:
    options = live.RunOptions(
        rule_files=[RULES],
        programs=[dsl.load_program(RULES)],
        leads_path="leads.csv",
        events_path="events.jsonl",
        db_path=db,
        until=until,
        actions_path="a.jsonl",
        **more,  # type: ignore[arg-type]
    )
    return live.run(options, io.StringIO())


RUN = {
    False: "271a655ded5052b9491273b8a1a4901800fe4c9a61da05167d6dc888617cb1c5",
    True: "ed7f74047490fb7837f18fab9700ffe4e5292e740c0fbc7c9bdb84da3f8822b4",
}
TWO_RUNS = {
    False: "b76509513d952d543d055898da154cb5207e188e17b3bcb549208df392caac76",
    True: "4f1b18ea87b1471a164ff9cafab9ebeb8fde204b3361f1df07d66f5e0cce4931",
}
SCORE_CSV = "37f02f896ef0fd00c07ccf64105b2b91124c9da02081cedbf65af6e1df0b75e1"
SCORE_MID_JSONL = "733442d9024388ea06485571c73a3a43a3c0b804a9a34e0d6bd9e7bd5f18248f"


def fresh(code: str) -> str:
    """`code` run by a fresh interpreter in this folder, with this module as `t`: its output."""
    head = f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests' / 'live')!r}]\n"
    head += "import test_stream_sample as t\n"
    done = subprocess.run(
        [sys.executable, "-c", head + code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


# Printed by a run's timeline as it closes: whether its events were sorted on disk or kept as read
# (the file in time order, `live.timeline_stream`).
WHICH = (
    "import live.timeline as tl\n"
    "_close = tl.Timeline.close\n"
    "def _which(self):\n"
    "    print('sorted' if self.sorted_on_disk else 'kept as read')\n"
    "    _close(self)\n"
    "tl.Timeline.close = _which\n"
)
WAY = {False: "kept as read", True: "sorted"}


def test_a_run_writes_the_database_it_wrote_before(sample: bool) -> None:
    out = fresh(
        WHICH + "r = t.run()\nprint(r.leads_new, r.events_accepted, r.actions, t.dump('n.db'))"
    )
    assert out == f"{WAY[sample]}\n300 1469 1106 {RUN[sample]}\n"


def test_a_run_to_a_mid_point_then_to_the_end_writes_the_same_as_before(sample: bool) -> None:
    out = fresh(
        WHICH + "a = t.run(until=t.MID)\n"
        "b = t.run()\n"  # the whole file again: the first 361 events are duplicates
        "print(a.events_accepted, a.after_until, b.events_accepted, b.duplicates, b.events_late)\n"
        "print(t.dump('n.db'))"
    )
    way = WAY[sample]
    assert out == f"{way}\n{way}\n361 1108 1108 361 0\n{TWO_RUNS[sample]}\n"


def test_score_writes_the_table_it_wrote_before(sample: bool) -> None:
    program = dsl.load_program(RULES)
    result = live.score(program, "leads.csv", "events.jsonl")
    assert (result.scored, len(result.rows), result.not_yet) == (300, 300, 0)
    assert sha(live.score_table(program, result.rows)) == SCORE_CSV
    result = live.score(program, "leads.csv", "events.jsonl", at=MID)
    assert (result.scored, result.after_at, result.not_yet) == (134, 1108, 166)
    assert sha(live.score_table(program, result.rows, jsonl=True)) == SCORE_MID_JSONL


@pytest.mark.parametrize("group", [1, 7, 1000])
def test_score_in_groups_equals_one_engine_holding_every_lead(sample: bool, group: int) -> None:
    program = dsl.load_program(RULES)
    schema = live.Schema.from_programs([program])
    leads, _ = read_leads("leads.csv", schema)
    events, _ = read_events("events.jsonl", schema, {lead.id for lead in leads})
    events = split_reused("events.jsonl", events, {}).fresh
    for at in (MID, parse_time("2026-04-04T23:27:49Z")):
        whole = score_leads(program, leads, events, at)
        rows: list[LeadView] = []
        streamed = live.score(
            program, "leads.csv", "events.jsonl", at=at, emit=rows.append, group=group
        )
        assert streamed.rows == []  # given to `emit`, not kept
        assert (streamed.scored, streamed.not_yet) == (whole.scored, whole.not_yet)
        assert live.score_table(program, rows) == live.score_table(program, whole.rows)


def _trails(db: str) -> dict[str, object]:
    store = Store(db, readonly=True)
    try:
        return {lead: (store.state(lead) or {}) for lead in store.lead_ids()}
    finally:
        store.close()


def test_frequent_checkpoints_write_the_same_states_trails_and_actions(sample: bool) -> None:
    run("n.db")
    run("c.db", batch_size=13, checkpoint_every=97)  # ~20 checkpoints, each trail let go of
    assert _trails("c.db") == _trails("n.db")  # every state with its whole trail
    # (standing rows are each lead's standing at the last checkpoint that touched it: they
    # differ by design)
    for table, order in (("outbox", "seq"), ("events", "id"), ("leads", "id")):
        sql = f"SELECT * FROM {table} ORDER BY {order}"
        a, b = sqlite3.connect("n.db"), sqlite3.connect("c.db")
        assert list(b.execute(sql)) == list(a.execute(sql))
        a.close()
        b.close()


def test_the_sorting_folder_goes_away_and_one_left_by_a_killed_run_too(
    sample: bool, tmp_path: Path
) -> None:
    stale = tmp_path / ".n.db.timeline-killed"  # as a run killed with -9 leaves it
    stale.mkdir()
    (stale / "timeline.db").write_text("x")
    other = tmp_path / ".other.db.timeline-busy"  # another database's: not ours to remove
    other.mkdir()
    run()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        ".other.db.timeline-busy",
        "a.jsonl",
        RULES,
        "events.jsonl",
        "leads.csv",
        "n.db",
    ]


def _move(lines: list[str], where: int, to: int) -> list[str]:
    lines = lines[:]
    lines.insert(to, lines.pop(where))
    return lines


def _again(lines: list[str]) -> list[str]:
    """Every 50th line given twice in a row (in order still), and line 100's id given to
    line 101's event as well (another event under a used id)."""
    out: list[str] = []
    for n, line in enumerate(lines):
        out.append(line)
        if n % 50 == 0:
            out.append(line)
    first = json.loads(lines[100])["id"]
    out.insert(out.index(lines[101]) + 1, lines[101].replace(json.loads(lines[101])["id"], first))
    return out


VARIANTS = {
    "first row later": lambda lines: _move(lines, 0, 40),
    "a middle row earlier": lambda lines: _move(lines, 900, 500),
    "last row first": lambda lines: _move(lines, len(lines) - 1, 0),
    "last two swapped": lambda lines: _move(lines, len(lines) - 1, len(lines) - 2),
    "rows given again, in order": _again,
}


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_file_kept_as_read_or_sorted_writes_the_same_database_and_actions(
    variant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file run twice: the way the timeline takes (kept as read when in time order), and
    with every event sorted on disk (`live.timeline.STREAM` off): the same database (dead
    letters and all) and actions file, byte for byte."""
    _copy(tmp_path)  # the sample as given: in time order
    monkeypatch.chdir(tmp_path)
    path = Path("events.jsonl")
    lines = VARIANTS[variant](path.read_text().splitlines(True))
    path.write_text("".join(lines))
    times = [parse_time(json.loads(line)["at"]) for line in lines]
    ordered = all(a <= b for a, b in zip(times, times[1:], strict=False))
    late = [max(t, MID) for t in times]  # the second run's: a late event is at the clock
    late_ordered = all(a <= b for a, b in zip(late, late[1:], strict=False))
    code = "r = t.run(db={db!r}, until=t.MID)\nr = t.run(db={db!r})\n" + (
        "print(r.events_accepted, r.duplicates, len(r.rejected), t.dump({db!r}))"
    )
    kept = fresh(WHICH + code.format(db="k.db"))
    actions = Path("a.jsonl").read_bytes()
    forced = fresh("import live.timeline as tl\ntl.STREAM = False\n" + code.format(db="s.db"))
    assert kept == f"{WAY[not ordered]}\n{WAY[not late_ordered]}\n{forced}"
    assert Path("a.jsonl").read_bytes() == actions
    assert ordered is (variant == "rows given again, in order")
    assert late_ordered is (variant in ("first row later", "rows given again, in order"))
