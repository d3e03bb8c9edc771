"""One expectation against what the engine did: None when it holds, else the expected and the
actual side, each as the lines a report prints."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

from live.ruletest_spec import ACTION_LISTS, ActionSpec, Approx
from live.ruletest_time import shown

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from engine import Action, LeadView
    from live.ruletest_spec import Check

Lines = tuple[list[str], list[str]]


def same_second(actual: float, expected: float) -> bool:
    """Times are compared to the second, as `nurture run` writes them (a rule that turns true
    just after a bound, `days_since(x) > 60`, acts a millisecond after it)."""
    return math.floor(actual) == math.floor(expected)


def number(value: float) -> str:
    """A score as a report prints it: up to 4 decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def compare(
    check: Check,
    view: LeadView,
    window: list[Action],
    start: float,
    tz: ZoneInfo | None,
    file: str,
) -> Lines | None:
    what, expected = check.what, check.expected
    if what == "score" or what.startswith("scores."):
        assert isinstance(expected, Approx)
        actual = view.score if what == "score" else view.scores[what.removeprefix("scores.")]
        return None if expected.holds(actual) else ([str(expected)], [number(actual)])
    if what == "stage":
        return None if view.stage == expected else ([str(expected)], [view.stage])
    if isinstance(expected, bool):
        actual_flag = bool(getattr(view, what))
        return None if actual_flag == expected else ([_flag(expected)], [_flag(actual_flag)])
    if what.startswith("segments"):
        return _segments(what, cast("list[str]", expected), view.segments)
    kind = ACTION_LISTS[what]
    actual_list = [a for a in window if kind is None or a.action == kind]
    return _actions(list(cast("list[ActionSpec]", expected)), actual_list, start, tz, file)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _segments(what: str, expected: list[str], actual: list[str]) -> Lines | None:
    have = set(actual)
    if what == "segments":
        ok = set(expected) == have
    elif what == "segments_include":
        ok = all(s in have for s in expected)
    else:
        ok = not any(s in have for s in expected)
    if ok:
        return None
    label = {"segments": "", "segments_include": "including ", "segments_exclude": "none of "}
    return [label[what] + (", ".join(expected) or "none")], [", ".join(actual) or "none"]


def _actions(
    expected: list[ActionSpec],
    actual: list[Action],
    start: float,
    tz: ZoneInfo | None,
    file: str,
) -> Lines | None:
    same = len(expected) == len(actual) and all(
        _matches(spec, action, file) for spec, action in zip(expected, actual, strict=True)
    )
    if same:
        return None
    left = [_spec_text(spec, start, tz) for spec in expected] or ["none"]
    right = [action_text(a, start, tz) for a in actual] or ["none"]
    return left, right


def _matches(spec: ActionSpec, action: Action, file: str) -> bool:
    for key, wanted in spec.fields.items():
        if key == "file":
            got: object = action.program or file
        else:
            got = getattr(action, key)
        if key in ("at", "due"):
            if got is None or not same_second(float(got), float(wanted)):  # type: ignore[arg-type]  # times: floats (ruletest_reader.time)
                return False
        elif isinstance(wanted, str) and isinstance(got, str):
            if wanted.strip().lower() != got.strip().lower():
                return False
        elif got != wanted:
            return False
    return True


def _spec_text(spec: ActionSpec, start: float, tz: ZoneInfo | None) -> str:
    f = spec.fields
    parts = [str(f.get("action", "?"))]
    if "content" in f:
        parts.append(str(f["content"]))
    if "channel" in f:
        parts.append(f"by {f['channel']}")
    if "at" in f:
        parts.append("at " + shown(float(f["at"]), start, tz))  # type: ignore[arg-type]  # a float
    if "due" in f:
        parts.append("due " + shown(float(f["due"]), start, tz))  # type: ignore[arg-type]  # a float
    tags = [f"{k} {f[k]}" for k in ("sequence", "step", "arm", "reason", "file") if k in f]
    return " ".join(parts) + (f" ({', '.join(tags)})" if tags else "")


def action_text(action: Action, start: float, tz: ZoneInfo | None) -> str:
    """One action on one line, in the same words as an expected one."""
    parts = [action.action]
    if action.content:
        parts.append(action.content)
    if action.channel:
        parts.append(f"by {action.channel}")
    parts.append("at " + shown(action.at, start, tz))
    if action.due is not None and action.due != action.at:
        parts.append("due " + shown(action.due, start, tz))
    tags = [
        f"{k} {getattr(action, k)}"
        for k in ("sequence", "step", "arm", "reason")
        if getattr(action, k) is not None
    ]
    if action.program:
        tags.append(f"file {action.program}")
    return " ".join(parts) + (f" ({', '.join(tags)})" if tags else "")
