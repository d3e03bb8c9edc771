"""What `nurture test` prints: each failure with expected and actual side by side and the lead's
trail over the window that failed, mistakes in test files as `file:line:col: message`, then
`PASS n/m`; or all of it as JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from dsl import codes
from dsl.diagnostics import render_all
from live.ruletest_time import relative, shown, utc

if TYPE_CHECKING:
    from live.ruletest import CaseResult, Failure, FileResult, Outcome


def problems(outcome: Outcome) -> str:
    """Mistakes in the files (test files, and the rule files they name), as `nurture check`
    prints them; "" when there are none."""
    out: list[str] = []
    for path in outcome.missing:
        out.append(f"{path}: no such file or folder")
    printed: set[str] = set()
    for result in outcome.files:
        test = result.test
        for rules, (source, diags) in test.rule_errors.items():
            if rules not in printed and diags and diags[0].code != codes.IO:
                printed.add(rules)
                out.append(render_all(diags, source))
                out.append(f"{rules}: {_count(len(diags), 'error')}")
        if test.errors:
            out.append(render_all(test.errors, test.source))
            out.append(f"{test.path}: {_count(len(test.errors), 'error')}")
    return "\n".join(out)


def text(outcome: Outcome) -> str:
    """The failures, then `PASS n/m` (and how many test files could not run)."""
    out: list[str] = []
    for result in outcome.files:
        for case in result.cases:
            if not case.passed:
                out.extend(_failed(result, case))
                out.append("")
    broken = sum(1 for r in outcome.files if r.test.errors)
    summary = f"PASS {outcome.passed}/{outcome.total}"
    if broken:
        summary += f"; {_count(broken, 'test file')} with errors, not run"
    out.append(summary)
    return "\n".join(out)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _failed(result: FileResult, case: CaseResult) -> list[str]:
    path = result.test.path
    lines = [f"FAIL {path}:{case.place.line}: {case.name}"]
    assert case.at is not None and case.window is not None
    moment = shown(case.at, case.start, case.tz)
    if not moment.startswith(case.written + " "):
        moment = f"{case.written} = {moment}"
    lines.append(f"  at {moment}, lead {case.lead}")
    if case.params:
        lines.append("  params: " + ", ".join(case.params))
    for failure in case.failures:
        lines.append(f"  {path}:{failure.place.line}:{failure.place.column}: {failure.what}")
        lines.extend("    " + row for row in _side_by_side(failure))
    since = max(case.window[0], case.start)
    lines.append(
        f"  trail of {case.lead} from {relative(since, case.start, case.tz)} "
        f"to {relative(case.at, case.start, case.tz)}:"
    )
    if case.hidden:
        lines.append(f"    ({case.hidden} earlier lines not shown)")
    width = max((len(e.kind) for e in case.trail), default=0)
    for entry in case.trail:
        rule = f"  [{entry.rule}]" if entry.rule else ""
        when = relative(entry.at, case.start, case.tz)
        lines.append(f"    {when:<10} {entry.kind:<{width}}  {entry.message}{rule}")
    return lines


def _side_by_side(failure: Failure) -> list[str]:
    left = ["expected", *failure.expected]
    right = ["actual", *failure.actual]
    width = max(len(x) for x in left)
    rows = max(len(left), len(right))
    left += [""] * (rows - len(left))
    right += [""] * (rows - len(right))
    return [f"{a:<{width}} | {b}".rstrip() for a, b in zip(left, right, strict=True)]


def as_json(outcome: Outcome) -> str:
    files = []
    for result in outcome.files:
        test = result.test
        files.append(
            {
                "file": test.path,
                "errors": [d.to_dict() for d in test.errors]
                + [d.to_dict() for _, diags in test.rule_errors.values() for d in diags],
                "cases": [_case_json(case) for case in result.cases],
            }
        )
    data = {
        "passed": outcome.passed,
        "total": outcome.total,
        "ok": outcome.ok,
        "missing": outcome.missing,
        "files": files,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _case_json(case: CaseResult) -> dict[str, object]:
    data: dict[str, object] = {
        "name": case.name,
        "line": case.place.line,
        "passed": case.passed,
    }
    if case.params:
        data["params"] = case.params
    if case.at is not None:
        data["at"] = utc(case.at)
        data["failures"] = [
            {
                "check": f.what,
                "line": f.place.line,
                "column": f.place.column,
                "expected": f.expected,
                "actual": f.actual,
            }
            for f in case.failures
        ]
        data["trail"] = [e.to_dict() for e in case.trail]
    return data
