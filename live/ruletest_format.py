"""Reading a rule test file (`*.test.toml`, docs/TESTING.md): TOML in, cases out, every mistake
of the file named with its line and column, all in one pass.

The TOML text is parsed by `tomllib`; positions come from `live.tomlspan`. A syntax error stops the
file (TOML cannot be read past one); every other mistake (an unknown key, a wrong type, a time that
cannot be read) is collected and the rest of the file is still read. Names that depend on the rule
files (contents, stages, score blocks, ...) are checked afterwards by `live.ruletest_names`.
The values are read by `live.ruletest_reader`, the expectations by `live.ruletest_expect`.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

from dsl import codes
from dsl.diagnostics import Diagnostic
from dsl.ir import Span
from live.ruletest_expect import ExpectReader
from live.ruletest_params import read_params
from live.ruletest_reader import Path_, kind
from live.ruletest_spec import Case, EventSpec, TestFile
from live.ruletest_time import TimeError, resolve, zone_of
from live.tomlspan import Spans, spans

TOP_KEYS = ("rules", "seed", "timezone", "start", "lead_id", "lead", "params", "case")
CASE_KEYS: tuple[str, ...] = (
    "name",
    "rules",
    "seed",
    "timezone",
    "start",
    "lead_id",
    "lead",
    "params",
    "events",
)
CASE_KEYS += ("now", "expect")
DEFAULT_START = "2026-01-05T00:00:00"  # a Monday; on the lead's clock
DEFAULT_LEAD = "L1"
_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")


def read_test_file(path: str) -> TestFile:
    """The file's cases, and its mistakes as diagnostics (a file with any has no cases to run)."""
    try:
        source = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as err:
        return _broken(path, "", f"cannot read: {err.strerror or err}", 0, 0)
    except UnicodeDecodeError:
        return _broken(path, "", "this file is not UTF-8 text", 0, 0)
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        m = _AT_LINE.search(message)
        line, column = (int(m.group(1)), int(m.group(2))) if m and m.group(1) else (0, 0)
        if m and not m.group(1):  # at the end of the document
            line = source.count("\n") + 1
            column = len(source) - source.rfind("\n")
        text = _AT_LINE.sub("", message)
        broken = _broken(
            path, source, f"not valid TOML: {text[:1].lower()}{text[1:]}", line, column
        )
        lines = source.split("\n")
        if text.startswith("Illegal character") and 0 < line <= len(lines):
            if lines[line - 1].count('"') % 2 or lines[line - 1].count("'") % 2:
                (diag,) = broken.diagnostics
                hint = "a text ends on its line, with the quote it opened with"
                broken.diagnostics[0] = Diagnostic(
                    diag.code, diag.message, diag.span, hint, file=path
                )
        return broken
    places = spans(source)
    reader = _FileReader(path, places)
    cases = reader.document(data)
    return TestFile(path, source, cases, reader.diags, places)


def _broken(path: str, source: str, message: str, line: int, column: int) -> TestFile:
    span = Span(line=line, column=column, end_line=line, end_column=column + 1)
    return TestFile(path, source, [], [Diagnostic(codes.TEST_TOML, message, span, file=path)])


