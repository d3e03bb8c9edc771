"""Reading the expectations of a rule test (`[[case.expect]]`): the moment, and each check
(scores, stage, flags, segments, the actions listed), every mistake at its place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from live.ruletest_reader import Path_, Reader, kind
from live.ruletest_spec import (
    ACTION_KEYS,
    ACTION_LISTS,
    FLAGS,
    ActionSpec,
    Approx,
    Check,
    EventSpec,
    Expectation,
)

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

EXPECT_KEYS: tuple[str, ...] = ("at", "file", "score", "scores", "stage", *FLAGS, "segments")
EXPECT_KEYS += ("segments_include", "segments_exclude", *ACTION_LISTS)


class ExpectReader(Reader):
    """A Reader that also reads a case's expectations."""

    def _expects(
        self, given: dict, path: Path_, start: float, tz: ZoneInfo | None, events: list[EventSpec]
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

    def _checks(self, item: dict, path: Path_, start: float, tz: ZoneInfo | None) -> list[Check]:
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
                        path + (flag,), f"'{flag}' must be true or false, not {kind(table[flag])}"
                    )
        for key in ("segments", "segments_include", "segments_exclude"):
            names = self.names(table, path, key)
            if names is not None:
                add(key, names, (key,))
        for key, action in ACTION_LISTS.items():
            if key in table:
                specs = self._actions(table[key], path + (key,), action, start, tz)
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
                if within >= 0:
                    return Approx(float(number), float(within))  # type: ignore[arg-type]  # numbers: checked by all() above
        self.mistake(
            path,
            f"'{name}' must be a number, or {{ value = N, within = T }} with T >= 0",
            f"for instance {name} = 12 or {name} = {{ value = 11.3, within = 0.05 }}",
        )
        return None

    def _actions(
        self, raw: object, path: Path_, only: str | None, start: float, tz: ZoneInfo | None
    ) -> list[ActionSpec] | None:
        """The entries of `sends`, `tasks`, `suppressed` (`only` that kind of action) or
        `actions` (any kind, each naming its `action`)."""
        what = path[-1]
        if not isinstance(raw, list):
            self.mistake(
                path, f"'{what}' must be a list of tables, like [{{ content = \"welcome\" }}]"
            )
            return None
        allowed = (
            ACTION_KEYS + ("file",)
            if only is None
            else tuple(k for k in ACTION_KEYS if k != "action") + ("file",)
        )
        out: list[ActionSpec] = []
        for i, item in enumerate(raw):
            where = path + (i,)
            table = self.table(item, where, allowed, f"an entry of '{what}'")
            if only is None and "action" not in table and isinstance(item, dict):
                self.mistake(where, "an entry of 'actions' needs its 'action' (send, task, ...)")
            fields: dict[str, object] = {} if only is None else {"action": only}
            written: dict[str, str] = {}
            for key in ("action", "content", "channel", "sequence", "reason", "file"):
                value = self.text(table, where, key)
                if value is not None:
                    fields[key] = value
            for key in ("step", "arm"):
                number = self.integer(table, where, key, low=1)
                if number is not None:
                    fields[key] = number
            for key in ("at", "due"):
                moment = self.time(table, where, key, start, tz)
                if moment is not None:
                    fields[key], written[key] = moment, str(table[key])
            out.append(ActionSpec(fields, written, self.places.of(where), where))
        return out
