"""Leads and events in: read CSV / JSON Lines, check each row against the rule files.

Nothing here touches the engine's state. A row that cannot be used becomes a `Rejected` with a
reason written for the person who exported the file ("column 'company_size': 'abc' is not a
number"); the caller decides whether it goes to the dead-letter table (`nurture run`) or is printed
(`nurture score`).
A problem with a whole file (missing, a directory, not text, no `id` column) raises `InputError`.

Times: ISO 8601 text; without an offset it is UTC. In the engine API a time is float seconds since
the Unix epoch, UTC; `format_time` renders one as `YYYY-MM-DDTHH:MM:SSZ` (both from engine/times.py,
re-exported here).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from dsl.diagnostics import did_you_mean
from dsl.errors import NurtureError
from engine import format_time, parse_time
from live.inputs_fast import fast_event_parser
from live.values import Schema, check_attr, check_props, plain

__all__ = [
    "EventRow",
    "InputError",
    "LeadRow",
    "Rejected",
    "Schema",
    "format_time",
    "parse_time",
    "read_events",
    "read_leads",
]


class InputError(NurtureError):
    """A whole input file cannot be read; the message is for the user."""


@dataclass(frozen=True, slots=True)
class LeadRow:
    id: str
    created_at: float | None
    attrs: dict[str, object]  # the non-empty values
    line: int
    columns: frozenset[str] = frozenset()  # every attribute column the row has, empty or not


class EventRow(NamedTuple):
    id: str
    lead: str
    type: str
    at: float
    props: dict[str, object]
    line: int


@dataclass(frozen=True, slots=True)
class Rejected:
    source: str
    line: int
    kind: str  # "lead" or "event"
    reason: str
    raw: str
    lead: str | None = None  # the lead id the row names, when it names one

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.reason}"


# ---------------------------------------------------------------- files


def _open_text(path: str) -> str:
    file = Path(path)
    if not file.exists():
        raise InputError(f"{path}: no such file")
    if file.is_dir():
        raise InputError(f"{path}: is a directory, not a file")
    try:
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None


def _is_jsonl(path: str, text: str) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return True
    if suffix in (".csv", ".tsv", ".txt"):
        return False
    return text.lstrip().startswith("{")


def _json_lines(text: str) -> Iterator[tuple[int, str, object, str | None]]:
    """(line number, raw text, object, None) or (..., None, reason) for each non-blank line."""
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        obj, problem = _json_object(raw)
        yield number, raw, obj, problem


def _json_object(raw: str) -> tuple[dict[str, object] | None, str | None]:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        return None, f"bad JSON: {err.msg} (column {err.colno})"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    return obj, None


# ---------------------------------------------------------------- leads


def read_leads(
    path: str, schema: Schema, columns: Mapping[str, str] | None = None
) -> tuple[list[LeadRow], list[Rejected]]:
    """Every lead row of a CSV or JSON Lines file, checked; a repeated id is rejected.
    `columns` maps a column's name in the file to the name it is read as (`id`, `created_at`,
    an attribute): a CRM export's own names."""
    text = _open_text(path)
    rename = dict(columns or {})
    records = _json_records(text) if _is_jsonl(path, text) else _csv_records(path, text, rename)
    if rename and _is_jsonl(path, text):
        records = (
            (line, raw, {rename.get(k, k): v for k, v in record.items()}, problem)
            for line, raw, record, problem in records
        )
    rows: list[LeadRow] = []
    rejected: list[Rejected] = []
    first_line: dict[str, int] = {}
    lead: LeadRow | None
    reason: str | None
    for line, raw, record, problem in records:
        lead, reason = (None, problem) if problem else _lead_from(record, line, schema)
        if lead is not None and lead.id in first_line:
            first = first_line[lead.id]
            reason = f"duplicate lead id {lead.id!r} (first on line {first})"
            lead = None
        if lead is None:
            named = record.get("id") if isinstance(record, dict) else None
            named = named.strip() if isinstance(named, str) and named.strip() else None
            rejected.append(Rejected(path, line, "lead", reason or "unreadable row", raw, named))
            continue
        first_line[lead.id] = line
        rows.append(lead)
    return rows, rejected


Record = tuple[int, str, "dict[str, object]", "str | None"]


def _json_records(text: str) -> Iterator[Record]:
    for line, raw, obj, problem in _json_lines(text):
        yield line, raw, obj if isinstance(obj, dict) else {}, problem


