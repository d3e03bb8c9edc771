"""`nurture tui FILE --db DB`: the leads screen lists the real leads of a live database (built
here by `live.run` on hand-written leads and events), filters them, and opens a lead's timeline
as `nurture explain` prints it; a database that cannot be read is said in the app, in explain's
words, never raised."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, write
from textual.widgets import DataTable, Input, Label, Static
from tuikit import ROOT, pilot_test, settle

import dsl
import live
from engine import parse_time
from tui import Launch, NurtureApp
from tui.widgets.leads_table import LeadsTable

# Four leads, 2026-01-05 (RULES: fit +10 when pro; +5 activity on clicked, +1 on opened;
# +10 interest on visited; stage warm when activity >= 5, hot when score >= 20; mql at 15).
LEADS = (
    "id,created_at,plan,size\n"
    "A1,2026-01-05T09:00:00Z,pro,10\nB2,2026-01-05T09:30:00Z,free,3\n"
    "C3,2026-01-05T09:40:00Z,pro,50\nD4,2026-01-05T09:50:00Z,free,1\n"
)
MAIL = {"content": "hello", "channel": "email"}
EVENTS = events_text(
    ("a1", "A1", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A1", "clicked", "2026-01-05T11:00:00Z", MAIL),
    ("b1", "B2", "opened", "2026-01-05T12:00:00Z", None),
    ("c1", "C3", "visited", "2026-01-05T12:00:00Z", None),
)
# At the clock (12:00, the last event): A1 10 + 5 = 15, warm, MQL, hello sent at its sign-up;
# B2 1, new; C3 10 + 10 (no decay yet) = 20, hot, MQL; D4 0, new. Segment pro: A1 and C3.


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    options = live.RunOptions(
        rule_files=["r.nurture"],
        programs=[dsl.load_program("r.nurture")],
        leads_path="leads.csv",
        events_path="e.jsonl",
        db_path="n.db",
        until=parse_time("2026-01-05T12:00:00Z"),
        actions_path="a.jsonl",
    )
    live.run(options, io.StringIO())
    return tmp_path


HEADER = "id      stage         lifecycle       score touches segments                     arrived"


def db_app(db: str = "n.db", *files: str) -> NurtureApp:
    return NurtureApp(Launch(files or ("r.nurture",), None, db, watch_seconds=0))


def lines(app: NurtureApp) -> list[str]:
    """The leads table as drawn: the header, then each row (trailing blanks cut)."""
    table = app.screen.query_one(LeadsTable)
    return [table.render_line(y).text.rstrip() for y in range(len(table.order) + 1)]


def status(app: NurtureApp) -> str:
    return str(app.screen.query_one("#leads-status", Label).content)


async def open_leads(app: NurtureApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await pilot.press("4")
    await settle(app, pilot)


async def filtered(app: NurtureApp, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one("#filter", Input).value = text
    await pilot.pause(0.3)  # the filter waits for typing to pause (0.15 s)
    await settle(app, pilot)


@pilot_test
async def test_the_leads_screen_lists_the_databases_leads(db: Path) -> None:
    app = db_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_leads(app, pilot)
        assert status(app) == "4 of 4 leads of n.db at 2026-01-05 12:00 · enter: timeline"
        assert lines(app) == [
            HEADER,
            "A1      warm          MQL              15.0       1 pro      "
            "                    2026-01-05 09:00",
            "B2      new           lead              1.0       0          "
            "                    2026-01-05 09:30",
            "C3      hot           MQL              20.0       0 pro      "
            "                    2026-01-05 09:40",
            "D4      new           lead              0.0       0          "
            "                    2026-01-05 09:50",
        ]
        program = dsl.load_program("r.nurture")
        assert len(app.screen.query_one(LeadsTable).order) == len(live.lead_ids("n.db"))
        for row, lead in enumerate(live.lead_ids("n.db"), start=1):
            view = live.explain(["r.nurture"], [program], "n.db", lead).standing[0].view
            cells = lines(app)[row].split()
            assert (cells[0], cells[1], float(cells[3])) == (lead, view.stage, view.score)


@pilot_test
async def test_filters_and_sorts_the_databases_leads(db: Path) -> None:
    app = db_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_leads(app, pilot)

        def ids() -> list[str]:
            return [line.split()[0] for line in lines(app)[1:]]

        await filtered(app, pilot, "segment:pro")
        assert ids() == ["A1", "C3"]
        assert status(app) == "2 of 4 leads of n.db at 2026-01-05 12:00 · enter: timeline"
        await filtered(app, pilot, "lifecycle:lead")
        assert ids() == ["B2", "D4"]
        await filtered(app, pilot, "stage:hot lifecycle:mql")
        assert ids() == ["C3"]
        await filtered(app, pilot, "stage:hto")
        assert status(app) == (
            "no stage 'hto' in this database; did you mean stage:hot? its stages: new, warm, hot"
        )
        await filtered(app, pilot, "persona:founder")
        assert status(app) == (
            "a live database's leads have no persona (personas are the simulator's); "
            "filter by segment:, stage:, lifecycle: or a word of the id"
        )
        await filtered(app, pilot, "")
        app.screen.query_one(LeadsTable).focus()
        await pilot.press("s", "s", "s", "s", "d")  # id, stage, lifecycle, score; reversed
        await settle(app, pilot)
        assert ids() == ["C3", "A1", "B2", "D4"]
        assert status(app) == (
            "4 of 4 leads of n.db at 2026-01-05 12:00 · sorted by score ▼ · enter: timeline"
        )
        assert lines(app)[0].split()[3:5] == ["score", "▼"]


def _documented_standing() -> list[str]:
    """The standing docs/TUI.md quotes for a live lead's timeline (its block with `next:`)."""
    blocks = (ROOT / "docs" / "TUI.md").read_text().split("```")[1::2]
    return next(b for b in blocks if "    next:" in b).strip("\n").splitlines()


