"""The canonical printer: one layout for every `.nurture` file, comments kept.

Works on the unresolved items of the parse (so the file's own block order and names are kept),
prints each construct on one line, aligns columns within runs of one-line declarations, and puts
comments back: a comment on its own line goes before the construct that follows it, a comment at
the end of a line stays at the end of the construct that line belongs to.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dsl import ir

INDENT = "  "

# Precedence levels, loosest first (DSL.md "Values and expressions").
_OR, _AND, _NOT, _CMP, _SUM, _PRODUCT, _UNARY, _ATOM = range(1, 9)


# ------------------------------------------------------------------ values and expressions


def number(value: float | ir.ParamRef) -> str:
    """As the grammar reads it: digits and a point, never an exponent (`1e-05` is `0.00001`);
    a param where a number stands is its name."""
    if isinstance(value, ir.ParamRef):
        return value.name
    if float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(float(value))), "f")


def text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _level(e: Any) -> int:
    kind = e.kind
    if kind == "or":
        return _OR
    if kind == "and":
        return _AND
    if kind == "not":
        return _NOT
    if kind == "compare":
        return _CMP
    if kind == "arith":
        return _SUM if e.op in "+-" else _PRODUCT
    if kind == "neg" or (kind == "num" and e.value < 0):
        return _UNARY
    return _ATOM


def _wrap(e: Any, minimum: int) -> str:
    s = expr(e)
    return f"({s})" if _level(e) < minimum else s


def expr(e: Any) -> str:
    """An expression with the fewest parentheses that keep its tree."""
    kind = e.kind
    if kind == "num":
        return number(e.value)
    if kind == "str":
        return text(e.value)
    if kind == "bool":
        return "true" if e.value else "false"
    if kind == "list":
        return "[" + ", ".join(expr(i) for i in e.items) + "]"
    if kind in ("name", "attr", "prop", "segment"):
        return e.name
    if kind == "score":
        return e.name or "score"
    if kind == "stage_var":
        return "stage"
    if kind == "stage_const":
        return e.name
    if kind == "flag":
        return e.name
    if kind == "or":
        return " or ".join(_wrap(i, _OR + 1) for i in e.items)
    if kind == "and":
        return " and ".join(_wrap(i, _AND + 1) for i in e.items)
    if kind == "not":
        return "not " + _wrap(e.operand, _NOT)
    if kind == "compare":
        return f"{_wrap(e.left, _SUM)} {e.op} {_wrap(e.right, _SUM)}"
    if kind == "arith":
        own = _level(e)
        return f"{_wrap(e.left, own)} {e.op} {_wrap(e.right, own + 1)}"
    if kind == "neg":
        return "-" + _wrap(e.operand, _UNARY)
    return _call(e)


def _call(e: Any) -> str:
    kind = e.kind
    if kind == "call":
        inner = expr(e.args[0])
        if e.where is not None:
            inner += " where " + expr(e.where)
        if e.window is not None:
            inner += f", {e.window}"
        return f"{e.func}({inner})"
    if kind == "count":
        where = f" where {expr(e.where)}" if e.where is not None else ""
        return f"count({e.event}{where}, {e.window})"
    if kind == "days_since":
        return f"days_since({e.event})"
    if kind == "content_check":
        return f"{e.action}({e.content})"
    if kind == "in_sequence":
        return f"in_sequence({e.sequence})"
    if kind == "event_since":
        return e.event
    raise ValueError(f"cannot print expression of kind {kind!r}")


# ------------------------------------------------------------------ lines


@dataclass
class Line:
    text: str
    depth: int
    source_line: int  # where the construct starts in the source; 0 = no source (a blank line)


def _percent(value: float | ir.ParamRef) -> str:
    return value.name if isinstance(value, ir.ParamRef) else number(value) + "%"


def _points(value: float | ir.ParamRef) -> str:
    """Score points with their sign: `+5`, `-20`, `+bonus`, `-penalty`."""
    if isinstance(value, ir.ParamRef):
        return ("-" if value.negative else "+") + value.name
    return f"{'+' if value >= 0 else '-'}{number(abs(value))}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _step_lines(step: Any, depth: int, out: list[Line]) -> None:
    line = step.span.line
    if step.kind == "if":
        out.append(Line(f"if {expr(step.condition)}:", depth, line))
        for s in step.then:
            _step_lines(s, depth + 1, out)
        if step.otherwise:
            else_line = step.otherwise[0].span.line - 1
            out.append(Line("else:", depth, else_line))
            for s in step.otherwise:
                _step_lines(s, depth + 1, out)
    elif step.kind == "split":
        out.append(Line("split:", depth, line))
        for arm in step.arms:
            out.append(
                Line(
                    f"{_percent(arm.percent)} -> {simple_step(arm.step)}", depth + 1, arm.span.line
                )
            )
    else:
        out.append(Line(simple_step(step), depth, line))


def simple_step(step: Any) -> str:
    if step.kind == "send":
        return f"send {step.content}" + (f" when {expr(step.when)}" if step.when else "")
    if step.kind == "wait":
        return f"wait {step.duration}"
    return f"wait until {expr(step.condition)} or {step.timeout}"


def _header_text(key: str, value: Any) -> str:
    if key == "for":
        return f"for {expr(value)}"
    if key == "enter":
        if value.kind == "on":
            where = f" where {expr(value.where)}" if value.where is not None else ""
            return f"enter on {value.event}{where}"
        return f"enter when {expr(value.condition)}"
    if key == "exit when":
        return f"exit when {expr(value)}"
    if key == "holdout":
        return f"holdout {_percent(value[0])}"
    if key == "reenter after":
        return f"reenter after {value}"
    return f"limit {value.count} per {value.window}"


def _block_lines(item: Any) -> tuple[str, list[Line]]:
    """(kind, lines) for one top-level item; one-line kinds get aligned later."""
    if isinstance(item, tuple):
        return _tuple_lines(item)
    if isinstance(item, ir.EventDecl):
        props = ", ".join(f"{p.name}: {p.type}" for p in item.props)
        return "event", [
            Line(f"event {item.name}" + (f"({props})" if props else ""), 0, item.span.line)
        ]
    if isinstance(item, ir.ContentDecl):
        cells = [
            item.name,
            item.channel,
            f"stage {item.stage}" if item.stage else "",
            f"cost {number(item.cost)}" if item.cost else "",
        ]
        return "content", [Line("\t".join(["content", *cells]), 0, item.span.line)]
    if isinstance(item, ir.Segment):
        return "segment", [
            Line(f"segment\t{item.name}:\t{expr(item.condition)}", 0, item.span.line)
        ]
    if isinstance(item, ir.ScoreBlock):
        return "score", _score_lines(item)
    if isinstance(item, ir.StageRule):
        return "stage", [
            Line(f"stage\t{item.stage}\twhen {expr(item.condition)}", 0, item.span.line)
        ]
    if isinstance(item, ir.Lifecycle):
        return "lifecycle", [Line(f"{item.flag} when {expr(item.condition)}", 0, item.span.line)]
    if isinstance(item, ir.Param):
        from dsl.params import bounds
        from dsl.params import text as value_text

        cells = ["param", item.name, f"= {value_text(item.default, item.type)}"]
        if (ends := bounds(item)) is not None:
            low, high = (value_text(v, item.type) for v in ends)
            cells.append(f"in {low}..{high}")
        return "param", [Line("\t".join(cells), 0, item.span.line)]
    if isinstance(item, ir.Handoff):
        lines = [Line(f"handoff when {expr(item.condition)}:", 0, item.span.line)]
        for send in item.sends:
            lines.append(Line(f"send {send.content} within {send.within}", 1, send.span.line))
        return "handoff", lines
    raise ValueError(f"cannot print item {item!r}")


def _score_lines(block: ir.ScoreBlock) -> list[Line]:
    lines = [Line(f"score {block.name}:", 0, block.span.line)]
    rules = sorted(
        [*block.rules, *([block.decay] if block.decay else [])], key=lambda r: r.span.line
    )
    for rule in rules:
        if isinstance(rule, ir.Decay):
            body = f"decay {_percent(rule.percent)} every {rule.every}"
        elif isinstance(rule, ir.FitRule):
            body = f"{_points(rule.points)}\twhen {expr(rule.condition)}"
        else:
            body = f"{_points(rule.points)}\ton {rule.event}"
            if rule.where is not None:
                body += f" where {expr(rule.where)}"
            if rule.cap is not None:
                body += f" cap {number(rule.cap.points)} per {rule.cap.window}"
        lines.append(Line(body, 1, rule.span.line))
    return lines


def _tuple_lines(item: tuple[Any, ...]) -> tuple[str, list[Line]]:
    key = item[0]
    if key == "campaign":
        return "campaign", [Line(f"campaign {text(item[1])}", 0, item[2].line)]
    if key == "stages":
        names = ", ".join(s.name for s in item[1])
        return "stages", [Line(f"stages {names}", 0, item[1][0].span.line)]
    if key == "lead":
        attrs = item[1]
        lines = [Line("lead:", 0, attrs[0].span.line - 1)]
        for a in attrs:
            type_ = a.type if a.type != "one_of" else "one of " + ", ".join(map(text, a.options))
            lines.append(Line(f"{a.name}:\t{type_}", 1, a.span.line))
        return "lead", lines
    if key == "policy":
        _, entries, span = item
        lines = [Line("policy:", 0, span.line)]
        for k, v in entries:
            if k == "limit":
                lines.append(Line(f"limit {v.count} per {v.window}", 1, v.span.line))
            elif k == "quiet":
                lines.append(Line(f"quiet {_clock(v.start)}-{_clock(v.end)}", 1, v.span.line))
            else:
                lines.append(Line(f"sunset when {expr(v[0])}", 1, v[1].line))
        return "policy", lines
    name, span, body = item[1]
    lines = [Line(f"sequence {name}:", 0, span.line)]
    seen_step = False
    for entry in body:
        if isinstance(entry, tuple):
            key_, value, line_span = entry
            lines.append(Line(_header_text(key_, value), 1, line_span.line))
            continue
        if not seen_step and len(lines) > 1:
            lines.append(Line("", 0, 0))
        seen_step = True
        _step_lines(entry, 1, lines)
    return "sequence", lines


# ------------------------------------------------------------------ alignment and comments


def _align(lines: list[Line]) -> list[Line]:
    """Cells separated by tabs are padded to the widest cell of their run of lines.

    A run is a stretch of lines at one depth: inside a block (depth > 0) the whole block, lines
    without cells included but left as they are; at the top level, consecutive lines of one kind.
    """
    i = 0
    while i < len(lines):
        if "\t" not in lines[i].text:
            i += 1
            continue
        first, depth = lines[i].text.split("\t")[0], lines[i].depth
        j = i
        while (
            j < len(lines)
            and lines[j].depth == depth
            and lines[j].text
            and (depth > 0 or lines[j].text.split("\t")[0] == first)
        ):
            j += 1
        rows = [(ln, ln.text.split("\t")) for ln in lines[i:j] if "\t" in ln.text]
        width = max(len(cells) for _, cells in rows)
        widths = [max(len(c[k]) for _, c in rows if k < len(c)) for k in range(width)]
        for ln, cells in rows:
            padded = [c.ljust(widths[k]) if k < len(cells) - 1 else c for k, c in enumerate(cells)]
            ln.text = " ".join(padded).rstrip()
        i = j
    return lines


def find_comments(source: str) -> list[tuple[int, str, bool]]:
    """(line, comment text, stands alone on its line) for every `#` outside a text."""
    found = []
    for number_, line in enumerate(source.split("\n"), start=1):
        in_text = escaped = False
        for col, ch in enumerate(line):
            if in_text:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_text = False
            elif ch == '"':
                in_text = True
            elif ch == "#":
                found.append((number_, line[col:].rstrip(), not line[:col].strip()))
                break
    return found


def _place_comments(lines: list[Line], comments: list[tuple[int, str, bool]]) -> list[str]:
    starts = sorted({ln.source_line for ln in lines if ln.source_line})
    before: dict[int, list[str]] = {}
    after: dict[int, list[str]] = {}
    tail: list[str] = []
    for line_no, body, alone in comments:
        if alone:  # the first construct after it
            i = bisect_right(starts, line_no)
            target = starts[i] if i < len(starts) else None
            (before.setdefault(target, []) if target else tail).append(body)
        else:  # the last construct starting on or before its line
            i = bisect_right(starts, line_no)
            target = starts[i - 1] if i else None
            if target is None:
                tail.append(body)
            else:
                after.setdefault(target, []).append(body)
    rows: list[tuple[str, list[str]]] = []
    for ln in lines:
        pad = INDENT * ln.depth
        for body in before.pop(ln.source_line, []) if ln.source_line else []:
            rows.append((pad + body, []))
        trailing = after.pop(ln.source_line, []) if ln.source_line else []
        rows.append(((pad + ln.text).rstrip(), trailing))
    rows.extend((body, []) for body in tail)
    return _align_trailing(rows)


def _align_trailing(rows: list[tuple[str, list[str]]]) -> list[str]:
    """Trailing comments on adjacent lines start in one column."""
    out: list[str] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][1]:
            j += 1
        if j == i:
            out.append(rows[i][0])
            i += 1
            continue
        column = max(len(code) for code, _ in rows[i:j]) + 2
        for code, comments in rows[i:j]:
            out.append(code.ljust(column) + "  ".join(comments))
        i = j
    return out


def _needs_blank(
    prev: tuple[str, list[Line]], item: tuple[str, list[Line]], source_lines: list[str]
) -> bool:
    if prev[0] != item[0] or len(prev[1]) > 1 or len(item[1]) > 1:
        return True
    start, end = prev[1][-1].source_line, item[1][0].source_line
    return any(not source_lines[i - 1].strip() for i in range(start + 1, end))


def format_items(items: list[Any], source: str) -> str:
    source_lines = source.split("\n")
    blocks = [_block_lines(item) for item in items]
    lines: list[Line] = []
    for index, block in enumerate(blocks):
        if index and _needs_blank(blocks[index - 1], block, source_lines):
            lines.append(Line("", 0, 0))
        lines.extend(block[1])
    lines = _align(lines)
    text_lines = _place_comments(lines, find_comments(source))
    while text_lines and not text_lines[-1].strip():
        text_lines.pop()
    return "\n".join(text_lines) + "\n"


def format_source(source: str, file: str = "<rules>") -> str:
    """The canonical text of a file; raises DiagnosticError when the file does not parse."""
    from dsl.collector import collector_paused
    from dsl.diagnostics import DiagnosticError
    from dsl.parser import normalise, parse_text
    from dsl.transformer import build_items

    source = normalise(source)
    with collector_paused():
        tree, diagnostics = parse_text(source, file)
        if tree is None or diagnostics:
            raise DiagnosticError(diagnostics)
        items, build_errors, _ = build_items(tree, file, source)
        del tree
        if build_errors:
            raise DiagnosticError(build_errors)
        return format_items(items, source)
