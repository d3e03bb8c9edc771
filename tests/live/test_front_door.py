"""The front door of `live/` (what the command line and the TUI call): typed results of run,
migrate, score and explain, and the user's mistakes as named errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from runkit import RULES, events_text, write

import dsl
import live
from engine import LeadView, parse_time

LEADS = "id,created_at,plan,size\nA1,2026-01-05T09:00:00Z,pro,10\nB2,2026-01-05T09:30:00Z,free,3\n"
EVENTS = events_text(
    ("a1", "A1", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A1", "clicked", "2026-01-05T11:00:00Z", {"content": "hello", "channel": "email"}),
    ("a2", "A1", "visited", "2026-01-05T11:30:00Z", None),  # the same id again: applied once
    ("b1", "B2", "opened", "2026-01-05T12:00:00Z", None),
    ("x1", "ZZ", "opened", "2026-01-05T12:00:00Z", None),  # no such lead
)


def t(text: str) -> float:
    return parse_time(text)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    return tmp_path


def _run(until: str = "2026-01-05T12:00:00Z") -> live.RunReport:
    options = live.RunOptions(
        rule_files=["r.nurture"],
        programs=[dsl.load_program("r.nurture")],
        leads_path="leads.csv",
        events_path="e.jsonl",
        db_path="n.db",
        until=t(until),
        actions_path="a.jsonl",
    )
    return live.run(options, io.StringIO())


def test_score_gives_each_leads_standing_as_a_lead_view(work: Path) -> None:
    program = dsl.load_program("r.nurture")
    result = live.score(program, "leads.csv", "e.jsonl")
    assert result.at == t("2026-01-05T12:00:00Z")  # the latest time in the input
    assert (result.after_at, result.not_yet) == (0, 0)
    assert [str(r) for r in result.rejected] == ["e.jsonl:5: unknown lead 'ZZ'"]
    # A1: +10 fit (pro), +5 activity (the click; the visit has the click's id: left out),
    # stage warm (activity >= 5), mql at the click (score 15 >= 15). B2: +1 activity.
    assert result.rows == [
        LeadView(
            lead="A1",
            at=t("2026-01-05T12:00:00Z"),
            scores={"fit": 10.0, "activity": 5.0, "interest": 0.0},
            score=15.0,
            stage="warm",
            segments=["pro"],
            mql=True,
            sql=False,
            customer=False,
            unsubscribed=False,
            sunset=False,
            mql_at=t("2026-01-05T11:00:00Z"),
            sql_at=None,
        ),
        LeadView(
            lead="B2",
            at=t("2026-01-05T12:00:00Z"),
            scores={"fit": 0.0, "activity": 1.0, "interest": 0.0},
            score=1.0,
            stage="new",
            segments=[],
            mql=False,
            sql=False,
            customer=False,
            unsubscribed=False,
            sunset=False,
            mql_at=None,
            sql_at=None,
        ),
    ]
    assert live.score_table(program, result.rows) == (
        "id,fit,activity,interest,score,stage,segments,mql,sql,customer,mql_at,sql_at,"
        "unsubscribed,sunset\n"
        "A1,10.00,5.00,0.00,15.00,warm,pro,true,false,false,2026-01-05T11:00:00Z,,false,false\n"
        "B2,0.00,1.00,0.00,1.00,new,,false,false,false,,,false,false\n"
    )
    assert json.loads(live.score_table(program, result.rows, jsonl=True).splitlines()[1]) == {
        "id": "B2",
        "fit": 0.0,
        "activity": 1.0,
        "interest": 0.0,
        "score": 1.0,
        "stage": "new",
        "segments": "",
        "mql": False,
        "sql": False,
        "customer": False,
        "mql_at": None,
        "sql_at": None,
        "unsubscribed": False,
        "sunset": False,
    }


def test_score_at_an_earlier_instant_leaves_later_events_and_leads_out(work: Path) -> None:
    program = dsl.load_program("r.nurture")
    result = live.score(program, "leads.csv", "e.jsonl", at=t("2026-01-05T09:15:00Z"))
    assert [row.lead for row in result.rows] == ["A1"]
    assert (result.after_at, result.not_yet) == (3, 1)  # a1, a2, b1; B2 created at 09:30


def test_a_file_that_cannot_be_read_is_an_input_error(work: Path) -> None:
    program = dsl.load_program("r.nurture")
    with pytest.raises(live.InputError, match="nope.csv"):
        live.score(program, "nope.csv")


def test_explain_gives_the_standing_and_the_trail(work: Path) -> None:
    _run()
    found = live.explain(["r.nurture"], [dsl.load_program("r.nurture")], "n.db", "A1")
    assert isinstance(found, live.LeadExplanation)
    assert (found.lead, found.clock) == ("A1", t("2026-01-05T12:00:00Z"))
    [standing] = found.standing
    assert standing.file == "r.nurture"
    assert (standing.view.score, standing.view.stage, standing.view.mql) == (15.0, "warm", True)
    fit = "+10 fit: fit rule holds"
    assert found.entries[:2] == [
        live.TrailEntry(t("2026-01-05T09:00:00Z"), "created", "lead created", None, None),
        live.TrailEntry(t("2026-01-05T09:00:00Z"), "fit", fit, "r.nurture:18", "when pro"),
    ]
    assert (
        live.TrailEntry(
            t("2026-01-05T11:00:00Z"), "points", "+5 activity on clicked", "r.nurture:21"
        )
        in found.entries
    )
    data = found.to_dict()
    assert (data["lead"], data["clock"]) == ("A1", "2026-01-05T12:00:00Z")
    assert data["standing"][0]["mql_at"] == "2026-01-05T11:00:00Z"
    assert data["entries"][1] == {
        "at": "2026-01-05T09:00:00Z",
        "kind": "fit",
        "message": "+10 fit: fit rule holds",
        "rule": "r.nurture:18",
        "condition": "when pro",
    }


def test_explain_of_an_unknown_lead_names_the_ones_it_may_mean(work: Path) -> None:
    _run()
    with pytest.raises(live.ExplainError) as caught:
        live.explain(["r.nurture"], [dsl.load_program("r.nurture")], "n.db", "a1")
    assert str(caught.value) == "no lead 'a1' in n.db (did you mean 'A1'?)"
    assert caught.value.suggestions == ["A1"]
    assert live.lead_ids("n.db") == ["A1", "B2"]


def test_explain_under_changed_rules_is_refused(work: Path) -> None:
    _run()
    write(work, "r.nurture", RULES + "\n")
    with pytest.raises(live.ExplainError, match=r"rules differ .*: r.nurture \(changed\)"):
        live.explain(["r.nurture"], [dsl.load_program("r.nurture")], "n.db", "A1")


def test_migrate_carries_the_database_over_to_changed_rules(work: Path) -> None:
    report = _run()
    # A1: enrolled and hello sent at the sign-up; mql, handoff and its task at the click; the
    # nudge waits a day (after --until). B2: one open, no action.
    assert report.actions == 5
    gone = RULES.replace("sequence welcome:", "sequence hello_again:")
    write(work, "r.nurture", gone)
    out = io.StringIO()
    report = live.migrate(["r.nurture"], [dsl.load_program("r.nurture")], "n.db", out)
    assert report.migrated == ["r.nurture (changed)"]
    # A1 waited in `welcome` (its wait of 1d): the sequence is gone, so it exits
    assert [json.loads(line) for line in out.getvalue().splitlines()] == [
        {
            "lead": "A1",
            "at": "2026-01-05T12:00:00Z",
            "action": "exited",
            "sequence": "welcome",
            "reason": "rules changed",
            "rule": "r.nurture:36",  # the sequence's line
        }
    ]
    # run again with no change: nothing more to migrate
    again = live.migrate(["r.nurture"], [dsl.load_program("r.nurture")], "n.db", io.StringIO())
    assert again.migrated == [] and again.actions == 0
