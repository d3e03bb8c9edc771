"""`nurture run` end to end with the real engine: actions, dead letters, resume, seed, rules."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from runkit import RULES, events_text, generate, nurture, read_jsonl, write

LEADS = "id,created_at,plan,size\nA,2026-01-05T09:00:00Z,pro,10\nB,2026-01-05T09:00:00Z,free,3\n"
CLICK = {"content": "hello", "channel": "email"}
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A", "clicked", "2026-01-05T11:00:00Z", CLICK),
    ("b1", "B", "signed_up", "2026-01-05T12:00:00Z", None),
)
UNTIL = "2026-01-07T00:00:00Z"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    return tmp_path


def run(
    capsys: pytest.CaptureFixture[str],
    *extra: str,
    events: str = "e.jsonl",
    rules: tuple[str, ...] = ("r.nurture",),
) -> tuple[int, str, str]:
    return nurture(
        capsys,
        "run",
        *rules,
        "--leads",
        "leads.csv",
        "--events",
        events,
        "--db",
        "n.db",
        "--actions",
        "a.jsonl",
        *extra,
    )


def test_run_writes_every_action_in_order(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--until", UNTIL)
    assert code == 0
    assert "2 new leads; 3 events accepted" in err
    seq = {"sequence": "welcome"}
    assert read_jsonl(work / "a.jsonl") == [
        {
            "lead": "A",
            "at": "2026-01-05T10:00:00Z",
            "action": "enrolled",
            **seq,
            "rule": "r.nurture:36",
        },
        {
            "lead": "A",
            "at": "2026-01-05T10:00:00Z",
            "action": "send",
            "content": "hello",
            "channel": "email",
            **seq,
            "step": 1,
            "rule": "r.nurture:38",
        },
        {"lead": "A", "at": "2026-01-05T11:00:00Z", "action": "mql", "rule": "r.nurture:31"},
        {"lead": "A", "at": "2026-01-05T11:00:00Z", "action": "handoff", "rule": "r.nurture:42"},
        {
            "lead": "A",
            "at": "2026-01-05T11:00:00Z",
            "action": "task",
            "content": "call",
            "channel": "task",
            "due": "2026-01-06T11:00:00Z",
            "rule": "r.nurture:43",
        },
        {
            "lead": "B",
            "at": "2026-01-05T12:00:00Z",
            "action": "enrolled",
            **seq,
            "rule": "r.nurture:36",
        },
        {
            "lead": "B",
            "at": "2026-01-05T12:00:00Z",
            "action": "send",
            "content": "hello",
            "channel": "email",
            **seq,
            "step": 1,
            "rule": "r.nurture:38",
        },
        {
            "lead": "A",
            "at": "2026-01-06T10:00:00Z",
            "action": "send",
            "content": "nudge",
            "channel": "email",
            **seq,
            "step": 3,
            "rule": "r.nurture:40",
        },
        {
            "lead": "A",
            "at": "2026-01-06T10:00:00Z",
            "action": "exited",
            **seq,
            "reason": "completed",
            "rule": "r.nurture:36",
        },
        {
            "lead": "B",
            "at": "2026-01-06T12:00:00Z",
            "action": "send",
            "content": "nudge",
            "channel": "email",
            **seq,
            "step": 3,
            "rule": "r.nurture:40",
        },
        {
            "lead": "B",
            "at": "2026-01-06T12:00:00Z",
            "action": "exited",
            **seq,
            "reason": "completed",
            "rule": "r.nurture:36",
        },
    ]


def test_until_defaults_to_the_last_event(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 0
    assert "clock 2026-01-05T12:00:00Z" in err
    assert [a["action"] for a in read_jsonl(work / "a.jsonl")][-1] == "send"  # B's hello
    assert len(read_jsonl(work / "a.jsonl")) == 7


def test_without_actions_file_the_actions_go_to_stdout(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = nurture(
        capsys, "run", "r.nurture", "--leads", "leads.csv", "--events", "e.jsonl", "--db", "n.db"
    )
    assert code == 0
    assert out.splitlines()[0] == (
        '{"lead": "A", "at": "2026-01-05T10:00:00Z", "action": '
        '"enrolled", "sequence": "welcome", "rule": "r.nurture:36"}'
    )
    assert len(out.splitlines()) == 7


BAD_ROWS = [
    (
        '{"id": "x1", "lead": "A", "type": "opened", "at": "2026-01-05T13:00:00Z"',
        "event",
        "bad JSON: Expecting ',' delimiter (column 73)",
    ),
    (
        '{"id": "x2", "lead": "Z", "type": "opened", "at": "2026-01-05T13:00:00Z"}',
        "event",
        "unknown lead 'Z'",
    ),
    (
        '{"id": "x3", "lead": "A", "type": "downloaded", "at": "2026-01-05T13:00:00Z"}',
        "event",
        "unknown event type 'downloaded'",
    ),
    (
        '{"id": "x4", "lead": "A", "type": "webinar_attended", "at": "2026-01-05T13:00:00Z", '
        '"props": {"topic": 42}}',
        "event",
        "property 'topic' of 'webinar_attended' must be text, got 42",
    ),
    (
        '{"id": "x5", "lead": "A", "type": "opened", "at": "5 Jan 2026"}',
        "event",
        "bad timestamp '5 Jan 2026' in 'at'",
    ),
    ('{"id": "x6", "lead": "A", "type": "opened"}', "event", "missing field 'at'"),
    (
        '{"id": "x7", "lead": "C", "type": "opened", "at": "2026-01-05T13:00:00Z"}',
        "event",
        "unknown lead 'C' (its lead row was rejected)",
    ),
]


def test_every_malformed_row_lands_in_dead_letters_with_its_reason(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "leads.csv", LEADS + "C,2026-01-05T09:00:00Z,gold,3\nD,,free,many\n")
    write(work, "e.jsonl", EVENTS + "\n".join(row for row, _, _ in BAD_ROWS) + "\n")
    code, _, err = run(capsys)
    assert code == 0
    assert "9 input rows rejected (kept in the dead_letters table of n.db):" in err
    assert "  e.jsonl:5: unknown lead 'Z'" in err
    db = sqlite3.connect(work / "n.db")
    rows = db.execute("SELECT source, line, kind, reason, raw FROM dead_letters ORDER BY id")
    assert [tuple(r) for r in rows] == [
        (
            "leads.csv",
            4,
            "lead",
            "column 'plan': 'gold' is not one of 'free', 'pro'",
            "C,2026-01-05T09:00:00Z,gold,3",
        ),
        ("leads.csv", 5, "lead", "column 'size': 'many' is not a number", "D,,free,many"),
        *[("e.jsonl", 4 + n, kind, reason, row) for n, (row, kind, reason) in enumerate(BAD_ROWS)],
    ]
    assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (3,)


def test_strict_makes_rejections_an_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "e.jsonl", EVENTS + BAD_ROWS[1][0] + "\n")
    code, _, _ = run(capsys, "--strict")
    assert code == 1
    assert len(read_jsonl(work / "a.jsonl")) == 7  # the good rows still ran


def test_dead_letters_are_not_recorded_twice(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "e.jsonl", EVENTS + BAD_ROWS[1][0] + "\n")
    run(capsys)
    run(capsys)
    db = sqlite3.connect(work / "n.db")
    assert db.execute("SELECT COUNT(*) FROM dead_letters").fetchone() == (1,)


def test_an_event_given_again_is_a_duplicate_another_under_its_id_is_rejected(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 13: a reused id with other content was dropped silently."""
    same = events_text(("a2", "A", "clicked", "2026-01-05T11:00:00Z", CLICK))
    other = events_text(("a2", "A", "clicked", "2026-01-05T11:30:00Z", CLICK))
    write(work, "e.jsonl", EVENTS + same + other)
    code, _, err = run(capsys)
    assert code == 0
    assert err.splitlines()[:3] == [
        "nurture run: 2 new leads; 3 events accepted; 1 duplicate events ignored",
        "1 input row rejected (kept in the dead_letters table of n.db):",
        "  e.jsonl:5: event id 'a2' is used on line 2 for another event; give this event an id "
        "of its own",
    ]
    db = sqlite3.connect(work / "n.db")
    assert db.execute("SELECT at FROM events WHERE id = 'a2'").fetchone() == (1767610800.0,)
    assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (3,)
    assert db.execute("SELECT line, raw FROM dead_letters").fetchall() == [(5, other.strip())]


