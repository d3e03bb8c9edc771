"""`calibrate` and `backtest --map FILE`: a HubSpot-shaped and a Salesforce-shaped export read
through the shipped mappings (`rules/mappings/*.toml`), the same reader as `nurture run --map`.

One history is written twice: as the CRM's export (its column names, its values, its date
format, conversions as a date column) with the live events file, and in the live formats
(`leads.csv` with our names and values, conversions as `converted` events). Each export has one
row whose date the mapping cannot read: it is rejected with its line, and its lead's event in the
events file is rejected as that of a lead whose row was rejected. The fit and the backtest of
the two must be the same, number for number (`--by source`: the personas are the value map's
sources, so a value read wrong would move a lead to another persona).

40 leads, 3 on each of 2026-01-05..11 (the i-th created on day 5 + i % 7 at hour i % 20, minute
i); lead i's Original Source / Lead Source is the i % 4-th of the CRM's four values below; every
lead is sent `welcome` by e-mail an hour after it came, every third opens it, every fifth visits
the pricing page a day later, and every fourth (i % 4 == 1, all from the CRM's paid source)
becomes a customer 9 days after it came, at 12:i.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import nurture, write

from cli.main import main

ROOT = Path(__file__).resolve().parents[2]
B2B = str(ROOT / "rules" / "b2b_saas_trial.nurture")
HUBSPOT = str(ROOT / "rules" / "mappings" / "hubspot.toml")
SALESFORCE = str(ROOT / "rules" / "mappings" / "salesforce.toml")

# the CRM's source value -> the playbook's (the shipped value maps, by hand)
HUBSPOT_SOURCES = {
    "Organic search": "organic",
    "PAID_SEARCH": "trial_signup",
    "Email marketing": "webinar",
    "Offline sources": "trade_show",
}
SALESFORCE_SOURCES = {
    "Phone Inquiry": "organic",
    "Web": "trial_signup",
    "Webinar": "webinar",
    "Purchased List": "trade_show",
}
HUBSPOT_SIZES = {"100-500": 300, "25-50": 38, "1000+": 1000}  # a dropdown's range: its middle
HUBSPOT_HEAD = (
    "Record ID,First Name,Email,Job Title,Industry,Number of Employees,Original Source,"
    "Lifecycle Stage,Create Date,Became a Customer Date,Contact owner"
)
SALESFORCE_HEAD = (
    "Id,FirstName,Email,Title,Industry,NumberOfEmployees,LeadSource,Status,CreatedDate,"
    "IsConverted,ConvertedDate,OwnerId"
)


def _when(i: int, hour_after: int = 0, days_after: int = 0) -> tuple[int, int, int]:
    return 5 + i % 7 + days_after, i % 20 + hour_after, i


def _iso(day: int, hour: int, minute: int, second: int = 0) -> str:
    return f"2026-01-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def _history(folder: Path, crm: str) -> dict[str, str]:
    """The export, the events file, and the same history in the live formats; paths by name."""
    sources = HUBSPOT_SOURCES if crm == "hubspot" else SALESFORCE_SOURCES
    export = [HUBSPOT_HEAD if crm == "hubspot" else SALESFORCE_HEAD]
    live = ["id,created_at,company_size,industry,title,email,source"]
    events: list[dict[str, object]] = []
    converted: list[dict[str, object]] = []
    for i in range(1, 41):
        lead = f"{100 + i}" if crm == "hubspot" else f"00Q{i}"
        theirs = list(sources)[i % 4]
        day, hour, minute = _when(i)
        bucket = list(HUBSPOT_SIZES)[i % 3]
        size = HUBSPOT_SIZES[bucket]
        bought = _iso(day + 9, 12, minute) if i % 4 == 1 else ""
        if crm == "hubspot":
            created = f"2026-01-{day:02d} {hour:02d}:{minute:02d}"  # the export's own format
            customer = bought[:16].replace("T", " ")
            export.append(
                f"{lead},N{i},p{i}@acme.com,Analyst,retail,{bucket},{theirs},lead,{created},"
                f"{customer},Sam Rep"
            )
        else:
            created = _iso(day, hour, minute).replace("Z", ".000Z")  # Data Loader's ISO 8601
            flag = "true" if bought else "false"
            export.append(
                f"{lead},N{i},p{i}@acme.com,Analyst,Retail,{size},{theirs},Open,{created},"
                f"{flag},{bought},005A"
            )
        industry = "retail" if crm == "hubspot" else "Retail"
        live.append(
            f"{lead},{_iso(day, hour, minute)},{size},{industry},Analyst,p{i}@acme.com,"
            f"{sources[theirs]}"
        )
        email = {"content": "welcome", "channel": "email"}
        sent = _iso(*_when(i, hour_after=1))
        events.append({"id": f"d{i}", "lead": lead, "type": "delivered", "at": sent})
        events[-1]["props"] = email
        if i % 3 == 0:
            opened = _iso(*_when(i, hour_after=1), second=30)
            events.append({"id": f"o{i}", "lead": lead, "type": "opened", "at": opened})
            events[-1]["props"] = email
        if i % 5 == 0:
            visit = _iso(*_when(i, days_after=1))
            events.append({"id": f"v{i}", "lead": lead, "type": "visited", "at": visit})
            events[-1]["props"] = {"page": "pricing"}
        if bought:
            converted.append({"id": f"c{i}", "lead": lead, "type": "converted", "at": bought})
    bad = (
        "199,Cy,cy@x.com,Analyst,retail,25-50,PAID_SEARCH,lead,31/01/2026 09:00,,"
        if crm == "hubspot"
        else "00QX,Cy,cy@x.com,Analyst,Retail,40,Web,Open,2026-13-01T10:00:00.000Z,false,,005A"
    )
    export.insert(4, bad)  # line 5
    stray = "199" if crm == "hubspot" else "00QX"
    events.insert(0, {"id": "d0", "lead": stray, "type": "delivered", "at": _iso(6, 10, 0)})
    events[0]["props"] = {"content": "welcome", "channel": "email"}
    lines = [json.dumps(e) + "\n" for e in events]
    name = "contacts.csv" if crm == "hubspot" else "Lead.csv"
    return {
        "export": write(folder, name, "\n".join(export) + "\n"),
        "events": write(folder, "events.jsonl", "".join(lines)),
        "leads": write(folder, "leads.csv", "\n".join(live) + "\n"),
        "live_events": write(
            folder, "live_events.jsonl", "".join(lines + [json.dumps(c) + "\n" for c in converted])
        ),
    }


HUBSPOT_SAID = [
    "note: {export}: 1 column neither mapped nor read by the rules, kept with each lead unused: "
    "'First Name'",
    "note: {export}: has no column 'Time Zone' that {mapping} maps (those fields are missing "
    "for every lead)",
    "2 rows rejected and left out:",
    "  {export}:5: column 'Create Date': '31/01/2026 09:00' is not a time (read as "
    "%Y-%m-%d %H:%M, %Y-%m-%d %H:%M:%S, %m/%d/%Y %I:%M %p, %m/%d/%Y %H:%M, or ISO 8601)",
    "  {events}:1: unknown lead '199' (its lead row was rejected)",
]
SALESFORCE_SAID = [
    "note: {export}: 2 columns neither mapped nor read by the rules, kept with each lead "
    "unused: 'FirstName', 'IsConverted'",
    "2 rows rejected and left out:",
    "  {export}:5: column 'CreatedDate': '2026-13-01T10:00:00.000Z' is not an ISO 8601 time "
    "(give the column's formats under [dates] in {mapping})",
    "  {events}:1: unknown lead '00QX' (its lead row was rejected)",
]
SUMMARY = [
    "History: {export} + {events}",
    "  40 leads, 71 events, 2026-01-05T01:21:00Z to 2026-01-20T12:13:00Z",
    "  events by type: converted 10, delivered 40, opened 13, visited 8",
    "  10 leads converted (25.00%), revenue 0.00",
    "  40 leads were touched",
]
CASES = [("hubspot", HUBSPOT, HUBSPOT_SAID), ("salesforce", SALESFORCE, SALESFORCE_SAID)]


def _same(text: str, paths: dict[str, str], crm: bool) -> str:
    """The output with the history's paths said the same way for both readings."""
    leads, events = (
        (paths["export"], paths["events"]) if crm else (paths["leads"], paths["live_events"])
    )
    return text.replace(f"{leads} + {events}", "HISTORY")


