"""`nurture score`: exact rows for a small fixture computed by hand from DSL.md."""

from __future__ import annotations

from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, read_jsonl, write

LEADS = (
    "id,created_at,plan,size\nA,2026-01-05T09:00:00Z,pro,10\n"
    "B,2026-01-05T09:00:00Z,free,3\nC,2026-01-05T09:00:00Z,,\n"
)
OPEN = {"content": "hello", "channel": "email"}
EVENTS = events_text(
    ("e1", "A", "clicked", "2026-01-05T10:00:00Z", OPEN),  # activity +5: score 15 -> mql
    ("e2", "A", "opened", "2026-01-05T10:10:00Z", OPEN),  # +1
    ("e3", "A", "opened", "2026-01-05T10:20:00Z", OPEN),  # +1 (cap 2 per 1d reached)
    ("e4", "A", "opened", "2026-01-05T10:30:00Z", OPEN),  # +0
    ("e5", "A", "visited", "2026-01-05T12:00:00Z", {"page": "pricing"}),  # interest +10
    ("e6", "B", "opened", "2026-01-05T11:00:00Z", OPEN),  # activity +1
    ("e7", "B", "visited", "2026-01-06T00:00:00Z", {"page": "docs"}),  # interest +10
)
HEADER = (
    "id,fit,activity,interest,score,stage,segments,mql,sql,customer,mql_at,sql_at,"
    "unsubscribed,sunset"
)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    return tmp_path


