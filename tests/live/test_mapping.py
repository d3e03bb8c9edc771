"""CRM mappings: HubSpot- and Salesforce-shaped exports read through the shipped mappings, each
with a value map and a bad date, scored to the rows worked out by hand; `run --map` and
`--actions-csv`; a mapping's mistakes named with their line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, read_jsonl, write

ROOT = Path(__file__).resolve().parents[2]
B2B = str(ROOT / "rules" / "b2b_saas_trial.nurture")
HUBSPOT = str(ROOT / "rules" / "mappings" / "hubspot.toml")
SALESFORCE = str(ROOT / "rules" / "mappings" / "salesforce.toml")

CONTACTS = """\
Record ID,First Name,Email,Job Title,Industry,Number of Employees,Original Source,Lifecycle Stage,Create Date,Became a Customer Date,Contact owner
101,Ana,ana@acme.com,VP Marketing,finance,100-500,Organic search,lead,2026-01-05 09:30,,Sam Rep
102,Bo,bo@gmail.com,Analyst,retail,25-50,PAID_SEARCH,customer,2026-01-06 10:00,2026-01-20 12:00,Sam Rep
103,Cy,cy@x.com,Head of Growth,tech,1000+,Offline sources,lead,31/01/2026 09:00,,
104,Di,di@y.com,Analyst,media,5-25,Affiliates,lead,2026-01-07 08:00,,
"""  # noqa: E501 (an export's rows, as a CRM writes them)
LEADS_SF = """\
Id,FirstName,Email,Title,Industry,NumberOfEmployees,LeadSource,Status,CreatedDate,IsConverted,ConvertedDate,OwnerId
00Q1,Ana,ana@acme.com,Director of IT,Healthcare,800,Web,Open - Not Contacted,2026-01-05T09:30:00.000Z,false,,005A
00Q2,Bo,bo@gmail.com,Analyst,Retail,40,Purchased List,Closed - Converted,2026-01-06T10:00:00.000+0000,true,2026-01-21,005B
00Q3,Cy,cy@x.com,Manager,Technology,120,Trade Show,Working,2026-13-01T10:00:00.000Z,false,,005A
"""  # noqa: E501
HEAD = "id,fit,engagement,score,stage,segments,mql,sql,customer,mql_at,sql_at,unsubscribed,sunset"


def test_hubspot_export_scored_through_the_shipped_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """101: 100-500 employees read as 300, finance: enterprise (+15), a VP (+10); Organic search
    is `organic`. 102: 25-50 read as 38, gmail (-20); PAID_SEARCH is `trial_signup` (segment
    trial); its Became a Customer Date is a conversion. 103: a day-first date no format reads.
    104: a source the value map does not list."""
    path = write(tmp_path, "contacts.csv", CONTACTS)
    code, out, err = nurture(
        capsys, "score", B2B, "--map", HUBSPOT, "--leads", path, "--at", "2026-02-01T00:00:00Z"
    )
    assert out.splitlines() == [
        HEAD,
        "101,25.00,0.00,25.00,awareness,enterprise,false,false,false,,,false,false",
        "102,-20.00,0.00,-20.00,awareness,trial,false,false,true,,,false,false",
    ]
    assert code == 0  # rows were left out and listed (exit 1 only with --strict)
    assert err.splitlines() == [
        f"note: {path}: 1 column neither mapped nor read by the rules, kept with each lead "
        "unused: 'First Name'",
        f"note: {path}: has no column 'Time Zone' that {HUBSPOT} maps (those fields are missing "
        "for every lead)",
        "nurture score: 2 leads scored at 2026-02-01T00:00:00Z",
        "2 input rows rejected and left out:",
        f"  {path}:4: column 'Create Date': '31/01/2026 09:00' is not a time (read as "
        "%Y-%m-%d %H:%M, %Y-%m-%d %H:%M:%S, %m/%d/%Y %I:%M %p, %m/%d/%Y %H:%M, or ISO 8601)",
        f"  {path}:5: column 'source' (from 'Original Source'): 'Affiliates' is not one of "
        "'trial_signup', 'webinar', 'trade_show', 'organic'; map it under [values.source] in "
        f"{HUBSPOT}",
    ]


def test_salesforce_export_scored_through_the_shipped_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """00Q1: 800 employees (enterprise, +15), a Director (+10); Web is `trial_signup`. 00Q2:
    gmail (-20); Purchased List is `trade_show`; converted on 2026-01-21. 00Q3: month 13."""
    path = write(tmp_path, "Lead.csv", LEADS_SF)
    code, out, err = nurture(
        capsys,
        "score",
        B2B,
        "--map",
        SALESFORCE,
        "--leads",
        path,
        "--at",
        "2026-02-01T00:00:00Z",
        "--strict",
    )
    assert out.splitlines() == [
        HEAD,
        "00Q1,25.00,0.00,25.00,awareness,enterprise;trial,false,false,false,,,false,false",
        "00Q2,-20.00,0.00,-20.00,awareness,,false,false,true,,,false,false",
    ]
    assert code == 1  # --strict: a row was left out
    assert err.splitlines()[-1] == (
        f"  {path}:4: column 'CreatedDate': '2026-13-01T10:00:00.000Z' is not an ISO 8601 time "
        f"(give the column's formats under [dates] in {SALESFORCE})"
    )
    assert err.splitlines()[0] == (
        f"note: {path}: 2 columns neither mapped nor read by the rules, kept with each lead "
        "unused: 'FirstName', 'IsConverted'"
    )


# A mapping of a made-up CRM onto the runner test's rules (plan, size).
MAPPING = """\
[mapping]
crm = "Example CRM"
timezone = "Europe/Paris"

