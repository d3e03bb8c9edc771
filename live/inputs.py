"""Leads and events in: read CSV / JSON Lines one row at a time, check each row against the rules.

Nothing here touches the engine's state, and nothing holds a whole file: a file is read line by
line, and each row comes out checked, as a `LeadRow` / `EventRow`, or as a `Rejected` with a
reason written for the person who exported the file ("column 'company_size': 'abc' is not a
number"); the caller decides whether it goes to the dead-letter table (`nurture run`) or is
printed (`nurture score`). A problem with a whole file (missing, a directory, not UTF-8 text, no
`id` column, a column twice) raises `InputError`; so does a leads file without a column for an
attribute of the `lead:` block (`live.columns`), checked by the callers once the file is read.

Times: ISO 8601 text; without an offset it is UTC. In the engine API a time is float seconds since
the Unix epoch, UTC; `format_time` renders one as `YYYY-MM-DDTHH:MM:SSZ` (both from engine/times.py,
re-exported here).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from sys import intern
from typing import NamedTuple

from dsl.diagnostics import did_you_mean
from dsl.errors import NurtureError
from engine import format_time, parse_time
from live.inputs_fast import fast_event_parser
from live.values import Schema, check_attr, check_props, plain

__all__ = [
    "EventFile",
    "EventRow",
    "InputError",
    "LeadFile",
    "LeadRow",
    "Rejected",
    "Schema",
    "format_time",
    "lead_from_record",
    "parse_time",
    "read_events",
    "read_leads",
    "text_lines",
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

BLOCK = 1 << 20  # bytes read at a time: a file is never held whole


def _check_file(path: str) -> None:
    file = Path(path)
    if not file.exists():
        raise InputError(f"{path}: no such file")
    if file.is_dir():
        raise InputError(f"{path}: is a directory, not a file")


def text_lines(path: str) -> Iterator[tuple[int, str]]:
    """(number from 1, text without its line end) of every line of a UTF-8 file (a byte-order
    mark skipped; `\n` or `\r\n` ends a line), read a block at a time; InputError when the file
    cannot be read or a line is not UTF-8."""
    _check_file(path)
    try:
        file = open(path, "rb")  # noqa: SIM115 - closed below, also when the reader stops early
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    with file:
        number, rest, first = 0, b"", True
        while True:
            try:
                block = file.read(BLOCK)
            except OSError as err:
                raise InputError(f"{path}: cannot read ({err.strerror})") from None
            data = rest + block
            if not data:
                return
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if cut == 0:  # no line end yet: read on
                rest = data
                continue
            rest = data[cut:]
            text = _decode(path, data[:cut], number)
            if first:
                text, first = text.removeprefix("\ufeff"), False
            lines = text.split("\n")
            if block or not lines[-1]:
                lines.pop()  # after the last line end: nothing
            for line in lines:
                number += 1
                yield number, line[:-1] if line[-1:] == "\r" else line
            if not block:
                return


def _decode(path: str, data: bytes, lines_before: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = lines_before + data.count(b"\n", 0, err.start) + 1
        raise InputError(f"{path}: not UTF-8 text (line {line})") from None


def _is_jsonl(path: str) -> bool:
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return True
    if suffix in (".csv", ".tsv", ".txt"):
        return False
    with open(path, "rb") as file:
        start = file.read(4096).decode("utf-8", "replace")
    return start.removeprefix("\ufeff").lstrip().startswith("{")


class _Lines:
    """The lines of a file as the csv module reads them (each with a line end), and the text
    of those taken since the last `raw()` (a CSV row may span several lines)."""

    def __init__(self, path: str) -> None:
        self.lines = text_lines(path)
        self.taken: list[str] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        _, line = next(self.lines)
        self.taken.append(line)
        return line + "\n"

    def raw(self) -> str:
        text = "\n".join(self.taken)
        self.taken.clear()
        return text


def _json_object(raw: str) -> tuple[dict[str, object] | None, str | None]:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as err:
        return None, f"bad JSON: {err.msg} (column {err.colno})"
    if not isinstance(obj, dict):
        return None, "not a JSON object"
    return obj, None


# ---------------------------------------------------------------- leads

Record = tuple[int, str, "dict[str, object]", "str | None"]


class LeadFile:
    """The rows of a leads file (CSV or JSON Lines), checked, one at a time: iterate it once.

    `columns`: the names of the CSV header (known once iterating has begun), or for JSON Lines
    every key some row has (complete once iterating has ended). A repeated lead id is rejected."""

    def __init__(
        self,
        path: str,
        schema: Schema,
        on_columns: Callable[[str, set[str]], None] | None = None,
    ) -> None:
        """`on_columns(path, columns)` is called once they are known (`live.columns` checks
        them): for CSV after the header, before any row; for JSON Lines after the last line.
        A CRM export's own column names are read through a mapping file instead
        (`live.mapping_rows.read_export`)."""
        self.path = path
        self.schema = schema
        self.columns: set[str] = set()
        self.jsonl = False
        self.on_columns = on_columns

    def __iter__(self) -> Iterator[LeadRow | Rejected]:
        first_line: dict[str, int] = {}
        _check_file(self.path)
        self.jsonl = _is_jsonl(self.path)
        records = self._json_records() if self.jsonl else self._csv_records()
        shared: frozenset[str] | None = None  # a CSV row's columns: the header's, one set
        for line, raw, record, problem in records:
            if shared is None and not self.jsonl:
                shared = frozenset(self.columns.difference(("id", "created_at")))
            lead, reason = (
                (None, problem) if problem else _lead_from(record, line, self.schema, shared)
            )
            if lead is not None and lead.id in first_line:
                first = first_line[lead.id]
                reason = f"duplicate lead id {lead.id!r} (first on line {first})"
                lead = None
            if lead is None:
                named = record.get("id")
                named = named.strip() if isinstance(named, str) and named.strip() else None
                why = reason or "unreadable row"
                yield Rejected(self.path, line, "lead", why, raw, named)
                continue
            first_line[lead.id] = line
            yield lead

    def _json_records(self) -> Iterator[Record]:
        keys = self.columns
        for number, text in text_lines(self.path):
            if not text.strip():
                continue
            obj, problem = _json_object(text)
            if obj is not None:
                keys.update(obj)
            yield number, text, obj if obj is not None else {}, problem
        if self.on_columns is not None:
            self.on_columns(self.path, keys)

    def _csv_records(self) -> Iterator[Record]:
        lines = _Lines(self.path)
        reader = csv.reader(lines)
        try:
            header = next((row for row in reader if any(cell.strip() for cell in row)), None)
            lines.raw()
            if header is None:
                return
            names = [cell.strip() for cell in header]
            _check_header(self.path, names)
            self.columns.update(names)
            if self.on_columns is not None:
                self.on_columns(self.path, self.columns)
            for row in reader:
                raw = lines.raw()
                if not any(cell.strip() for cell in row):
                    continue
                line = reader.line_num
                if len(row) != len(names):
                    yield line, raw, {}, f"line has {len(row)} fields, the header has {len(names)}"
                    continue
                yield line, raw, dict(zip(names, row, strict=True)), None
        except csv.Error as err:
            raise InputError(
                f"{self.path}:{reader.line_num}: not a readable CSV file ({err})"
            ) from None


def _check_header(path: str, names: list[str]) -> None:
    if "id" not in names:
        hint = did_you_mean("id", names)
        raise InputError(
            f"{path}: no 'id' column" + (f" ({hint})" if hint else ""),
            "a CRM's export is read through a mapping file: --map FILE (rules/mappings/ has "
            "HubSpot's and Salesforce's; docs/MAPPINGS.md)",
        )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"{path}: column {repeated[0]!r} appears twice in the header")


def _lead_from(
    record: dict[str, object], line: int, schema: Schema, columns: frozenset[str] | None = None
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
    if columns is None:
        columns = frozenset(k for k in record if k not in ("id", "created_at"))
    return LeadRow(intern(lead_id.strip()), created_at, attrs, line, columns), None


def read_leads(
    path: str,
    schema: Schema,
    on_columns: Callable[[str, set[str]], None] | None = None,
) -> tuple[list[LeadRow], list[Rejected]]:
    """Every lead row of a file, checked, in lists (`on_columns` as for `LeadFile`)."""
    rows: list[LeadRow] = []
    rejected: list[Rejected] = []
    for row in LeadFile(path, schema, on_columns):
        (rejected if isinstance(row, Rejected) else rows).append(row)  # type: ignore[arg-type]
    return rows, rejected


# ---------------------------------------------------------------- events


class EventFile:
    """The lines of an events file (JSON Lines), checked, one at a time: iterate it once.

    A row naming a lead not in `leads` is rejected (`unknown lead`, and whether its lead row
    was refused when it is in `rejected_leads`); so is one dated before its lead's creation,
    when `created` gives that lead's `created_at` (an event cannot happen to a lead before it
    exists: it would act months before, DATA.md)."""

    def __init__(
        self,
        path: str,
        schema: Schema,
        leads: Container[str],
        rejected_leads: Container[str] = (),
        created: Mapping[str, float | None] | None = None,
    ) -> None:
        self.path = path
        self.schema = schema
        self.leads = leads
        self.rejected_leads = rejected_leads
        self.created = created

    def __iter__(self) -> Iterator[EventRow | Rejected]:
        schema, leads, created = self.schema, self.leads, self.created
        fast = fast_event_parser(schema, EventRow)
        for number, raw in text_lines(self.path):
            event, reason = fast(raw, number), None
            if event is None:
                if not raw.strip():
                    continue
                event, reason = _event_line(raw, number, schema)
            if event is not None and event.lead not in leads:
                why = " (its lead row was rejected)" if event.lead in self.rejected_leads else ""
                reason = f"unknown lead {event.lead!r}{why}"
                event = None
            elif event is not None and created is not None:
                born = created.get(event.lead)
                if born is not None and event.at < born:
                    reason = _before_creation(event, born)
                    event = None
            if event is None:
                yield Rejected(self.path, number, "event", reason or "unreadable row", raw)
                continue
            yield event


def _before_creation(event: EventRow, born: float) -> str:
    return (
        f"dated {format_time(event.at)}, before its lead {event.lead!r} was created "
        f"({format_time(born)}): fix the event's 'at' or the lead's created_at"
    )


def read_events(
    path: str,
    schema: Schema,
    leads: Container[str],
    rejected_leads: Container[str] = (),
    created: Mapping[str, float | None] | None = None,
) -> tuple[list[EventRow], list[Rejected]]:
    """Every event line, checked, in lists (`EventFile`'s arguments)."""
    rows: list[EventRow] = []
    rejected: list[Rejected] = []
    for row in EventFile(path, schema, leads, rejected_leads, created):
        (rejected if isinstance(row, Rejected) else rows).append(row)  # type: ignore[arg-type]
    return rows, rejected


REQUIRED = ("id", "lead", "type", "at")
CREATED_BY_ENGINE = (
    "event type 'created' is recorded by the engine; give the lead a created_at instead"
)


def _event_line(raw: str, line: int, schema: Schema) -> tuple[EventRow | None, str | None]:
    """The careful path for a line the fast one (`inputs_fast`) did not take."""
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
    lead = intern(str(obj["lead"]).strip())
    return EventRow(str(obj["id"]).strip(), lead, kind, at, props, line), None


def lead_from_record(
    record: dict[str, object], line: int, schema: Schema
) -> tuple[LeadRow | None, str | None]:
    """A lead row from one record (`id`, `created_at`, attributes), or the reason it cannot be
    one: the check every lead row gets, for rows read another way (a CRM export through a
    mapping, `live/mapping_rows.py`)."""
    return _lead_from(record, line, schema)