def test_an_id_accepted_by_an_earlier_run_reused_for_another_event(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys)
    other = events_text(("b1", "B", "opened", "2026-01-05T13:00:00Z", CLICK))
    write(work, "more.jsonl", EVENTS + other)
    code, _, err = run(capsys, events="more.jsonl")
    assert code == 0
    assert err.splitlines()[:3] == [
        "nurture run: 0 new leads; 0 events accepted; 3 duplicate events ignored",
        "1 input row rejected (kept in the dead_letters table of n.db):",
        "  more.jsonl:4: event id 'b1' was accepted before for another event (signed_up of lead "
        "'B' at 2026-01-05T12:00:00Z); give this event an id of its own",
    ]
    code, _, err = run(capsys, events="more.jsonl")  # again: the dead letter is there already
    assert err.splitlines()[1] == (
        "1 input row rejected (0 new in the dead_letters table of n.db, 1 there already):"
    )
    db = sqlite3.connect(work / "n.db")
    assert db.execute("SELECT COUNT(*) FROM dead_letters").fetchone() == (1,)


def test_an_event_before_its_lead_was_created_is_rejected(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 13: it gave an mql dated months before the lead existed."""
    early = events_text(("a0", "A", "clicked", "2025-10-01T00:00:00Z", CLICK))
    write(work, "e.jsonl", early + EVENTS)
    code, _, err = run(capsys)
    assert code == 0
    assert err.splitlines()[:3] == [
        "nurture run: 2 new leads; 3 events accepted",
        "1 input row rejected (kept in the dead_letters table of n.db):",
        "  e.jsonl:1: dated 2025-10-01T00:00:00Z, before its lead 'A' was created "
        "(2026-01-05T09:00:00Z): fix the event's 'at' or the lead's created_at",
    ]
    write(work, "late.jsonl", early.replace("a0", "a9"))  # the stored lead: the same
    code, _, err = run(capsys, events="late.jsonl")
    assert err.splitlines()[2] == (
        "  late.jsonl:1: dated 2025-10-01T00:00:00Z, before its lead 'A' was created "
        "(2026-01-05T09:00:00Z): fix the event's 'at' or the lead's created_at"
    )


def test_second_run_continues_from_the_database(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--until", UNTIL)
    write(
        work,
        "more.jsonl",
        EVENTS
        + events_text(
            ("a3", "A", "opened", "2026-01-05T13:00:00Z", CLICK),
            ("b2", "B", "clicked", "2026-01-08T09:00:00Z", CLICK),
            ("b3", "B", "visited", "2026-01-08T09:30:00Z", {"page": "pricing"}),
        ),
    )
    code, _, err = run(capsys, events="more.jsonl")
    assert code == 0
    assert "3 events accepted (1 late, applied at the clock); 3 duplicate events ignored" in err
    assert read_jsonl(work / "a.jsonl")[11:] == [  # B: 5 (click) + 10 (visit) = 15 -> mql
        {"lead": "B", "at": "2026-01-08T09:30:00Z", "action": "mql", "rule": "r.nurture:31"},
        {"lead": "B", "at": "2026-01-08T09:30:00Z", "action": "handoff", "rule": "r.nurture:42"},
        {
            "lead": "B",
            "at": "2026-01-08T09:30:00Z",
            "action": "task",
            "content": "call",
            "channel": "task",
            "due": "2026-01-09T09:30:00Z",
            "rule": "r.nurture:43",
        },
    ]
    db = sqlite3.connect(work / "n.db")
    late = db.execute("SELECT at, applied_at, late FROM events WHERE id = 'a3'").fetchone()
    assert late == (1767618000.0, 1767744000.0, 1)  # its own time; applied at the clock


def test_a_lead_row_supplied_again_updates_it(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--until", UNTIL)
    write(work, "leads.csv", "id,plan,size\nB,pro,3\n")  # B turns pro: fit 10 + 0 -> no mql yet
    write(work, "none.jsonl", events_text(("b2", "B", "clicked", "2026-01-07T09:00:00Z", CLICK)))
    code, _, err = run(capsys, events="none.jsonl")
    assert code == 0
    assert "0 new leads, 1 updated" in err
    assert read_jsonl(work / "a.jsonl")[11]["lead"] == "B"
    assert read_jsonl(work / "a.jsonl")[11]["action"] == "mql"
    assert read_jsonl(work / "a.jsonl")[11]["at"] == "2026-01-07T09:00:00Z"


def test_a_different_seed_later_is_refused(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--seed", "7")[0] == 0
    code, _, err = run(capsys, "--seed", "8")
    assert code == 1
    assert err.strip() == (
        "nurture run: n.db was started with --seed 7; it cannot continue with "
        "--seed 8 (leave --seed out, or use a new database for a new seed)"
    )
    assert run(capsys)[0] == 0  # leaving --seed out keeps 7


def test_changed_rules_are_refused_without_migrate(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys)
    write(work, "r.nurture", RULES.replace("+5 on clicked", "+6 on clicked"))
    code, _, err = run(capsys)
    assert code == 1
    assert "the rules differ from the last run on n.db:\n  r.nurture (changed)\n" in err
    assert "run again with --migrate" in err


def test_migrate_exits_leads_from_a_removed_step(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys)  # A and B wait at step 2 (wait 1d)
    write(work, "r.nurture", RULES.replace("  wait 1d\n", "  wait until clicked or 2d\n"))
    code, _, err = run(capsys, "--migrate", "--until", UNTIL)
    assert code == 0
    assert "migrated to the changed rules: r.nurture (changed)" in err
    assert read_jsonl(work / "a.jsonl")[7:] == [
        {
            "lead": "A",
            "at": "2026-01-05T12:00:00Z",
            "action": "exited",
            "sequence": "welcome",
            "reason": "rules changed",
            "rule": "r.nurture:36",
        },
        {
            "lead": "B",
            "at": "2026-01-05T12:00:00Z",
            "action": "exited",
            "sequence": "welcome",
            "reason": "rules changed",
            "rule": "r.nurture:36",
        },
    ]


def test_migrate_keeps_enrolments_at_the_same_step(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys)
    write(work, "r.nurture", RULES.replace("content call", "content extra  email\ncontent call"))
    code, _, _ = run(capsys, "--migrate", "--until", UNTIL)
    assert code == 0
    after = [
        (a["lead"], a["action"], a.get("content"), a["at"])
        for a in read_jsonl(work / "a.jsonl")[7:]
    ]
    assert after == [
        ("A", "send", "nudge", "2026-01-06T10:00:00Z"),
        ("A", "exited", None, "2026-01-06T10:00:00Z"),
        ("B", "send", "nudge", "2026-01-06T12:00:00Z"),
        ("B", "exited", None, "2026-01-06T12:00:00Z"),
    ]


ONE = """\
campaign "one"
stages s
content a1 email
policy:
  limit 1 per 1d
sequence one:
  enter on signed_up
  send a1
"""


def test_two_rule_files_share_the_touch_limit(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "one.nurture", ONE)
    write(
        work,
        "two.nurture",
        ONE.replace('"one"', '"two"').replace("a1", "b1").replace("sequence one", "sequence two"),
    )
    write(work, "e.jsonl", events_text(("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None)))
    code, _, _ = run(capsys, "--until", UNTIL, rules=("one.nurture", "two.nurture"))
    assert code == 0
    sends = [
        (a["content"], a["at"], a["program"])
        for a in read_jsonl(work / "a.jsonl")
        if a["action"] == "send"
    ]
    assert sends == [
        ("a1", "2026-01-05T10:00:00Z", "one.nurture"),
        ("b1", "2026-01-06T10:00:00Z", "two.nurture"),
    ]  # postponed a day


def test_same_seed_gives_byte_identical_actions(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = str(Path(__file__).parents[2] / "rules" / "b2b_saas_trial.nurture")
    generate(work, leads=150, events_per_lead=6)
    for name in ("one", "two"):
        code, _, _ = nurture(
            capsys,
            "run",
            rules,
            "--leads",
            "gen_leads.csv",
            "--events",
            "gen_events.jsonl",
            "--db",
            f"{name}.db",
            "--actions",
            f"{name}.jsonl",
            "--seed",
            "3",
        )
        assert code == 0
    one = (work / "one.jsonl").read_bytes()
    assert one == (work / "two.jsonl").read_bytes()
    assert b'"reason": "holdout"' in one  # the seed decided something


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--leads", "nope.csv"], "nurture run: nope.csv: no such file"),
        (["--leads", "."], "nurture run: .: is a directory, not a file"),
        (
            ["--leads", "leads.csv", "--events", "missing.jsonl"],
            "nurture run: missing.jsonl: no such file",
        ),
        (
            ["--leads", "bad.csv"],
            "nurture run: bad.csv: no 'id' column\n  hint: a CRM's export is read through a "
            "mapping file: --map FILE (rules/mappings/ has HubSpot's and Salesforce's; "
            "docs/MAPPINGS.md)",
        ),
    ],
)
def test_user_mistakes_exit_1_with_a_message(
    work: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    write(work, "bad.csv", "name,plan\nA,pro\n")
    code, _, err = nurture(capsys, "run", "r.nurture", *argv, "--db", "n.db")
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_bad_rule_file_exits_1_with_diagnostics(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", RULES.replace("stage warm when activity", "stage warm when activty"))
    code, _, err = run(capsys)
    assert code == 1
    assert "r.nurture:" in err and "activity" in err
    assert not (work / "n.db").exists()


def test_bad_until_is_bad_usage(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        run(capsys, "--until", "tomorrow")
    assert stop.value.code == 2


def test_standing_table_for_sql_readers(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--until", UNTIL)
    db = sqlite3.connect(work / "n.db")
    rows = db.execute(
        "SELECT lead, program, at, score, stage, scores, segments, mql, mql_at "
        "FROM standing ORDER BY lead"
    ).fetchall()
    assert rows == [
        (
            "A",
            "r.nurture",
            1767744000.0,
            15.0,
            "warm",
            '{"fit": 10.0, "activity": 5.0, "interest": 0.0}',
            "pro",
            1,
            1767610800.0,
        ),
        (
            "B",
            "r.nurture",
            1767744000.0,
            0.0,
            "new",
            '{"fit": 0.0, "activity": 0.0, "interest": 0.0}',
            "",
            0,
            None,
        ),
    ]


def test_rule_files_in_another_order_are_a_change(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "one.nurture", ONE)
    two = ONE.replace('"one"', '"two"').replace("sequence one", "sequence two")
    write(work, "two.nurture", two)
    assert run(capsys, rules=("one.nurture", "two.nurture"))[0] == 0
    code, _, err = run(capsys, rules=("two.nurture", "one.nurture"))
    assert code == 1
    assert "  the files' order (it was: one.nurture two.nurture)" in err


def test_a_partial_lead_file_updates_only_its_columns(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "--until", UNTIL)
    write(work, "leads.csv", "id,size\nA,50\nB,\n")  # A: size 50, plan kept; B: size cleared
    write(work, "none.jsonl", "")
    code, _, err = run(capsys, events="none.jsonl")  # a column left out must be said
    assert code == 1
    assert "leads.csv: no column for the lead: attribute the rules read:\n  'plan'\n" in err
    code, _, err = run(capsys, "--absent", "plan", events="none.jsonl")
    assert code == 0
    assert "0 new leads, 2 updated" in err
    db = sqlite3.connect(work / "n.db")
    attrs = dict(db.execute("SELECT id, attrs FROM leads ORDER BY id").fetchall())
    assert attrs == {"A": '{"plan":"pro","size":50.0}', "B": '{"plan":"free"}'}


def test_a_missing_column_stops_the_first_run_before_it_makes_a_database(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 4: a run without the `plan` column sent fewer actions, exit 0."""
    write(work, "leads.csv", "id,created_at,Size,plan\nA,2026-01-05T09:00:00Z,10,pro\n")
    code, out, err = run(capsys)
    assert (code, out) == (1, "")
    assert err == (
        "nurture run: leads.csv: no column for the lead: attribute the rules read:\n"
        "  'size': did you mean 'Size'?\n"
        "(every lead would have it missing; add the column, or give --absent size if the file "
        "leaves it out on purpose)\n"
    )
    assert sorted(p.name for p in work.iterdir()) == ["e.jsonl", "leads.csv", "r.nurture"]