@pilot_test
async def test_a_leads_timeline_is_what_nurture_explain_prints(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A1")
    assert code == 0, err
    header, trail = out.rstrip("\n").split("\n\n")
    app = db_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_leads(app, pilot)
        await pilot.press("enter")  # the cursor is on A1
        await settle(app, pilot)
        title = str(app.screen.query_one("#timeline-title", Label).content)
        assert title == (
            "Lead A1 of n.db at 2026-01-05T12:00:00Z — 12 entries, as `nurture explain` gives them"
        )
        standing = str(app.screen.query_one("#standing", Static).content)
        assert standing == "\n".join(header.splitlines()[1:])
        # what is due next: signed up at 10:00, hello sent, `wait 1d`, then nudge (line 40)
        assert standing.splitlines()[-2:] == [
            "    next:",
            "      welcome: step 3: send nudge by email at 2026-01-06T10:00:00Z  [r.nurture:40]",
        ]
        assert _documented_standing() == standing.splitlines()  # docs/TUI.md shows this lead
        table = app.screen.query_one("#timeline", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(r)] for r in range(table.row_count)]
        width = max(len(kind) for _, kind, _, _ in rows)
        shown = [
            f"{at}  {kind:<{width}}  {message}" + (f"  [{rule}]" if rule else "")
            for at, kind, message, rule in rows
        ]
        assert shown == trail.splitlines()
        assert shown[:2] == [
            "2026-01-05T09:00:00Z  created   lead created",
            "2026-01-05T09:00:00Z  fit       +10 fit: fit rule holds — when pro  [r.nurture:18]",
        ]
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen.query_one(LeadsTable) is not None


@pilot_test
async def test_an_id_typed_in_the_filter_opens_that_lead_or_says_it_is_not_there(
    db: Path,
) -> None:
    app = db_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_leads(app, pilot)
        await pilot.press("slash", "c", "3", "enter")  # not an id: the nearest is named
        await settle(app, pilot)
        title = str(app.screen.query_one("#timeline-title", Label).content)
        assert title == "Lead c3: no lead 'c3' in n.db (did you mean 'C3'?)"
        await pilot.press("escape")
        await settle(app, pilot)
        app.screen.query_one("#filter", Input).value = "C3"
        await pilot.press("enter")
        await settle(app, pilot)
        title = str(app.screen.query_one("#timeline-title", Label).content)
        assert title.startswith("Lead C3 of n.db at 2026-01-05T12:00:00Z — ")


