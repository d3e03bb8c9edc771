"""Hypothesis strategies for whole rule files that DSL.md says are correct.

Every construct of the language appears: a `lead:` block with number, text and `one of`
attributes, custom events, contents on every channel, segments (using earlier segments only, so no
cycle), score blocks with fit and event rules, caps and decay, stage rules in funnel order, `mql`
and `sql`, a policy, sequences with every header and every kind of step, a handoff, and `param`
lines (numbers, durations, percentages, some with a range) used where literals of their kind may
stand. Expressions are typed, nested to a few levels,
with redundant parentheses, odd spacing and comments sprinkled in, so that the formatter has work
to do. Numbers stay inside the language's limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

NUMBER_ATTRS = ["size", "revenue"]
TEXT_ATTRS = ["title", "country"]
OPTIONS = ["web", "event", "partner"]
EVENTS = {"signed_up": {}, "visited": {"page": "text"}, "clicked": {"content": "text"}}
CUSTOM = {"webinar": {"topic": "text", "minutes": "number"}}
PATTERNS = ["(?i)\\\\bvp\\\\b", "^dir", "(a|aa)*c", "[0-9]+", "(?i)head of"]


@dataclass
class Ctx:
    """What names a file declares, as the generator builds it."""

    stages: list[str]
    contents: dict[str, str] = field(default_factory=dict)
    segments: list[str] = field(default_factory=list)
    scores: list[str] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)  # name -> kind


def _spaced(draw: st.DrawFn, text: str) -> str:
    """The same expression, maybe in redundant parentheses."""
    return f"({text})" if draw(st.booleans()) and draw(st.booleans()) else text


def number(draw: st.DrawFn) -> str:
    """Whole numbers up to the largest (15 digits), decimals, and tiny decimals (0.00001)."""
    kind = draw(st.sampled_from(["whole", "whole", "decimal", "tiny", "largest"]))
    if kind == "largest":
        return draw(st.sampled_from(["999999999999999", "100000000000000.5"]))
    whole = draw(st.integers(0, 10**6))
    if kind == "whole":
        return str(whole)
    if kind == "tiny":
        return "0." + "0" * draw(st.integers(4, 12)) + str(draw(st.integers(1, 99)))
    return f"{whole}.{draw(st.integers(0, 99)):02d}"


def duration(draw: st.DrawFn, ctx: Ctx | None = None) -> str:
    if ctx is not None and draw(st.integers(0, 3)) == 0:
        names = [n for n, k in ctx.params.items() if k == "duration"]
        if names:
            return draw(st.sampled_from(names))
    if draw(st.integers(0, 9)) == 0:  # the longest, 100 years
        return draw(st.sampled_from(["36500d", "5214w", "876000h", "52560000m"]))
    return f"{draw(st.integers(1, 90))}{draw(st.sampled_from('mhdw'))}"


def num_expr(draw: st.DrawFn, ctx: Ctx, depth: int, where: str | None = None) -> str:
    choices = ["lit", "attr", "score", "count", "days"]
    if where is not None and "minutes" in CUSTOM.get(where, {}):
        choices.append("prop")
    if depth > 0:
        choices += ["arith", "neg"]
    if any(k == "number" for k in ctx.params.values()):
        choices.append("param")
    kind = draw(st.sampled_from(choices))
    if kind == "lit":
        return number(draw)
    if kind == "param":
        return draw(st.sampled_from([n for n, k in ctx.params.items() if k == "number"]))
    if kind == "prop":
        return "minutes"
    if kind == "attr":
        return draw(st.sampled_from(NUMBER_ATTRS))
    if kind == "score":
        return draw(st.sampled_from([*ctx.scores, "score"]))
    if kind == "count":
        event = draw(st.sampled_from(sorted({**EVENTS, **CUSTOM})))
        props = {**EVENTS, **CUSTOM}[event]
        filt = ""
        if props and draw(st.booleans()):
            prop = draw(st.sampled_from(sorted(props)))
            filt = (
                f" where {prop} > {number(draw)}"
                if props[prop] == "number"
                else f' where {prop} == "{draw(st.sampled_from(["pricing", "x", "welcome"]))}"'
            )
        return f"count({event}{filt}, {duration(draw)})"
    if kind == "days":
        return f"days_since({draw(st.sampled_from([*sorted(EVENTS), 'last_engagement']))})"
    if kind == "neg":
        return "-" + _spaced(draw, num_expr(draw, ctx, depth - 1, where))
    op = draw(st.sampled_from("+-*/"))
    left = num_expr(draw, ctx, depth - 1, where)
    right = num_expr(draw, ctx, depth - 1, where)
    return f"({left} {op} {right})" if draw(st.booleans()) else f"{left} {op} {right}"


def bool_expr(draw: st.DrawFn, ctx: Ctx, depth: int, where: str | None = None) -> str:
    choices = ["cmp", "text", "oneof", "in", "flag", "stage", "content"]
    if ctx.sequences:
        choices.append("seq")
    if where is not None:
        choices = ["cmp", "prop"]
    elif ctx.segments:
        choices.append("segment")
    if depth > 0:
        choices += ["and", "or", "not"] * 2
    kind = draw(st.sampled_from(choices))
    if kind == "cmp":
        op = draw(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]))
        left, right = num_expr(draw, ctx, 1, where), num_expr(draw, ctx, 1, where)
        return f"{left} {op} {right}"
    if kind == "prop":
        props = {**EVENTS, **CUSTOM}[where]
        if not props:
            return "true"
        prop = draw(st.sampled_from(sorted(props)))
        return f"{prop} >= 1" if props[prop] == "number" else f'{prop} != "x"'
    if kind == "text":
        attr = draw(st.sampled_from(TEXT_ATTRS))
        op = draw(st.sampled_from(["==", "!=", "contains", "startswith", "endswith", "matches"]))
        value = draw(st.sampled_from(PATTERNS)) if op == "matches" else 'Dir \\"x\\"'
        return f'{attr} {op} "{value}"'
    if kind == "oneof":
        return f'source {draw(st.sampled_from(["==", "!="]))} "{draw(st.sampled_from(OPTIONS))}"'
    if kind == "in":
        items = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3))
        neg = draw(st.sampled_from(["in", "not in"]))
        return f"source {neg} [{', '.join(f'{chr(34)}{i}{chr(34)}' for i in items)}]"
    if kind == "flag":
        return draw(st.sampled_from(["mql", "sql", "customer", "unsubscribed", "sunset", "true"]))
    if kind == "stage":
        op = draw(st.sampled_from(["==", "!=", "<", ">="]))
        return f"stage {op} {draw(st.sampled_from(ctx.stages))}"
    if kind == "content":
        action = draw(st.sampled_from(["opened", "clicked", "replied"]))
        return f"{action}({draw(st.sampled_from(sorted(ctx.contents)))})"
    if kind == "seq":
        return f"in_sequence({draw(st.sampled_from(ctx.sequences))})"
    if kind == "segment":
        return draw(st.sampled_from(ctx.segments))
    if kind == "not":
        return "not " + _wrap(draw, bool_expr(draw, ctx, depth - 1, where))
    parts = [bool_expr(draw, ctx, depth - 1, where) for _ in range(draw(st.integers(2, 3)))]
    return f" {kind} ".join(_wrap(draw, p) for p in parts)


def _wrap(draw: st.DrawFn, text: str) -> str:
    """Parentheses where precedence may need them (anything but a name), and sometimes more."""
    return text if text.isidentifier() and draw(st.booleans()) else f"({text})"


def _comment(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["", "", "", "  # why", "    #note"]))


@st.composite
def rule_file(draw: st.DrawFn) -> str:
    """The text of one correct rule file."""
    stages = ["s0", "s1", "s2", "s3"][: draw(st.integers(1, 4))]
    ctx = Ctx(stages=stages)
    ctx.sequences = [f"q{i}" for i in range(draw(st.integers(0, 2)))]
    channels = ["email", "sms", "ad", "social", "mail", "task"]
    for i in range(draw(st.integers(1, 4))):
        ctx.contents[f"c{i}"] = draw(st.sampled_from(channels))
    ctx.contents["call"] = "task"
    ctx.scores = [f"b{i}" for i in range(draw(st.integers(0, 2)))]
    params = _params(draw, ctx)
    out = [
        draw(st.sampled_from(["", "# a generated file\n"])),
        f'campaign "gen \\\\ {draw(st.integers(0, 9))}"{_comment(draw)}',
        f"stages {', '.join(stages)}",
        "lead:",
        *(f"  {a}: number" for a in NUMBER_ATTRS),
        *(f"  {a}:  text{_comment(draw)}" for a in TEXT_ATTRS),
        "  source: one of " + ", ".join(f'"{o}"' for o in OPTIONS),
        "event webinar(topic: text, minutes: number)",
        *params,
    ]
    for name, channel in ctx.contents.items():
        stage = f" stage {draw(st.sampled_from(stages))}" if draw(st.booleans()) else ""
        cost = f" cost {number(draw)}" if draw(st.booleans()) else ""
        out.append(f"content {name} {channel}{stage}{cost}{_comment(draw)}")
    for i in range(draw(st.integers(0, 3))):
        out.append(f"segment g{i}: {bool_expr(draw, ctx, 2)}{_comment(draw)}")
        ctx.segments.append(f"g{i}")
    for block in ctx.scores:
        out += _score_block(draw, ctx, block)
    for index in sorted(draw(st.sets(st.integers(1, len(stages) - 1))) if len(stages) > 1 else []):
        out.append(f"stage {stages[index]} when {bool_expr(draw, ctx, 2)}")
    for flag in ("mql", "sql"):
        if draw(st.booleans()):
            out.append(f"{flag} when {bool_expr(draw, ctx, 2)}")
    if draw(st.booleans()):
        out += _policy(draw, ctx)
    for name in ctx.sequences:
        out += _sequence(draw, ctx, name)
    if draw(st.booleans()):
        out += [f"handoff when {bool_expr(draw, ctx, 1)}:", f"  send call within {duration(draw)}"]
    return "\n".join(out) + "\n"


def _params(draw: st.DrawFn, ctx: Ctx) -> list[str]:
    """A few params, each maybe with a range around its value; recorded in `ctx` for use."""
    lines = []
    for i in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["number", "duration", "percent"]))
        if kind == "number":
            value = draw(st.integers(0, 500))
            text, rng = str(value), f"{max(0, value - 10)}..{value + 10}"
        elif kind == "duration":
            value = draw(st.integers(1, 30))
            text, rng = f"{value}d", f"1h..{value + 1}d"
        else:
            value = draw(st.integers(1, 40))
            text, rng = f"{value}%", f"0%..{value}%"
        ranged = f" in {rng}" if draw(st.booleans()) else ""
        lines.append(f"param p{i} = {text}{ranged}{_comment(draw)}")
        ctx.params[f"p{i}"] = kind
    return lines


def _score_block(draw: st.DrawFn, ctx: Ctx, block: str) -> list[str]:
    lines = [f"score {block}:"]
    for _ in range(draw(st.integers(1, 3))):
        sign = draw(st.sampled_from("+-"))
        if draw(st.booleans()):
            lines.append(f"  {sign}{number(draw)} when {bool_expr(draw, ctx, 1)}")
            continue
        event = draw(st.sampled_from(sorted({**EVENTS, **CUSTOM})))
        where = f" where {bool_expr(draw, ctx, 1, event)}" if draw(st.booleans()) else ""
        cap = f" cap {draw(st.integers(1, 50))} per {duration(draw)}" if sign == "+" else ""
        lines.append(
            f"  {sign}{number(draw)} on {event}{where}{cap if draw(st.booleans()) else ''}"
        )
    if draw(st.booleans()):
        lines.append(f"  decay {_percent(draw, ctx)} every {duration(draw, ctx)}")
    return lines


def _policy(draw: st.DrawFn, ctx: Ctx) -> list[str]:
    lines = ["policy:"]
    if draw(st.booleans()):
        lines.append(f"  limit {draw(st.integers(1, 9))} per {duration(draw)}")
    start, end = draw(st.integers(0, 23)), draw(st.integers(0, 23))
    if start != end and draw(st.booleans()):
        lines.append(f"  quiet {start:02d}:00-{end:02d}:30")
    lines.append(f"  sunset when {bool_expr(draw, ctx, 1)}")
    return lines


def _sequence(draw: st.DrawFn, ctx: Ctx, name: str) -> list[str]:
    lines = [f"sequence {name}:"]
    headers = [
        f"  for {bool_expr(draw, ctx, 1)}",
        draw(
            st.sampled_from(
                [
                    "  enter on signed_up",
                    "  enter on webinar",
                    f"  enter on webinar where {bool_expr(draw, ctx, 1, 'webinar')}",
                    f"  enter on visited where {bool_expr(draw, ctx, 1, 'visited')}",
                ]
            )
        )
        if draw(st.booleans())
        else f"  enter when {bool_expr(draw, ctx, 1)}",
        f"  exit when {bool_expr(draw, ctx, 1)}",
        f"  holdout {_percent(draw, ctx)}",
        f"  reenter after {duration(draw)}",
        f"  limit {draw(st.integers(1, 5))} per {duration(draw)}",
    ]
    keep = draw(st.lists(st.booleans(), min_size=6, max_size=6))
    lines += [h for h, k in zip(headers, keep, strict=True) if k or h.startswith("  enter")]
    lines += _steps(draw, ctx, 1, draw(st.integers(1, 4)))
    return lines


def _steps(draw: st.DrawFn, ctx: Ctx, depth: int, count: int) -> list[str]:
    pad = "  " * depth
    lines: list[str] = []
    for _ in range(count):
        kind = draw(st.sampled_from(["send", "send", "wait", "until", "if", "split"]))
        if kind in ("if", "split") and depth > 2:
            kind = "send"
        if kind == "send":
            lines.append(pad + _send(draw, ctx))
        elif kind == "wait":
            lines.append(f"{pad}wait {duration(draw, ctx)}")
        elif kind == "until":
            event = draw(st.sampled_from(["clicked", "visited", "webinar"]))
            cond = f"{event} or {bool_expr(draw, ctx, 1)}" if draw(st.booleans()) else event
            lines.append(f"{pad}wait until {cond} or {duration(draw, ctx)}")
        elif kind == "if":
            lines.append(f"{pad}if {bool_expr(draw, ctx, 1)}:")
            lines += _steps(draw, ctx, depth + 1, draw(st.integers(1, 2)))
            if draw(st.booleans()):
                lines.append(f"{pad}else:")
                lines += _steps(draw, ctx, depth + 1, draw(st.integers(1, 2)))
        else:
            first = draw(st.integers(1, 99))
            lines += [f"{pad}split:", f"{pad}  {first}% -> {_send(draw, ctx)}"]
            lines.append(f"{pad}  {100 - first}% -> wait {duration(draw)}")
    return lines


def _percent(draw: st.DrawFn, ctx: Ctx) -> str:
    """A percentage from 1% to 50% (a holdout and a decay both take it), or a param of it."""
    names = [n for n, k in ctx.params.items() if k == "percent"]
    if names and draw(st.booleans()):
        return draw(st.sampled_from(names))
    return f"{draw(st.integers(1, 50))}%"


def _send(draw: st.DrawFn, ctx: Ctx) -> str:
    content = draw(st.sampled_from(sorted(ctx.contents)))
    when = f" when {bool_expr(draw, ctx, 1)}" if draw(st.booleans()) else ""
    return f"send {content}{when}"