@pytest.mark.parametrize(("crm", "mapping", "said"), CASES)
def test_calibrate_reads_a_crm_export_through_the_shipped_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crm: str, mapping: str, said: list[str]
) -> None:
    paths = _history(tmp_path, crm)
    fitted, live = tmp_path / "crm.toml", tmp_path / "live.toml"
    history = ["--history", paths["export"], paths["events"]]
    args = [B2B, "--by", "source", "--map", mapping, *history, "-o", str(fitted)]
    code, out, err = nurture(capsys, "calibrate", *args)
    assert code == 0, err
    lines = [line.format(mapping=mapping, **paths) for line in said]
    assert err.splitlines() == [*lines, f"wrote the fitted scenario to {fitted}"]
    summary = [line.format(**paths) for line in SUMMARY]
    assert out.splitlines()[: len(summary)] == summary  # said once, in the report
    # the personas are the value map's sources; the paid source's leads are the 10 customers
    assert "organic 25.0%, trade_show 25.0%, trial_signup 25.0%, webinar 25.0%" in out
    assert "personas.trial_signup.behaviour.conversion_per_day" in out
    history = ["--history", paths["leads"], paths["live_events"]]
    code, live_out, err = nurture(
        capsys, "calibrate", B2B, "--by", "source", *history, "-o", str(live)
    )
    assert code == 0, err
    assert _same(fitted.read_text(), paths, True) == _same(live.read_text(), paths, False)
    assert _same(out, paths, True) == _same(live_out, paths, False)


