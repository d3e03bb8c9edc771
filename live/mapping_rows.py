"""A CRM export read through a mapping (`live.mapping`): lead rows, the events the mapping reads
from them, the rows that cannot be used (with the export's file and line), and notes said once.

    export = read_export(mapping, "contacts.csv", Schema.from_programs(programs))
    export.leads, export.events, export.rejected, export.notes

Before any row is read, the header is checked against the rules: every attribute the `lead:`
block declares must come from a column (mapped, or of the same name), a default, or be listed as
absent, else `MappingError` names it with the export's columns. Columns neither mapped nor read
by the rules are kept with each lead (as any unknown column is) and named once in the notes.
This is the reader `nurture run --map`, `nurture score --map` and a history reader call.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from dsl.diagnostics import did_you_mean
from engine import format_time
from live.inputs import EventRow, InputError, LeadRow, Rejected, lead_from_record
from live.mapping import EventSpec, Mapping, MappingError, norm
from live.values import Schema, check_props

RESERVED = ("id", "created_at", "timezone")


@dataclass
class MappedExport:
    leads: list[LeadRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """Which header position gives each field, and which columns nothing reads."""

    source: dict[str, int]  # field -> column index
    header: list[str]
    names: dict[int, str]  # column index -> the CRM's name for it (as the export writes it)
    unused: list[str]


def read_export(mapping: Mapping, path: str, schema: Schema) -> MappedExport:
    """Every row of the CRM export at `path` (CSV) through `mapping`, checked against `schema`."""
    text = _read(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    lines = text.splitlines()
    out = MappedExport()
    try:
        header = next((row for row in reader if any(c.strip() for c in row)), None)
        if header is None:
            return out
        plan = _plan(mapping, path, header, schema)
        out.notes += _notes(mapping, path, plan)
        first: dict[str, int] = {}
        for row in reader:
            line = reader.line_num
            raw = lines[line - 1] if 0 < line <= len(lines) else mapping.delimiter.join(row)
            if any(cell.strip() for cell in row):
                _row(mapping, path, schema, plan, row, line, raw, first, out)
    except csv.Error as err:
        raise InputError(f"{path}:{reader.line_num}: not a readable CSV file ({err})") from None
    return out


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise InputError(
            f"{path}: " + ("is a directory, not a file" if file.is_dir() else "no such file")
        )
    try:
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start})") from None


def _plan(mapping: Mapping, path: str, header: list[str], schema: Schema) -> _Plan:
    at = {norm(name): i for i, name in reversed(list(enumerate(header)))}
    source: dict[str, int] = {}
    for column, target in mapping.columns.items():  # the first listed that the export has
        if target not in source and norm(column) in at:
            source[target] = at[norm(column)]
    mapped = set(source.values())
    for i, name in enumerate(header):  # a column named as a field, unmapped: read as it is
        key = name.strip()
        if i not in mapped and (key in schema.attrs or key in RESERVED) and key not in source:
            source[key] = i
    needed = ["id", *schema.attrs]
    for target in needed:
        if target in source or target in mapping.defaults or target in mapping.absent:
            continue
        listed = [c for c, t in mapping.columns.items() if t == target]
        hint = did_you_mean(listed[0], header) if listed else did_you_mean(target, header)
        given = f" (it maps {', '.join(repr(c) for c in listed)})" if listed else ""
        raise MappingError(
            f"{path}: no column gives {target!r}, which the rules read{given}"
            + (f" ({hint})" if hint else "")
            + f": map one of the export's columns to it under [columns] in {mapping.path}, "
            "give it under [defaults], or list it in absent = [...]"
        )
    for spec in mapping.events:
        if spec.type not in schema.events or spec.type == "created":
            raise MappingError(
                f"{mapping.path}: [[events]] type {spec.type!r} is not an event type of the rules"
            )
    used = set(source.values()) | {at[norm(s.at)] for s in mapping.events if norm(s.at) in at}
    used |= {
        at[norm(c)]
        for s in mapping.events
        for p, c in s.props.items()
        if p not in s.constants and isinstance(c, str) and norm(c) in at
    }
    unused = [name for i, name in enumerate(header) if i not in used]
    return _Plan(source, header, {i: n for i, n in enumerate(header)}, unused)


def _notes(mapping: Mapping, path: str, plan: _Plan) -> list[str]:
    notes = []
    if plan.unused:
        shown = ", ".join(repr(n) for n in plan.unused[:12])
        more = f" and {len(plan.unused) - 12} more" if len(plan.unused) > 12 else ""
        notes.append(
            f"{path}: {len(plan.unused)} column{'s' if len(plan.unused) != 1 else ''} neither "
            f"mapped nor read by the rules, kept with each lead unused: {shown}{more}"
        )
    given = {norm(n) for n in plan.header}
    missing = [
        c for c, t in mapping.columns.items() if norm(c) not in given and t not in plan.source
    ]
    if missing:
        notes.append(
            f"{path}: has no column {', '.join(repr(c) for c in missing)} that {mapping.path} maps"
            " (those fields are missing for every lead)"
        )
    return notes


def parse_crm_time(mapping: Mapping, column: str, value: str) -> float | None:
    """A CRM time: the column's formats in order, then ISO 8601; a time without a zone is in the
    mapping's time zone. None when nothing reads it."""
    zone = ZoneInfo(mapping.timezone)
    for fmt in mapping.dates.get(_date_key(mapping, column), ()):
        try:
            when = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if when.tzinfo is None:
            when = when.replace(tzinfo=zone)
        return when.astimezone(UTC).timestamp()
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone)
    return when.timestamp()