[columns]
"Contact ID" = "id"
"Signed up" = "created_at"
"Plan" = "plan"
"Seats" = "size"
"Owner" = "owner"

[dates]
"Signed up" = "%d/%m/%Y %H:%M"

[values.plan]
"Professional" = "pro"
"Starter" = "free"

[actions]
lead = "Contact ID"
owner = "Assigned to"
"""
CRM = """\
Contact ID,Signed up,Plan,Seats,Owner
C1,05/01/2026 10:00,Professional,12,Jo
C2,05/01/2026 11:00,Starter,3,
"""


def test_run_map_and_actions_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """C1 is `pro` (+10) and clicks (+5): 15, MQL, handed off with its call task, which the CSV
    gives to its owner. Times are Paris time (UTC+1 in January)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "m.toml", MAPPING)
    write(tmp_path, "crm.csv", CRM)
    write(
        tmp_path,
        "e.jsonl",
        events_text(
            (
                "e1",
                "C1",
                "clicked",
                "2026-01-05T12:00:00Z",
                {"content": "hello", "channel": "email"},
            )
        ),
    )
    code, _, err = nurture(
        capsys,
        "run",
        "r.nurture",
        "--map",
        "m.toml",
        "--leads",
        "crm.csv",
        "--events",
        "e.jsonl",
        "--db",
        "n.db",
        "--actions",
        "a.jsonl",
        "--actions-csv",
        "a.csv",
        "--until",
        "2026-01-06T00:00:00Z",
    )
    assert code == 0, err
    assert "2 new leads; 1 events accepted" in err
    with open(tmp_path / "a.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        [
            "Contact ID",
            "time",
            "what",
            "content",
            "channel",
            "sequence",
            "step",
            "due",
            "Assigned to",
            "rule",
        ],
        ["C1", "2026-01-05T12:00:00Z", "mql", "", "", "", "", "", "Jo", "r.nurture:31"],
        ["C1", "2026-01-05T12:00:00Z", "handoff", "", "", "", "", "", "Jo", "r.nurture:42"],
        [
            "C1",
            "2026-01-05T12:00:00Z",
            "task",
            "call",
            "task",
            "",
            "",
            "2026-01-06T12:00:00Z",
            "Jo",
            "r.nurture:43",
        ],
    ]
    assert [a["action"] for a in read_jsonl(tmp_path / "a.jsonl")] == ["mql", "handoff", "task"]
    code, out, _ = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "C2", "--json")
    assert json.loads(out)["entries"][0] == {
        "at": "2026-01-05T10:00:00Z",  # 11:00 in Paris
        "kind": "created",
        "message": "lead created",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[mapping]\ncrm = "x"\n\n[colums]\n"ID" = "id"\n',
            "m.toml:4: unknown section 'colums' (sections: mapping, columns, dates, values, "
            "defaults, events, actions)",
        ),
        (
            '[columns]\n"Name" = "plan"\n',
            'm.toml:1: no column is mapped to id: write `"<the CRM\'s id column>" = "id"` '
            "under [columns]",
        ),
        (
            '[mapping]\ntimezone = "Mars/Olympus"\n[columns]\n"ID" = "id"\n',
            "m.toml:2: unknown time zone 'Mars/Olympus'",
        ),
        (
            '[columns]\n"ID" = "id"\n[actions]\nleed = "ID"\n',
            "m.toml:4: unknown actions column 'leed' (columns: lead, time, what, content, "
            "channel, sequence, step, due, owner, rule)",
        ),
        (
            "[columns\n",
            "m.toml: not TOML: Expected ']' at the end of a table declaration "
            "(at line 1, column 9)",
        ),
    ],
)
def test_a_mapping_mistake_is_named_with_its_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "m.toml", text)
    write(tmp_path, "crm.csv", CRM)
    code, out, err = nurture(capsys, "score", "r.nurture", "--map", "m.toml", "--leads", "crm.csv")
    assert (code, out) == (1, "")
    assert err.splitlines() == [message]


def test_an_attribute_no_column_gives_is_an_error_with_the_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rules read `size`; the mapping gives nothing for it: never silently missing."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", RULES)
    write(tmp_path, "m.toml", MAPPING.replace('"Seats" = "size"\n', ""))
    write(tmp_path, "crm.csv", CRM.replace("Seats", "size_"))
    code, out, err = nurture(capsys, "score", "r.nurture", "--map", "m.toml", "--leads", "crm.csv")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "crm.csv: no column gives 'size', which the rules read (did you mean "
        "'size_'?): map one of the export's columns to it under [columns] in m.toml, give it "
        "under [defaults], or list it in absent = [...]"
    ]
