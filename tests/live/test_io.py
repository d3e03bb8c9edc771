"""Reading leads and events: each kind of bad row is rejected with the reason a user can act on."""

from __future__ import annotations

from pathlib import Path

import pytest

import dsl
from live.inputs import InputError, Schema, format_time, parse_time, read_events, read_leads

RULES = """\
campaign "io"
stages a, b
lead:
  size: number
  plan: one of "free", "pro"
  title: text
event webinar_attended(topic: text, minutes: number)
"""


@pytest.fixture(scope="module")
def schema() -> Schema:
    return Schema.from_programs([dsl.compile_source(RULES, "io.nurture")])


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_time_without_offset_is_utc() -> None:
    assert parse_time("2026-01-02T10:00:00") == 1767348000.0
    assert parse_time("2026-01-02T12:00:00+02:00") == 1767348000.0
    assert parse_time("2026-01-02T10:00:00Z") == 1767348000.0
    assert format_time(1767348000.5) == "2026-01-02T10:00:00Z"


def test_csv_lead_values_are_typed_and_unknown_columns_kept(tmp_path: Path, schema: Schema) -> None:
    text = "id,created_at,size,plan,title,crm_owner\nL1,2026-01-02,12,PRO,VP,ann\n"
    path = write(tmp_path, "l.csv", text)
    rows, rejected = read_leads(path, schema)
    assert rejected == []
    assert rows[0].id == "L1"
    assert rows[0].created_at == 1767312000.0
    assert rows[0].attrs == {"size": 12.0, "plan": "pro", "title": "VP", "crm_owner": "ann"}


def test_empty_cell_is_missing(tmp_path: Path, schema: Schema) -> None:
    rows, _ = read_leads(write(tmp_path, "l.csv", "id,size,plan\nL1,,\n"), schema)
    assert rows[0].attrs == {}
    assert rows[0].created_at is None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("L2,abc,free,,", "column 'size': 'abc' is not a number"),
        ("L2,1,gold,,", "column 'plan': 'gold' is not one of 'free', 'pro'"),
        ("L2,1,free,,yesterday", "column 'created_at': bad timestamp 'yesterday'"),
        (",1,free,,", "missing id"),
        ("L2,1,free", "line has 3 fields, the header has 5"),
        ("L1,1,free,,", "duplicate lead id 'L1' (first on line 2)"),
    ],
)
def test_bad_lead_row_names_row_and_column(
    tmp_path: Path, schema: Schema, line: str, reason: str
) -> None:
    text = "id,size,plan,title,created_at\nL1,1,free,,\n" + line + "\n"
    rows, rejected = read_leads(write(tmp_path, "l.csv", text), schema)
    assert [r.id for r in rows] == ["L1"]
    assert [(r.line, r.reason) for r in rejected] == [(3, reason)]


def test_unknown_timezone_is_rejected(tmp_path: Path, schema: Schema) -> None:
    text = '{"id": "L1", "timezone": "Mars/Olympus"}\n{"id": "L2", "timezone": "Europe/Paris"}\n'
    rows, rejected = read_leads(write(tmp_path, "l.jsonl", text), schema)
    assert rows[0].attrs == {"timezone": "Europe/Paris"}
    assert rejected[0].reason == "column 'timezone': unknown time zone 'Mars/Olympus'"


def test_jsonl_leads(tmp_path: Path, schema: Schema) -> None:
    text = '{"id": "L1", "size": 3, "plan": "free"}\n\n{"id": "L2", "size": "x"}\n'
    rows, rejected = read_leads(write(tmp_path, "l.jsonl", text), schema)
    assert rows[0].attrs == {"size": 3.0, "plan": "free"}
    assert [(r.line, r.reason) for r in rejected] == [(3, "column 'size': 'x' is not a number")]


def test_csv_without_id_column_is_a_file_error(tmp_path: Path, schema: Schema) -> None:
    with pytest.raises(InputError, match="no 'id' column"):
        read_leads(write(tmp_path, "l.csv", "ID_,size\nL1,2\n"), schema)


def test_missing_file_and_directory_are_file_errors(tmp_path: Path, schema: Schema) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_leads(str(tmp_path / "nope.csv"), schema)
    with pytest.raises(InputError, match="is a directory"):
        read_events(str(tmp_path), schema, set())