def _date_key(mapping: Mapping, column: str) -> str:
    for key in mapping.dates:
        if norm(key) == norm(column):
            return key
    return column


def _bad_time(mapping: Mapping, column: str, value: str) -> str:
    formats = mapping.dates.get(_date_key(mapping, column), ())
    if formats:
        how = ", ".join(formats)
        return f"column {column!r}: {value!r} is not a time (read as {how}, or ISO 8601)"
    return (
        f"column {column!r}: {value!r} is not an ISO 8601 time (give the column's formats "
        f"under [dates] in {mapping.path})"
    )


def _row(
    mapping: Mapping,
    path: str,
    schema: Schema,
    plan: _Plan,
    row: list[str],
    line: int,
    raw: str,
    first: dict[str, int],
    out: MappedExport,
) -> None:
    if len(row) != len(plan.header):
        fields = f"line has {len(row)} fields, the header has {len(plan.header)}"
        out.rejected.append(Rejected(path, line, "lead", fields, raw))
        return
    record, reason = _record(mapping, plan, row)
    lead: LeadRow | None
    why: str | None
    lead, why = (None, reason) if reason else lead_from_record(record, line, schema)
    if why and lead is None and record.get("id"):
        why = _hint(mapping, plan, why)
    if lead is not None and lead.id in first:
        why = f"duplicate lead id {lead.id!r} (first on line {first[lead.id]})"
        lead = None
    if lead is None:
        named = record.get("id")
        out.rejected.append(
            Rejected(
                path,
                line,
                "lead",
                why or "unreadable row",
                raw,
                named if isinstance(named, str) and named.strip() else None,
            )
        )
        return
    first[lead.id] = line
    out.leads.append(lead)
    for spec in mapping.events:
        _event(mapping, path, schema, plan, spec, row, line, raw, lead, out)


def _record(mapping: Mapping, plan: _Plan, row: list[str]) -> tuple[dict[str, object], str | None]:
    record: dict[str, object] = {}
    for i, name in plan.names.items():  # unmapped columns: kept under their own name
        if i not in plan.source.values() and row[i].strip():
            record[name.strip()] = row[i]
    for target, i in plan.source.items():
        value = row[i].strip()
        if not value:
            if target in mapping.defaults:
                record[target] = mapping.defaults[target]
            continue
        if target == "created_at":
            when = parse_crm_time(mapping, plan.names[i], value)
            if when is None:
                return record, _bad_time(mapping, plan.names[i], value)
            value = format_time(when)
        table = mapping.values.get(target)
        record[target] = table.get(norm(value), value) if table else value
    for target, default in mapping.defaults.items():
        record.setdefault(target, default)
    return record, None


def _hint(mapping: Mapping, plan: _Plan, reason: str) -> str:
    """A value the rules cannot take, from a mapped column: say which, and where to map it."""
    for target, i in plan.source.items():
        if reason.startswith(f"column '{target}':"):
            crm = plan.names[i]
            where = f" (from {crm!r})" if norm(crm) != norm(target) else ""
            return reason.replace(f"column '{target}':", f"column '{target}'{where}:", 1) + (
                f"; map it under [values.{target}] in {mapping.path}"
                if "is not one of" in reason
                else ""
            )
    return reason


def _event(
    mapping: Mapping,
    path: str,
    schema: Schema,
    plan: _Plan,
    spec: EventSpec,
    row: list[str],
    line: int,
    raw: str,
    lead: LeadRow,
    out: MappedExport,
) -> None:
    at = {norm(n): i for i, n in plan.names.items()}
    i = at.get(norm(spec.at))
    if i is None or not row[i].strip():
        return  # no date, no event
    when = parse_crm_time(mapping, spec.at, row[i])
    if when is None:
        out.rejected.append(
            Rejected(path, line, "event", _bad_time(mapping, spec.at, row[i]), raw, lead.id)
        )
        return
    props: dict[str, object] = {}
    for prop, source in spec.props.items():
        if prop in spec.constants:
            props[prop] = source
            continue
        j = at.get(norm(str(source)))
        cell = row[j].strip() if j is not None else ""
        if cell:
            props[prop] = _number(cell) if schema.events[spec.type].get(prop) == "number" else cell
    checked, reason = check_props(spec.type, props, schema.events[spec.type])
    if reason:
        out.rejected.append(Rejected(path, line, "event", reason, raw, lead.id))
        return
    event_id = f"{lead.id}:{spec.type}:{norm(spec.at)}"
    out.events.append(EventRow(event_id, lead.id, spec.type, when, checked, line))


def _number(cell: str) -> object:
    """A number as a CRM writes it (`1200`, `1,200.50`); the text itself if it is none."""
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return cell