@pytest.mark.parametrize(("crm", "mapping", "said"), CASES)
def test_backtest_reads_a_crm_export_through_the_shipped_mapping(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], crm: str, mapping: str, said: list[str]
) -> None:
    paths = _history(tmp_path, crm)
    made = {}
    for name, history, extra in (
        ("crm", [paths["export"], paths["events"]], ["--map", mapping]),
        ("live", [paths["leads"], paths["live_events"]], []),
    ):
        out = tmp_path / f"{name}.json"
        code, stdout, err = nurture(
            capsys,
            "backtest",
            B2B,
            "--history",
            *history,
            *extra,
            "--by",
            "source",
            "--runs",
            "2",
            "--workers",
            "1",
            "--json",
            str(out),
        )
        assert code == 0, err
        made[name] = (
            _same(out.read_text(), paths, name == "crm"),
            _same(stdout, paths, name == "crm"),
        )
        if name == "crm":
            lines = [line.format(mapping=mapping, **paths) for line in said + SUMMARY]
            assert err.splitlines()[: len(lines)] == lines
    assert made["crm"] == made["live"]
    assert json.loads(made["crm"][0])["fitted_on"]["leads"] == 28  # a random 70% of 40


@pytest.mark.parametrize(
    ("given", "said"),
    [
        (
            ["--map", "id=customer_id"],
            "nurture calibrate: error: argument --map: 'id=customer_id' is the old NAME=COLUMN "
            "form: --map now takes a mapping file (TOML), as nurture run and score do; write "
            '"customer_id" = "id" under [columns] in a mapping file and give --map FILE '
            "(docs/MAPPINGS.md)",
        ),
        (
            ["--map", "event:converted=purchase"],
            "nurture calibrate: error: argument --map: 'event:converted=purchase' is the old "
            "NAME=COLUMN form: --map now takes a mapping file (TOML), as nurture run and score "
            "do; write --event-type converted=purchase",
        ),
    ],
)
def test_the_old_map_form_says_what_to_write_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: list[str], said: str
) -> None:
    paths = _history(tmp_path, "hubspot")
    history = ["--history", paths["leads"], paths["live_events"]]
    with pytest.raises(SystemExit) as stop:
        main(["calibrate", B2B, *history, *given, "-o", str(tmp_path / "x.toml")])
    out, err = capsys.readouterr()
    assert (stop.value.code, out, err.splitlines()[-1]) == (2, "", said)


def test_event_type_reads_an_events_file_s_own_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`purchase` read as `converted`: the same 10 conversions as the live-format history."""
    paths = _history(tmp_path, "hubspot")
    text = Path(paths["live_events"]).read_text().replace('"converted"', '"purchase"')
    theirs = write(tmp_path, "theirs.jsonl", text)
    history = ["--history", paths["leads"], theirs]
    code, out, err = nurture(
        capsys,
        "calibrate",
        B2B,
        *history,
        "--event-type",
        "converted=purchase",
        "-o",
        str(tmp_path / "f.toml"),
    )
    assert code == 0, err
    assert "  events by type: converted 10, delivered 40, opened 13, visited 8" in out
    code, _, err = nurture(
        capsys,
        "calibrate",
        B2B,
        *history,
        "--event-type",
        "bought=purchase",
        "-o",
        str(tmp_path / "f.toml"),
    )
    assert code == 1
    assert "--event-type bought=purchase: 'bought' is not an event type of the rules" in err


@pytest.mark.parametrize("given", [["--map", HUBSPOT], ["--event-type", "converted=purchase"]])
def test_map_and_event_type_read_files_not_a_database(
    capsys: pytest.CaptureFixture[str], given: list[str]
) -> None:
    code, out, err = nurture(capsys, "backtest", B2B, "--db", "live.db", *given)
    assert (code, out) == (2, "")
    option = given[0]
    assert err.startswith(f"nurture backtest: {option} ")
    assert f"leave {option} out with --db" in err
