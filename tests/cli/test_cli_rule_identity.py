"""A live database knows its rule files by campaign name and content, not by path (issue 11,
item 3): the same file moved, copied, renamed or given by another path runs on as before; a
changed file is refused without --migrate; the params in force stay part of its identity."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, read_jsonl, write

LEADS = "id,created_at,plan,size\nA,2026-01-05T09:00:00Z,pro,10\nB,2026-01-05T09:00:00Z,free,3\n"
CLICK = {"content": "hello", "channel": "email"}
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None),
    ("b1", "B", "signed_up", "2026-01-05T12:00:00Z", None),
)
MORE = events_text(("b2", "B", "clicked", "2026-01-06T13:00:00Z", CLICK))
WITH_PARAM = RULES.replace("mql when score >= 15", "param mql_at = 15\n\nmql when score >= mql_at")


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    write(tmp_path, "more.jsonl", MORE)
    return tmp_path


def run(
    capsys: pytest.CaptureFixture[str], rules: str, events: str = "e.jsonl", *extra: str
) -> tuple[int, str, str]:
    return nurture(
        capsys,
        "run",
        rules,
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


def test_a_file_moved_to_another_folder_runs_on(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "r.nurture")[0] == 0
    (work / "campaigns").mkdir()
    shutil.move(work / "r.nurture", work / "campaigns" / "renamed.nurture")
    code, _, err = run(capsys, "campaigns/renamed.nurture", "more.jsonl")
    assert code == 0, err
    assert err.splitlines()[0] == "nurture run: 0 new leads; 1 events accepted"
    # A and B carry on from step 2 of the sequence they entered with r.nurture
    after = read_jsonl(work / "a.jsonl")[4:]  # the file gathers every run's actions
    assert [(a["lead"], a["action"], a.get("content"), a["rule"]) for a in after] == [
        ("A", "send", "nudge", "campaigns/renamed.nurture:40"),
        ("A", "exited", None, "campaigns/renamed.nurture:36"),
        ("B", "send", "nudge", "campaigns/renamed.nurture:40"),
        ("B", "exited", None, "campaigns/renamed.nurture:36"),
    ]


def test_a_copy_by_absolute_path_from_another_folder_runs_on(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "r.nurture")[0] == 0
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(work / "r.nurture", elsewhere / "copy.nurture")
    code, _, err = run(capsys, str(elsewhere / "copy.nurture"), "more.jsonl")
    assert code == 0, err
    # and explain reads the database with the copy, from another working folder
    monkeypatch.chdir(elsewhere)
    code, out, err = nurture(capsys, "explain", "copy.nurture", "--db", "../n.db", "B")
    assert code == 0, err
    assert out.splitlines()[0] == "lead B at 2026-01-06T13:00:00Z"


def test_a_moved_and_changed_file_is_refused_by_its_new_path(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "r.nurture")[0] == 0
    (work / "r.nurture").unlink()
    write(work, "v2.nurture", RULES.replace("+5 on clicked", "+6 on clicked"))
    code, _, err = run(capsys, "v2.nurture", "more.jsonl")
    assert code == 1
    assert err == (
        "nurture run: the rules differ from the last run on n.db:\n"
        "  v2.nurture (changed)\n"
        "run again with --migrate to keep each lead's enrolments by sequence name and step "
        "position (leads in removed steps exit with reason 'rules changed')\n"
    )


def test_migrate_of_a_moved_file_keeps_its_enrolments(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "r.nurture")[0] == 0  # A and B wait at step 2 (wait 1d)
    (work / "r.nurture").unlink()
    write(work, "v2.nurture", RULES.replace("content call", "content extra  email\ncontent call"))
    code, _, err = run(capsys, "v2.nurture", "more.jsonl", "--migrate")
    assert code == 0, err
    assert "migrated to the changed rules: v2.nurture (changed)" in err
    after = read_jsonl(work / "a.jsonl")[4:]
    assert [(a["lead"], a["action"], a.get("reason")) for a in after] == [
        ("A", "send", None),
        ("A", "exited", "completed"),
        ("B", "send", None),
        ("B", "exited", "completed"),
    ]  # no exit with reason 'rules changed': the campaign is the same


def test_another_campaign_is_another_rule_file(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "r.nurture")[0] == 0
    write(work, "other.nurture", RULES.replace('"runner test"', '"spring promo"'))
    code, _, err = run(capsys, "other.nurture", "more.jsonl")
    assert code == 1
    assert err.splitlines()[1:3] == ["  other.nurture (new)", "  r.nurture (no longer given)"]


def test_params_in_force_stay_part_of_a_moved_files_identity(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "r.nurture", WITH_PARAM)
    assert run(capsys, "r.nurture", "e.jsonl", "--set", "mql_at=15")[0] == 0
    (work / "sub").mkdir()
    shutil.move(work / "r.nurture", work / "sub" / "r.nurture")
    code, _, err = run(capsys, "sub/r.nurture", "more.jsonl", "--set", "mql_at=30")
    assert code == 1
    assert err.splitlines()[1] == "  sub/r.nurture (param values changed: mql_at 15 -> 30)"
    assert run(capsys, "sub/r.nurture", "more.jsonl")[0] == 0  # 15, the file's own value


def test_a_database_written_when_paths_were_keys_runs_on(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "r.nurture")[0] == 0
    db = sqlite3.connect(work / "n.db")
    (stored,) = db.execute("SELECT value FROM meta WHERE key = 'rules'").fetchone()
    digest = json.loads(stored)["runner test"].split("+path:")[0]
    layout = json.loads(db.execute("SELECT value FROM meta WHERE key = 'layout'").fetchone()[0])
    del layout[0]["campaign"]
    with db:  # as the database was before: {path: hash}, a layout without campaign names
        db.execute(
            "UPDATE meta SET value = ? WHERE key = 'rules'", (json.dumps({"r.nurture": digest}),)
        )
        db.execute("UPDATE meta SET value = ? WHERE key = 'layout'", (json.dumps(layout),))
    db.close()
    write(work, "r.nurture", RULES.replace("+5 on clicked", "+6 on clicked"))
    code, _, err = run(capsys, "r.nurture", "more.jsonl")
    assert code == 1
    assert err.splitlines()[1] == "  r.nurture (changed)"  # known by its path
    write(work, "r.nurture", RULES)
    shutil.move(work / "r.nurture", work / "moved.nurture")
    code, _, err = run(capsys, "moved.nurture", "more.jsonl")  # known by its content
    assert code == 0, err
    db = sqlite3.connect(work / "n.db")
    (stored,) = db.execute("SELECT value FROM meta WHERE key = 'rules'").fetchone()
    assert json.loads(stored) == {"runner test": digest + "+path:moved.nurture"}