async def failed(app: NurtureApp, pilot) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    """The status line and the notifications' messages once the leads screen is shown."""
    await open_leads(app, pilot)
    return status(app), [n.message for n in app._notifications]


@pilot_test
async def test_a_missing_database_is_said_not_raised(db: Path) -> None:
    app = db_app("none.db")
    async with app.run_test(size=(100, 30)) as pilot:
        line, notes = await failed(app, pilot)
        assert line == "none.db: cannot show its leads — none.db: no such database"
        assert notes == ["none.db: no such database"]
        assert lines(app) == [HEADER]


@pilot_test
async def test_a_damaged_database_is_said_not_raised(db: Path) -> None:
    write(db, "bad.db", "not sqlite at all\n" * 300)
    app = db_app("bad.db")
    async with app.run_test(size=(100, 30)) as pilot:
        line, notes = await failed(app, pilot)
        assert notes == ["bad.db: not a nurture database (file is not a database)"]
        assert line == "bad.db: cannot show its leads — " + notes[0]


@pilot_test
async def test_a_locked_database_is_said_not_raised(db: Path) -> None:
    """Another program holds an exclusive lock (SQLite's own): reading waits its 5 s, then
    says so in the store's words (those of `nurture explain`), with what to do in the app:
    ctrl+r once the lock is let go, which reads the leads."""
    import sqlite3

    holder = sqlite3.connect("n.db", isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO meta VALUES ('held', 'by a test')")
    try:
        app = db_app()
        async with app.run_test(size=(100, 30)) as pilot:
            _, notes = await failed(app, pilot)
            assert notes == [  # not --wait: an option of nurture run, not of the app
                "n.db: the database is locked by another process (SQLite says: database is "
                "locked) (another program is writing to it: once it is done, press ctrl+r to "
                "read it again)"
            ]
            holder.execute("ROLLBACK")
            holder.close()
            await pilot.press("ctrl+r")
            await settle(app, pilot)
            assert status(app) == "4 of 4 leads of n.db at 2026-01-05 12:00 · enter: timeline"
    finally:
        holder.close()  # closing twice is allowed; a rollback is implied


@pilot_test
async def test_a_database_of_other_rules_is_said_in_explains_words(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(db, "r.nurture", RULES.replace("+10 when pro", "+12 when pro"))
    code, _, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A1")
    assert code == 1
    app = db_app()
    async with app.run_test(size=(100, 30)) as pilot:
        _, notes = await failed(app, pilot)
        assert notes == [err.removeprefix("nurture explain: ").rstrip("\n")]
        assert notes == [
            "the rules differ from the ones n.db runs: r.nurture (changed)\n"
            "give the same rule files and --set values (or run `nurture run ... --migrate` "
            "first)"
        ]


@pilot_test
async def test_a_rule_file_with_errors_is_named(db: Path) -> None:
    write(db, "r.nurture", RULES.replace("stage warm when", "stage warm whn"))
    app = db_app()
    async with app.run_test(size=(100, 30)) as pilot:
        _, notes = await failed(app, pilot)
        assert notes == ["r.nurture has errors: fix them (1: Rules) to read the database"]


@pilot_test
async def test_without_db_the_leads_screen_waits_for_a_forecast() -> None:
    app = NurtureApp(Launch((str(ROOT / "rules" / "b2b_saas_trial.nurture"),), watch_seconds=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_leads(app, pilot)
        assert status(app) == "Run a forecast (2, then r) to list its leads."
        assert not list(app._notifications)


@pilot_test
async def test_a_rule_file_changed_and_reloaded_is_read_again(db: Path) -> None:
    app = db_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_leads(app, pilot)
        assert status(app).startswith("4 of 4 leads of n.db")
        write(db, "r.nurture", RULES.replace("+10 when pro", "+12 when pro"))
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert status(app) == (
            "n.db: cannot show its leads — the rules differ from the ones n.db runs: "
            "r.nurture (changed)\ngive the same rule files and --set values (or run "
            "`nurture run ... --migrate` first)"
        )
        assert lines(app) == [HEADER]
        write(db, "r.nurture", RULES)  # back as the database runs it
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert status(app) == "4 of 4 leads of n.db at 2026-01-05 12:00 · enter: timeline"