class _FileReader(ExpectReader):
    """Reads the parsed TOML into cases, collecting every mistake."""

    def __init__(self, file: str, places: Spans) -> None:
        super().__init__(file, places)
        self.folder = os.path.dirname(file)

    # -------------------------------------------------------------- the file

    def document(self, data: dict) -> list[Case]:
        top = self.table(data, (), TOP_KEYS, "the file")
        defaults = {
            k: top[k] for k in ("rules", "seed", "timezone", "start", "lead_id") if k in top
        }
        lead, params = top.get("lead"), top.get("params")
        raw = top.get("case", [])
        if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
            self.mistake(("case",), "cases are written as [[case]] tables")
            return []
        if not raw:
            self.mistake((), "no cases: add a [[case]] table", "see docs/TESTING.md")
        cases: list[Case] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            case = self.case(item, ("case", i), defaults, (lead, params), i)
            if case is None:
                continue
            if case.name in seen:
                self.mistake(("case", i, "name"), f"two cases named '{case.name}'")
            seen[case.name] = i
            cases.append(case)
        return cases

    def case(
        self, item: dict, path: Path_, defaults: dict, tables: tuple[object, object], index: int
    ) -> Case | None:
        """A case: its own keys over the file's `defaults`; `tables`: the file's [lead] and
        params, under the case's own."""
        given = self.table(item, path, CASE_KEYS, "a case")
        lead, params = tables

        def pick(key: str) -> tuple[dict, Path_]:  # a case's own value, else the file's
            return (given, path) if key in given else (defaults, ())

        name = self.text(given, path, "name")
        if "name" not in given:
            self.mistake(path, "this case has no name", 'add name = "what it shows"')
        rules = self._rules(*pick("rules"), path)
        seed = self.integer(*pick("seed"), "seed")
        tz_name, tz = self._zone(*pick("timezone"))
        start = self._start(*pick("start"), tz)
        lead_id = self.text(*pick("lead_id"), "lead_id") or DEFAULT_LEAD
        attrs, attr_paths = self._attrs(lead, given.get("lead"), path)
        values, value_paths = read_params(self, params, given.get("params"), path)
        events = self._events(given.get("events", []), path + ("events",), start, tz)
        expects, now = self._expects(given, path, start, tz, events)
        if name is None or rules is None:
            return None
        where = path + ("rules",) if "rules" in given else ("rules",)
        return Case(
            name=name,
            place=self.places.of(path),
            index=index,
            rules=rules,
            rules_place=self.places.of(where),
            seed=seed or 0,
            tz_name=tz_name,
            tz=tz,
            start=start,
            lead_id=lead_id,
            attrs=attrs,
            attr_paths=attr_paths,
            events=events,
            expects=expects,
            now=now,
            params=values,
            param_paths=value_paths,
        )

    def _rules(self, table: dict, path: Path_, case: Path_) -> list[str] | None:
        if "rules" not in table:
            self.mistake(
                case,
                "this case names no rule file",
                'add rules = "NAME.nurture" to the case, or at the top of the file',
            )
            return None
        names = self.names(table, path, "rules")
        if not names:
            if names == []:
                self.mistake(path + ("rules",), "'rules' names no rule file")
            return None
        return [os.path.normpath(os.path.join(self.folder, n)) for n in names]

    def _zone(self, table: dict, path: Path_) -> tuple[str | None, ZoneInfo | None]:
        name = self.text(table, path, "timezone")
        if name is None:
            return None, None
        try:
            tz = zone_of(name)
        except TimeError as err:
            hint = "an IANA name, like Europe/London or America/New_York"
            self.mistake(path + ("timezone",), str(err), hint)
            return None, None
        return (name if tz is not None else None), tz

    def _start(self, table: dict, path: Path_, tz: ZoneInfo | None) -> float:
        value = table.get("start", DEFAULT_START)
        if isinstance(value, str) and value.strip().startswith("+"):
            self.mistake(path + ("start",), "the start is a date and time, not a relative time")
            value = DEFAULT_START
        start = self.time({"start": value}, path, "start", 0.0, tz)
        return start if start is not None else resolve(DEFAULT_START, 0.0, tz)

    def _attrs(self, lead: object, own: object, path: Path_) -> tuple[dict, dict]:
        """The file's `[lead]` with the case's `lead` over it; each value's path kept."""
        attrs: dict[str, object] = {}
        paths: dict[str, Path_] = {}
        for table, where in ((lead, ("lead",)), (own, path + ("lead",))):
            if table is None:
                continue
            if not isinstance(table, dict):
                self.mistake(where, f"'lead' must be a table of attributes, not {kind(table)}")
                continue
            for key, value in table.items():
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    self.mistake(
                        where + (key,),
                        f"attribute '{key}' must be a text or a number, not {kind(value)}",
                    )
                    continue
                attrs[key], paths[key] = value, where + (key,)
        return attrs, paths

    def _events(
        self, raw: object, path: Path_, start: float, tz: ZoneInfo | None
    ) -> list[EventSpec]:
        if not isinstance(raw, list):
            self.mistake(
                path, '\'events\' must be a list of tables, like [{ at = "+1d", type = "opened" }]'
            )
            return []
        out: list[EventSpec] = []
        for i, item in enumerate(raw):
            where = path + (i,)
            if not isinstance(item, dict):
                self.mistake(where, f"an event must be a table, not {kind(item)}")
                continue
            props = {k: v for k, v in item.items() if k not in ("at", "type", "props")}
            extra = item.get("props", {})
            if not isinstance(extra, dict):
                self.mistake(where + ("props",), f"'props' must be a table, not {kind(extra)}")
                extra = {}
            props.update(extra)
            for key in ("at", "type"):
                if key not in item:
                    self.mistake(where, f"this event has no '{key}'", _EVENT_HINT)
            at = self.time(item, where, "at", start, tz)
            typ = self.text(item, where, "type")
            if at is not None and at < start:
                self.mistake(where + ("at",), "this event comes before the case's start")
            if typ is not None:  # (a time in error: kept, so its names are checked too)
                at = start if at is None else at
                out.append(EventSpec(at, typ, props, self.places.of(where), where))
        out.sort(key=lambda e: e.at)  # stable: events at one instant keep the file's order
        return out


_EVENT_HINT = 'an event is written { at = "+1d 10:00", type = "opened", content = "welcome" }'
