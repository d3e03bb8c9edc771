"""CRM mappings: a TOML file that says how a CRM's lead export becomes nurture's leads (and some
of their events). `docs/MAPPINGS.md` is the user's page; `rules/mappings/` ships HubSpot's and
Salesforce's.

    [mapping]                 what the file is for; `timezone` of the export's times without one,
                              `delimiter` of its CSV (default ",")
    [columns]                 CRM column = lead field: `id`, `created_at`, `timezone`, an
                              attribute of the `lead:` block, or any other name (kept, unused);
                              several columns may name one field (the first the export has wins)
    [dates]                   CRM column = the formats its times are written in (strptime, tried
                              in order; ISO 8601 is always read)
    [values.FIELD]            CRM value = lead value, for that field (ignoring case and spaces
                              around); a value not listed is kept as written
    [defaults]                FIELD = the value when the export has no value for it
    absent = [FIELD, ...]     (in [mapping]) attributes the rules read that the export lacks on
                              purpose: missing for every lead
    [[events]]                an event read from each row: `type`, `at` (a date column: no value,
                              no event), `props` (prop = column, or {value = CONSTANT})
    [actions]                 our --actions-csv column = the CRM import's column name

Column names are matched ignoring case and spaces around them (CRMs change their labels'
capitals). `load_mapping` reads and checks the file; `mapping_rows.py` applies it to an export.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dsl.errors import NurtureError
from live.tomlspan import spans

SECTIONS = ("mapping", "columns", "dates", "values", "defaults", "events", "actions")
ACTION_COLUMNS = (
    "lead",
    "time",
    "what",
    "content",
    "channel",
    "sequence",
    "step",
    "due",
    "owner",
    "rule",
)


class MappingError(NurtureError):
    """The mapping file cannot be used; the message names the file, line and what to write."""

    prefixed = False


@dataclass(frozen=True)
class EventSpec:
    type: str
    at: str  # a CRM column
    props: dict[str, str | float]  # prop -> a CRM column (str) or a constant (float/str)
    constants: frozenset[str] = frozenset()  # props given as {value = ...}


@dataclass(frozen=True)
class Mapping:
    path: str
    crm: str
    timezone: str
    delimiter: str
    columns: dict[str, str]  # CRM column (as written) -> field
    dates: dict[str, tuple[str, ...]]  # CRM column -> formats
    values: dict[str, dict[str, object]]  # field -> normalised CRM value -> lead value
    defaults: dict[str, object]
    absent: tuple[str, ...]
    events: tuple[EventSpec, ...]
    actions: dict[str, str] = field(default_factory=dict)  # our column -> CRM import column

    def fields(self) -> set[str]:
        return set(self.columns.values())


def norm(text: str) -> str:
    """A column name or value as compared: case and spaces around it ignored."""
    return text.strip().casefold()


def load_mapping(path: str) -> Mapping:
    """The mapping at `path`, checked; raises MappingError naming the line at fault."""
    file = Path(path)
    if not file.is_file():
        what = "is a directory" if file.is_dir() else "no such file"
        raise MappingError(f"{path}: {what} (a mapping is a TOML file: see docs/MAPPINGS.md)")
    try:
        text = file.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except UnicodeDecodeError:
        raise MappingError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise MappingError(f"{path}: not TOML: {err}") from None
    return _Checker(path, text, data).mapping()


class _Checker:
    def __init__(self, path: str, text: str, data: dict[str, object]) -> None:
        self.path, self.data = path, data
        self.places = spans(text)

    def fail(self, where: tuple[str | int, ...], message: str) -> MappingError:
        line = self.places.of(where).line
        return MappingError(f"{self.path}:{line}: {message}")

    def table(self, name: str) -> dict[str, object]:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise self.fail((name,), f"'{name}' must be a table: [{name}]")
        return value

    def text(self, where: tuple[str | int, ...], value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{'.'.join(map(str, where))} must be text, got {value!r}")
        return value

    def mapping(self) -> Mapping:
        for key in self.data:
            if key not in SECTIONS:
                raise self.fail(
                    (key,), f"unknown section {key!r} (sections: {', '.join(SECTIONS)})"
                )
        head = self.table("mapping")
        timezone = str(head.get("timezone", "UTC"))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(("mapping", "timezone"), f"unknown time zone {timezone!r}") from None
        columns = {
            self.text(("columns", k), k): self.text(("columns", k), v)
            for k, v in self.table("columns").items()
        }
        if "id" not in columns.values():
            raise self.fail(
                ("columns",),
                'no column is mapped to id: write `"<the CRM\'s id column>" = "id"` '
                "under [columns]",
            )
        return Mapping(
            path=self.path,
            crm=str(head.get("crm", "")),
            timezone=timezone,
            delimiter=self._delimiter(head),
            columns=columns,
            dates=self._dates(),
            values=self._values(),
            defaults=dict(self.table("defaults")),
            absent=tuple(self._absent(head)),
            events=tuple(self._events()),
            actions=self._actions(),
        )

    def _delimiter(self, head: dict[str, object]) -> str:
        value = head.get("delimiter", ",")
        if not isinstance(value, str) or len(value) != 1:
            raise self.fail(
                ("mapping", "delimiter"), f"delimiter must be one character, got {value!r}"
            )
        return value

    def _dates(self) -> dict[str, tuple[str, ...]]:
        out = {}
        for column, formats in self.table("dates").items():
            listed = [formats] if isinstance(formats, str) else formats
            if not isinstance(listed, list) or not all(isinstance(f, str) for f in listed):
                raise self.fail(
                    ("dates", column),
                    f"the formats of {column!r} must be text or a list of texts, "
                    '["%Y-%m-%d %H:%M"] say',
                )
            out[column] = tuple(listed)
        return out

    def _values(self) -> dict[str, dict[str, object]]:
        out: dict[str, dict[str, object]] = {}
        for target, table in self.table("values").items():
            if not isinstance(table, dict):
                raise self.fail(
                    ("values", target),
                    f"[values.{target}] must be a table of CRM value = lead value",
                )
            out[target] = {norm(str(k)): v for k, v in table.items()}
        return out

    def _absent(self, head: dict[str, object]) -> list[str]:
        value = head.get("absent", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(("mapping", "absent"), "absent must be a list of attribute names")
        return list(value)

    def _events(self) -> list[EventSpec]:
        events = self.data.get("events", [])
        if not isinstance(events, list):
            raise self.fail(("events",), "events must be written [[events]], one table an event")
        out = []
        for i, spec in enumerate(events):
            kind = self.text(("events", i, "type"), spec.get("type"))
            at = self.text(("events", i, "at"), spec.get("at"))
            props: dict[str, str | float] = {}
            constants = set()
            for prop, source in dict(spec.get("props", {})).items():
                if isinstance(source, dict) and "value" in source:
                    props[prop] = source["value"]
                    constants.add(prop)
                else:
                    props[prop] = self.text(("events", i, "props", prop), source)
            unknown = set(spec) - {"type", "at", "props"}
            if unknown:
                raise self.fail(
                    ("events", i),
                    f"unknown key {sorted(unknown)[0]!r} in [[events]] (keys: type, at, props)",
                )
            out.append(EventSpec(kind, at, props, frozenset(constants)))
        return out

    def _actions(self) -> dict[str, str]:
        out = {}
        for ours, theirs in self.table("actions").items():
            if ours not in ACTION_COLUMNS:
                raise self.fail(
                    ("actions", ours),
                    f"unknown actions column {ours!r} (columns: {', '.join(ACTION_COLUMNS)})",
                )
            out[ours] = self.text(("actions", ours), theirs)
        return out