def event_reasons(tmp_path: Path, schema: Schema, line: str) -> list[str]:
    path = write(tmp_path, "e.jsonl", line + "\n")
    _, rejected = read_events(path, schema, {"L1"}, {"L2"})
    return [r.reason for r in rejected]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{not json", "bad JSON: Expecting property name enclosed in double quotes (column 2)"),
        ("[1, 2]", "not a JSON object"),
        ('{"lead": "L1", "type": "opened", "at": "2026-01-02"}', "missing field 'id'"),
        ('{"id": "  ", "lead": "L1", "type": "opened", "at": "2026-01-02"}', "missing field 'id'"),
        ('{"id": "e1", "lead": "L1", "type": "opened"}', "missing field 'at'"),
        (
            '{"id": 7, "lead": "L1", "type": "opened", "at": "2026-01-02"}',
            "field 'id' must be text, got 7",
        ),
        ('{"id": "e1", "lead": "L9", "type": "opened", "at": "2026-01-02"}', "unknown lead 'L9'"),
        (
            '{"id": "e1", "lead": "L2", "type": "opened", "at": "2026-01-02"}',
            "unknown lead 'L2' (its lead row was rejected)",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "opend", "at": "2026-01-02"}',
            "unknown event type 'opend' (did you mean 'opened'?)",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "opened", "at": "2026-13-02"}',
            "bad timestamp '2026-13-02' in 'at'",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "converted", "at": "2026-01-02", '
            '"props": {"value": "lots"}}',
            "property 'value' of 'converted' must be a number, got 'lots'",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "visited", "at": "2026-01-02", '
            '"props": {"page": 5}}',
            "property 'page' of 'visited' must be text, got 5",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "visited", "at": "2026-01-02", "props": [1]}',
            "field 'props' must be an object, got [1]",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "unsubscribed", "at": "2026-01-02", '
            '"props": {"channel": "fax"}}',
            "unknown channel 'fax' (channels: email, sms, ad, social, mail, task)",
        ),
        (
            '{"id": "e1", "lead": "L1", "type": "created", "at": "2026-01-02"}',
            "event type 'created' is recorded by the engine; give the lead a created_at instead",
        ),
    ],
)
def test_bad_event_row_reason(tmp_path: Path, schema: Schema, line: str, reason: str) -> None:
    assert event_reasons(tmp_path, schema, line) == [reason]


def test_custom_event_props_are_typed(tmp_path: Path, schema: Schema) -> None:
    line = (
        '{"id": "e1", "lead": "L1", "type": "webinar_attended", "at": "2026-01-02T10:00:00", '
        '"props": {"topic": "AI", "minutes": 45, "extra": true}}'
    )
    rows, rejected = read_events(write(tmp_path, "e.jsonl", line + "\n"), schema, {"L1"})
    assert rejected == []
    assert rows[0].props == {"topic": "AI", "minutes": 45.0, "extra": True}
    assert rows[0].at == 1767348000.0


def test_channel_is_normalised(tmp_path: Path, schema: Schema) -> None:
    line = (
        '{"id": "e1", "lead": "L1", "type": "unsubscribed", "at": "2026-01-02", '
        '"props": {"channel": " Email "}}'
    )
    rows, _ = read_events(write(tmp_path, "e.jsonl", line + "\n"), schema, {"L1"})
    assert rows[0].props == {"channel": "email"}


def test_usual_and_unusual_event_lines_read_the_same(tmp_path: Path, schema: Schema) -> None:
    lines = [
        '{"id": "e1", "lead": "L1", "type": "opened", "at": "2026-01-02T10:00:00Z", '
        '"props": {"channel": "EMAIL", "content": "w"}}',
        '{"id": "e2", "lead": "L1", "type": "opened", "at": "2026-01-02T10:00:00Z", '
        '"props": {"channel": "EMAIL", "content": "w"}}',  # the same props again
        '  {"id": " e3 ", "lead": "L1 ", "type": " opened", "at": " 2026-01-02T10:00:00 "}  ',
        '{"id": "e4", "lead": "L1", "type": "webinar_attended", "at": "2026-01-02T12:00:00+02:00",'
        ' "props": {"minutes": 30, "topic": null}}',
        '{"id": "e5", "lead": "L1", "type": "webinar_attended", "at": "2026-01-02T10:00:00", '
        '"props": {"minutes": true}}',
    ]
    rows, rejected = read_events(write(tmp_path, "e.jsonl", "\n".join(lines)), schema, {"L1"})
    assert [(r.id, r.lead, r.type, r.at, r.props, r.line) for r in rows] == [
        ("e1", "L1", "opened", 1767348000.0, {"channel": "email", "content": "w"}, 1),
        ("e2", "L1", "opened", 1767348000.0, {"channel": "email", "content": "w"}, 2),
        ("e3", "L1", "opened", 1767348000.0, {}, 3),
        ("e4", "L1", "webinar_attended", 1767348000.0, {"minutes": 30.0}, 4),
    ]
    assert [(r.line, r.reason) for r in rejected] == [
        (5, "property 'minutes' of 'webinar_attended' must be a number, got True")
    ]