def _csv_records(path: str, text: str, rename: Mapping[str, str] | None = None) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            return
        names = [(rename or {}).get(cell.strip(), cell.strip()) for cell in header]
        _check_header(path, names)
        lines = text.splitlines()
        for row in reader:
            line = reader.line_num
            raw = lines[line - 1] if 0 < line <= len(lines) else ",".join(row)
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                yield line, raw, {}, f"line has {len(row)} fields, the header has {len(names)}"
                continue
            yield line, raw, dict(zip(names, row, strict=True)), None
    except csv.Error as err:
        raise InputError(f"{path}:{reader.line_num}: not a readable CSV file ({err})") from None


def _check_header(path: str, names: list[str]) -> None:
    if "id" not in names:
        hint = did_you_mean("id", names)
        raise InputError(f"{path}: no 'id' column" + (f" ({hint})" if hint else ""))
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"{path}: column {repeated[0]!r} appears twice in the header")


def _lead_from(
    record: dict[str, object], line: int, schema: Schema
) -> tuple[LeadRow | None, str | None]:
    lead_id = record.get("id")
    if isinstance(lead_id, (int, float)) and not isinstance(lead_id, bool):
        lead_id = plain(lead_id)
    if not isinstance(lead_id, str) or not lead_id.strip():
        return None, "missing id"
    created = record.get("created_at")
    created_at: float | None = None
    if created not in (None, ""):
        try:
            created_at = parse_time(created)
        except ValueError:
            return None, f"column 'created_at': bad timestamp {created!r}"
    attrs: dict[str, object] = {}
    for name, value in record.items():
        if name in ("id", "created_at"):
            continue
        kept, reason = check_attr(schema, name, value)
        if reason:
            return None, reason
        if kept is not None:
            attrs[name] = kept
    columns = frozenset(k for k in record if k not in ("id", "created_at"))
    return LeadRow(lead_id.strip(), created_at, attrs, line, columns), None


# ---------------------------------------------------------------- events


def read_events(
    path: str, schema: Schema, leads: Container[str], rejected_leads: Container[str] = ()
) -> tuple[list[EventRow], list[Rejected]]:
    """Every event line, checked against the schema and the known (and refused) lead ids."""
    text = _open_text(path)
    rows: list[EventRow] = []
    rejected: list[Rejected] = []
    fast = fast_event_parser(schema, EventRow)
    event: EventRow | None
    reason: str | None
    for line, raw in enumerate(text.splitlines(), start=1):
        event, reason = fast(raw, line), None
        if event is None:
            if not raw.strip():
                continue
            event, reason = _event_line(raw, line, schema)
        if event is not None and event.lead not in leads:
            why = " (its lead row was rejected)" if event.lead in rejected_leads else ""
            reason = f"unknown lead {event.lead!r}{why}"
            event = None
        if event is None:
            rejected.append(Rejected(path, line, "event", reason or "unreadable row", raw))
            continue
        rows.append(event)
    return rows, rejected


REQUIRED = ("id", "lead", "type", "at")
CREATED_BY_ENGINE = (
    "event type 'created' is recorded by the engine; give the lead a created_at instead"
)


def _event_line(raw: str, line: int, schema: Schema) -> tuple[EventRow | None, str | None]:
    """The careful path for a line the fast one (`io_events`) did not take."""
    obj, problem = _json_object(raw)
    if obj is None:
        return None, problem
    return _event_from(obj, line, schema)


def _event_from(
    obj: dict[str, object], line: int, schema: Schema
) -> tuple[EventRow | None, str | None]:
    """Find what is wrong with the row (or accept it, e.g. a padded event type)."""
    for name in REQUIRED:
        value = obj.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, f"missing field {name!r}"
        if name != "at" and not isinstance(value, str):
            return None, f"field {name!r} must be text, got {value!r}"
    kind = str(obj["type"]).strip()
    if kind == "created":
        return None, CREATED_BY_ENGINE
    if kind not in schema.events:
        hint = did_you_mean(kind, [k for k in schema.events if k != "created"])
        return None, f"unknown event type {kind!r}" + (f" ({hint})" if hint else "")
    try:
        at = parse_time(obj["at"])
    except ValueError:
        return None, f"bad timestamp {obj['at']!r} in 'at'"
    props, reason = check_props(kind, obj.get("props"), schema.events[kind])
    if reason:
        return None, reason
    return EventRow(str(obj["id"]).strip(), str(obj["lead"]).strip(), kind, at, props, line), None
