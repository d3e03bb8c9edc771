"""Reading a rule test file (`*.test.toml`, docs/TESTING.md): TOML in, cases out, every mistake
of the file named with its line and column, all in one pass.

The TOML text is parsed by `tomllib`; positions come from `live.tomlspan`. A syntax error stops the
file (TOML cannot be read past one); every other mistake (an unknown key, a wrong type, a time that
cannot be read) is collected and the rest of the file is still read. Names that depend on the rule
files (contents, stages, score blocks, ...) are checked afterwards by `live.ruletest_names`.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, datetime
from pathlib import Path

from dsl import codes
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.ir import Span
from live.ruletest_spec import (
    ACTION_KEYS,
    ACTION_LISTS,
    FLAGS,
    ActionSpec,
    Approx,
    Case,
    Check,
    EventSpec,
    Expectation,
    TestFile,
)
from live.ruletest_time import HINT, TimeError, resolve, zone_of
from live.tomlspan import Place, Spans, spans

TOP_KEYS = ("rules", "seed", "timezone", "start", "lead_id", "lead", "case")
CASE_KEYS = ("name", "rules", "seed", "timezone", "start", "lead_id", "lead", "events", "now")
CASE_KEYS += ("expect",)
EXPECT_KEYS = ("at", "file", "score", "scores", "stage", *FLAGS, "segments")
EXPECT_KEYS += ("segments_include", "segments_exclude", *ACTION_LISTS)
DEFAULT_START = "2026-01-05T00:00:00"  # a Monday; on the lead's clock
DEFAULT_LEAD = "L1"
_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$|\s*\(at end of document\)$")

Path_ = tuple[str | int, ...]


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
    reader = _Reader(path, places)
    cases = reader.document(data)
    return TestFile(path, source, cases, reader.diags, places)


def _broken(path: str, source: str, message: str, line: int, column: int) -> TestFile:
    span = Span(line=line, column=column, end_line=line, end_column=column + 1)
    return TestFile(path, source, [], [Diagnostic(codes.TEST_TOML, message, span, file=path)])


def _span(place: Place) -> Span:
    return Span(
        line=place.line,
        column=place.column,
        end_line=place.end_line,
        end_column=place.end_column,
    )


def _kind(value: object) -> str:
    """What a TOML value is, in the words of the format."""
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {value:g}" if isinstance(value, float) else f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (datetime, date)):
        return "a date"
    if isinstance(value, dict):
        return "a table"
    return "a list"


class _Reader:
    """Reads the parsed TOML into cases, collecting every mistake."""

    def __init__(self, file: str, places: Spans) -> None:
        self.file = file
        self.places = places
        self.diags: list[Diagnostic] = []
        self.seen: set[Diagnostic] = set()
        self.folder = os.path.dirname(file)

    def mistake(
        self, path: Path_, message: str, hint: str | None = None, key: bool = False
    ) -> None:
        place = self.places.key(path) if key else self.places.of(path)
        diag = Diagnostic(codes.TEST_SCHEMA, message, _span(place), hint, file=self.file)
        if diag not in self.seen:  # a file-wide default is read once per case
            self.seen.add(diag)
            self.diags.append(diag)

    def table(self, value: object, path: Path_, allowed: tuple[str, ...], what: str) -> dict:
        """The table, with each unknown key named (and the nearest known one)."""
        if not isinstance(value, dict):
            self.mistake(path, f"{what} must be a table, not {_kind(value)}")
            return {}
        for key in value:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "known keys: " + ", ".join(allowed)
                self.mistake(path + (key,), f"unknown key '{key}' in {what}", hint, key=True)
        return {k: v for k, v in value.items() if k in allowed}

    def text(self, table: dict, path: Path_, key: str) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.mistake(path + (key,), f"'{key}' must be a non-empty text, not {_kind(value)}")
            return None
        return value.strip()

    def integer(self, table: dict, path: Path_, key: str, low: int = 0) -> int | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            self.mistake(
                path + (key,), f"'{key}' must be a whole number >= {low}, not {_kind(value)}"
            )
            return None
        return value

    def names(self, table: dict, path: Path_, key: str) -> list[str] | None:
        value = table.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.mistake(path + (key,), f'\'{key}\' must be a list of names, like ["a", "b"]')
            return None
        return [v.strip() for v in value]

    def time(self, table: dict, path: Path_, key: str, start: float, tz: object) -> float | None:
        value = table.get(key)
        if value is None:
            return None
        try:
            return resolve(value, start, tz)  # type: ignore[arg-type]
        except TimeError as err:
            self.mistake(path + (key,), str(err), HINT)
            return None

    # -------------------------------------------------------------- the file

    def document(self, data: dict) -> list[Case]:
        top = self.table(data, (), TOP_KEYS, "the file")
        defaults = {
            k: top[k] for k in ("rules", "seed", "timezone", "start", "lead_id") if k in top
        }
        lead = top.get("lead")
        raw = top.get("case", [])
        if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
            self.mistake(("case",), "cases are written as [[case]] tables")
            return []
        if not raw:
            self.mistake((), "no cases: add a [[case]] table", "see docs/TESTING.md")
        cases: list[Case] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(raw):
            case = self.case(item, ("case", i), defaults, lead, i)
            if case is None:
                continue
            if case.name in seen:
                self.mistake(("case", i, "name"), f"two cases named '{case.name}'")
            seen[case.name] = i
            cases.append(case)
        return cases

    def case(
        self, item: dict, path: Path_, defaults: dict, lead: object, index: int
    ) -> Case | None:
        given = self.table(item, path, CASE_KEYS, "a case")

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

    def _zone(self, table: dict, path: Path_) -> tuple[str | None, object]:
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

    def _start(self, table: dict, path: Path_, tz: object) -> float:
        value = table.get("start", DEFAULT_START)
        if isinstance(value, str) and value.strip().startswith("+"):
            self.mistake(path + ("start",), "the start is a date and time, not a relative time")
            value = DEFAULT_START
        start = self.time({"start": value}, path, "start", 0.0, tz)
        return start if start is not None else resolve(DEFAULT_START, 0.0, tz)  # type: ignore

    def _attrs(self, lead: object, own: object, path: Path_) -> tuple[dict, dict]:
        """The file's `[lead]` with the case's `lead` over it; each value's path kept."""
        attrs: dict[str, object] = {}
        paths: dict[str, Path_] = {}
        for table, where in ((lead, ("lead",)), (own, path + ("lead",))):
            if table is None:
                continue
            if not isinstance(table, dict):
                self.mistake(where, f"'lead' must be a table of attributes, not {_kind(table)}")
                continue
            for key, value in table.items():
                if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                    self.mistake(
                        where + (key,),
                        f"attribute '{key}' must be a text or a number, not {_kind(value)}",
                    )
                    continue
                attrs[key], paths[key] = value, where + (key,)
        return attrs, paths

    def _events(self, raw: object, path: Path_, start: float, tz: object) -> list[EventSpec]:
        if not isinstance(raw, list):
            self.mistake(
                path, '\'events\' must be a list of tables, like [{ at = "+1d", type = "opened" }]'
            )
            return []
        out: list[EventSpec] = []
        for i, item in enumerate(raw):
            where = path + (i,)
            if not isinstance(item, dict):
                self.mistake(where, f"an event must be a table, not {_kind(item)}")
                continue
            props = {k: v for k, v in item.items() if k not in ("at", "type", "props")}
            extra = item.get("props", {})
            if not isinstance(extra, dict):
                self.mistake(where + ("props",), f"'props' must be a table, not {_kind(extra)}")
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

    def _expects(
        self, given: dict, path: Path_, start: float, tz: object, events: list[EventSpec]
    ) -> tuple[list[Expectation], float]:
        raw = given.get("expect", [])
        if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
            self.mistake(path + ("expect",), "expectations are written as [[case.expect]] tables")
            raw = []
        if not raw:
            self.mistake(path, "this case expects nothing", "add a [[case.expect]] table")
        times = [self.time(x, path + ("expect", i), "at", start, tz) for i, x in enumerate(raw)]
        now = self.time(given, path, "now", start, tz)
        if now is None:
            now = max([start] + [e.at for e in events] + [t for t in times if t is not None])
        out: list[Expectation] = []
        for i, (item, at) in enumerate(zip(raw, times, strict=True)):
            where = path + ("expect", i)
            written = str(item.get("at", "now"))
            at = now if at is None else at
            if at < start:
                self.mistake(where + ("at",), "this expectation comes before the case's start")
            if at > now:
                self.mistake(where + ("at",), "this expectation comes after the case's 'now'")
            checks = self._checks(item, where, start, tz)
            file = self.text(item, where, "file")
            out.append(Expectation(at, written, checks, self.places.of(where), file))
        out.sort(key=lambda x: x.at)
        return out, now

    def _checks(self, item: dict, path: Path_, start: float, tz: object) -> list[Check]:
        table = self.table(item, path, EXPECT_KEYS, "an expectation")
        checks: list[Check] = []

        def add(what: str, expected: object, key: Path_) -> None:
            checks.append(Check(what, expected, self.places.of(path + key), path + key))

        if "score" in table:
            number = self._approx(table["score"], path + ("score",), "score")
            if number is not None:
                add("score", number, ("score",))
        scores = table.get("scores")
        if scores is not None:
            if not isinstance(scores, dict):
                self.mistake(
                    path + ("scores",), "'scores' must be a table: { fit = 15, engagement = 2 }"
                )
            else:
                for block, value in scores.items():
                    number = self._approx(value, path + ("scores", block), block)
                    if number is not None:
                        add(f"scores.{block}", number, ("scores", block))
        stage = self.text(table, path, "stage")
        if stage is not None:
            add("stage", stage, ("stage",))
        for flag in FLAGS:
            if flag in table:
                if isinstance(table[flag], bool):
                    add(flag, table[flag], (flag,))
                else:
                    self.mistake(
                        path + (flag,), f"'{flag}' must be true or false, not {_kind(table[flag])}"
                    )
        for key in ("segments", "segments_include", "segments_exclude"):
            names = self.names(table, path, key)
            if names is not None:
                add(key, names, (key,))
        for key, kind in ACTION_LISTS.items():
            if key in table:
                specs = self._actions(table[key], path + (key,), kind, start, tz)
                if specs is not None:
                    add(key, specs, (key,))
        return checks

    def _approx(self, value: object, path: Path_, name: str) -> Approx | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return Approx(float(value))
        if isinstance(value, dict):
            table = self.table(value, path, ("value", "within"), f"'{name}'")
            number, within = table.get("value"), table.get("within", 0)
            if all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in (number, within)
            ):
                if within >= 0:  # type: ignore[operator]
                    return Approx(float(number), float(within))  # type: ignore[arg-type]
        self.mistake(
            path,
            f"'{name}' must be a number, or {{ value = N, within = T }} with T >= 0",
            f"for instance {name} = 12 or {name} = {{ value = 11.3, within = 0.05 }}",
        )
        return None

    def _actions(
        self, raw: object, path: Path_, kind: str | None, start: float, tz: object
    ) -> list[ActionSpec] | None:
        what = path[-1]
        if not isinstance(raw, list):
            self.mistake(
                path, f"'{what}' must be a list of tables, like [{{ content = \"welcome\" }}]"
            )
            return None
        allowed = (
            ACTION_KEYS + ("file",)
            if kind is None
            else tuple(k for k in ACTION_KEYS if k != "action") + ("file",)
        )
        out: list[ActionSpec] = []
        for i, item in enumerate(raw):
            where = path + (i,)
            table = self.table(item, where, allowed, f"an entry of '{what}'")
            if kind is None and "action" not in table and isinstance(item, dict):
                self.mistake(where, "an entry of 'actions' needs its 'action' (send, task, ...)")
            fields: dict[str, object] = {} if kind is None else {"action": kind}
            written: dict[str, str] = {}
            for key in ("action", "content", "channel", "sequence", "reason", "file"):
                value = self.text(table, where, key)
                if value is not None:
                    fields[key] = value
            for key in ("step", "arm"):
                value = self.integer(table, where, key, low=1)
                if value is not None:
                    fields[key] = value
            for key in ("at", "due"):
                value = self.time(table, where, key, start, tz)
                if value is not None:
                    fields[key], written[key] = value, str(table[key])
            out.append(ActionSpec(fields, written, self.places.of(where), where))
        return out


_EVENT_HINT = 'an event is written { at = "+1d 10:00", type = "opened", content = "welcome" }'