def test_score_csv_at_a_given_time(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = nurture(
        capsys,
        "score",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "--at",
        "2026-01-06T12:00:00Z",
    )
    assert code == 0
    # A: interest 10 * 0.5^(24h / 1d) = 5; B: 10 * 0.5^(12h / 1d) = 7.0711
    assert (
        out
        == "\n".join(
            [
                HEADER,
                "A,10.00,7.00,5.00,22.00,hot,pro,true,false,false,2026-01-05T10:00:00Z,,false,false",
                "B,0.00,1.00,7.07,8.07,new,,false,false,false,,,false,false",
                "C,0.00,0.00,0.00,0.00,new,,false,false,false,,,false,false",
            ]
        )
        + "\n"
    )
    assert "3 leads scored at 2026-01-06T12:00:00Z" in err


def test_score_jsonl_defaults_to_the_latest_time(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = nurture(
        capsys,
        "score",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "-o",
        "out.jsonl",
    )
    assert code == 0
    assert out == ""
    rows = read_jsonl(work / "out.jsonl")  # at 2026-01-06T00:00Z, the last event
    assert rows[0] == {
        "id": "A",
        "fit": 10.0,
        "activity": 7.0,
        "interest": 7.07,
        "score": 24.07,
        "stage": "hot",
        "segments": "pro",
        "mql": True,
        "sql": False,
        "customer": False,
        "mql_at": "2026-01-05T10:00:00Z",
        "sql_at": None,
        "unsubscribed": False,
        "sunset": False,
    }
    assert rows[1]["interest"] == 10.0
    assert rows[1]["mql"] is False


def test_events_after_at_are_not_applied(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = nurture(
        capsys,
        "score",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "--at",
        "2026-01-05T10:05:00Z",
    )
    assert code == 0
    assert out.splitlines()[1] == (
        "A,10.00,5.00,0.00,15.00,warm,pro,true,false,false,2026-01-05T10:00:00Z,,false,false"
    )
    assert "6 events after 2026-01-05T10:05:00Z not applied" in err


def test_bad_rows_are_reported_and_left_out(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """As `nurture run` does: listed, left out, exit 0; with --strict, exit 1."""
    write(work, "leads.csv", LEADS + "D,,gold,1\n")
    code, out, err = nurture(capsys, "score", "r.nurture", "--leads", "leads.csv")
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()] == ["id", "A", "B", "C"]
    assert err.splitlines()[-2:] == [
        "1 input row rejected and left out:",
        "  leads.csv:5: column 'plan': 'gold' is not one of 'free', 'pro'",
    ]
    code, out2, err2 = nurture(capsys, "score", "r.nurture", "--leads", "leads.csv", "--strict")
    assert (code, out2, err2) == (1, out, err)


def test_missing_leads_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = nurture(capsys, "score", "r.nurture", "--leads", "none.csv")
    assert code == 1
    assert err.strip() == "nurture score: none.csv: no such file"


def test_leads_created_after_at_are_left_out_and_counted(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "leads.csv", LEADS + "D,2026-02-01T00:00:00Z,free,1\n")
    code, out, err = nurture(
        capsys, "score", "r.nurture", "--leads", "leads.csv", "--at", "2026-01-10T00:00:00Z"
    )
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()] == ["id", "A", "B", "C"]
    assert "1 leads created after 2026-01-10T00:00:00Z left out" in err


def test_a_misspelt_column_is_named_with_the_header_it_may_be(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 4: `Plan` for `plan` scored every lead without its plan, exit 0."""
    write(work, "leads.csv", LEADS.replace("plan", "Plan", 1))
    code, out, err = nurture(capsys, "score", "r.nurture", "--leads", "leads.csv", "--strict")
    assert (code, out) == (1, "")
    assert err == (
        "nurture score: leads.csv: no column for the lead: attribute the rules read:\n"
        "  'plan': did you mean 'Plan'?\n"
        "(every lead would have it missing; add the column, or give --absent plan if the file "
        "leaves it out on purpose)\n"
    )


def test_json_lines_leads_need_each_attribute_in_some_line(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "leads.jsonl", '{"id": "A", "plan": "pro"}\n{"id": "B", "plan": "free"}\n')
    code, _, err = nurture(capsys, "score", "r.nurture", "--leads", "leads.jsonl")
    assert code == 1
    assert err.splitlines()[:2] == [
        "nurture score: leads.jsonl: no column for the lead: attribute the rules read:",
        "  'size'",
    ]
    write(work, "leads.jsonl", '{"id": "A", "plan": "pro"}\n{"id": "B", "size": 3}\n')
    code, out, _ = nurture(capsys, "score", "r.nurture", "--leads", "leads.jsonl")
    assert code == 0
    assert [line.split(",")[0] for line in out.splitlines()] == ["id", "A", "B"]


def test_absent_on_purpose(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(work, "leads.csv", "id,created_at,size\nA,2026-01-05T09:00:00Z,10\n")
    code, out, _ = nurture(capsys, "score", "r.nurture", "--leads", "leads.csv", "--absent", "plan")
    assert code == 0
    assert out.splitlines()[1] == "A,0.00,0.00,0.00,0.00,new,,false,false,false,,,false,false"
    code, _, err = nurture(capsys, "score", "r.nurture", "--leads", "leads.csv", "--absent", "plna")
    assert code == 1
    assert err == (
        "nurture score: --absent plna: not an attribute of the rules' lead: block "
        "(did you mean 'plan'?)\n"
    )


def test_a_score_that_fails_keeps_the_output_file_as_it_was(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(work, "out.csv", "yesterday's table\n")
    write(work, "leads.jsonl", '{"id": "A"}\n')  # no column for plan nor size
    code, out, err = nurture(
        capsys, "score", "r.nurture", "--leads", "leads.jsonl", "-o", "out.csv"
    )
    assert (code, out) == (1, "")
    assert err.startswith("nurture score: leads.jsonl: no column for the lead: attributes the ")
    assert (work / "out.csv").read_text() == "yesterday's table\n"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("out")) == ["out.csv"]
    code, _, err = nurture(capsys, "score", "r.nurture", "--leads", "leads.csv", "-o", "out.csv")
    assert code == 0
    assert (work / "out.csv").read_text().splitlines()[0] == HEADER
