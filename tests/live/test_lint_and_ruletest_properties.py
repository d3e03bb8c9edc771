"""Property tests: on any rule file `check` accepts, lint never raises and a rule test runs to its
end (no case crashes); on any test file text, reading it never raises.

Rule files are generated from the language's parts (stages, attributes, contents, segments, score
blocks, stage rules, lifecycle, policy, sequences with nested steps, handoffs), so that most of them
check clean; those `check` rejects are skipped.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dsl import check_source
from dsl.lint import lint
from live.ruletest import run_tests
from live.ruletest_format import read_test_file

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CHANNELS = ["email", "sms", "ad", "task"]
EVENTS = ["opened", "clicked", "visited", "signed_up", "demo_requested", "unsubscribed"]
CONDITIONS = [
    "n > 10",
    'o == "x"',
    't contains "a"',
    "count(clicked, 3d) >= 1",
    "days_since(last_engagement) > 5",
    "score >= 10",
    "stage >= s1",
    "mql",
    "not customer",
    "true",
    "false",
]
DURATIONS = ["30m", "1h", "20h", "1d", "2d", "7d"]


@st.composite
def conditions(draw: st.DrawFn, segments: list[str]) -> str:
    pool = CONDITIONS + segments
    parts = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3))
    joiner = draw(st.sampled_from([" and ", " or "]))
    return joiner.join(parts)


@st.composite
def steps(draw: st.DrawFn, contents: list[str], segments: list[str], depth: int) -> list[str]:
    out: list[str] = []
    for _ in range(draw(st.integers(1, 5))):
        pad = "  " * (depth + 1)
        kind = draw(st.sampled_from(["send", "send", "wait", "until", "if", "split", "when"]))
        if kind == "send":
            out.append(f"{pad}send {draw(st.sampled_from(contents))}")
        elif kind == "when":
            cond = draw(conditions(segments))
            out.append(f"{pad}send {draw(st.sampled_from(contents))} when {cond}")
        elif kind == "wait":
            out.append(f"{pad}wait {draw(st.sampled_from(DURATIONS))}")
        elif kind == "until":
            out.append(f"{pad}wait until clicked or {draw(st.sampled_from(DURATIONS))}")
        elif kind == "if" and depth < 2:
            out.append(f"{pad}if {draw(conditions(segments))}:")
            out += draw(steps(contents, segments, depth + 1))
            if draw(st.booleans()):
                out.append(f"{pad}else:")
                out += draw(steps(contents, segments, depth + 1))
        elif kind == "split":
            first = draw(st.sampled_from([0, 30, 50, 100]))
            out.append(f"{pad}split:")
            out.append(f"{pad}  {first}% -> send {draw(st.sampled_from(contents))}")
            out.append(f"{pad}  {100 - first}% -> wait {draw(st.sampled_from(DURATIONS))}")
    return out


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    n_stages = draw(st.integers(1, 3))
    stages = [f"s{i}" for i in range(n_stages)]
    lines = ['campaign "generated"', "stages " + ", ".join(stages)]
    lines += ["lead:", "  n: number", "  t: text", '  o: one of "x", "y"']
    channels = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, max_size=4))
    contents = [f"c{i}" for i in range(len(channels))]
    for name, channel in zip(contents, channels, strict=True):
        lines.append(f"content {name} {channel} stage {draw(st.sampled_from(stages))}")
    segments = [f"g{i}" for i in range(draw(st.integers(0, 3)))]
    for i, name in enumerate(segments):
        lines.append(f"segment {name}: {draw(conditions(segments[:i]))}")
    lines += ["score b:", f"  +{draw(st.integers(1, 20))} on {draw(st.sampled_from(EVENTS))}"]
    if segments:
        lines.append(f"  +{draw(st.integers(1, 9))} when {draw(st.sampled_from(segments))}")
    if draw(st.booleans()):
        lines.append(f"  +2 on opened cap {draw(st.integers(2, 10))} per 7d")
    if draw(st.booleans()):
        lines.append("  decay 20% every 30d")
    for stage in stages[1:]:
        lines.append(f"stage {stage} when b >= {draw(st.integers(1, 60))}")
    if draw(st.booleans()):
        lines.append(f"mql when score >= {draw(st.integers(1, 60))}")
    if draw(st.booleans()):
        lines.append("sql when score >= 80")
    if draw(st.booleans()):
        lines.append("policy:")
        if draw(st.booleans()):
            lines.append(
                f"  limit {draw(st.integers(1, 9))} per {draw(st.sampled_from(DURATIONS))}"
            )
        lines.append("  quiet 22:00-07:00")
        if draw(st.booleans()):
            lines.append("  sunset when days_since(last_engagement) > 30")
    for i in range(draw(st.integers(0, 3))):
        lines.append(f"sequence q{i}:")
        if draw(st.booleans()):
            lines.append(f"  for {draw(conditions(segments))}")
        if draw(st.booleans()):
            lines.append(f"  enter on {draw(st.sampled_from(EVENTS))}")
        else:
            lines.append(f"  enter when {draw(conditions(segments))}")
        if draw(st.booleans()):
            lines.append("  exit when sql or unsubscribed")
        if draw(st.booleans()):
            lines.append("  holdout 10%")
        if draw(st.booleans()):
            lines.append(f"  limit {draw(st.integers(1, 5))} per 7d")
        lines += draw(steps(contents, segments, 0))
    tasks = [c for c, ch in zip(contents, channels, strict=True) if ch == "task"]
    if tasks and draw(st.booleans()):
        lines += ["handoff when sql:", f"  send {tasks[0]} within 1d"]
    if draw(st.booleans()):  # an allowance, right or wrong
        lines[-1] += f"  # nurture: allow {draw(st.sampled_from(['no-handoff', 'x', '']))}"
    return "\n".join(lines) + "\n"


@st.composite
def timelines(draw: st.DrawFn, contents: list[str]) -> str:
    events = []
    for _ in range(draw(st.integers(0, 8))):
        at = f"+{draw(st.integers(0, 20))}d {draw(st.integers(0, 23)):02d}:00"
        typ = draw(st.sampled_from(EVENTS))
        extra = ""
        if typ in ("opened", "clicked") and contents:
            extra = f', content = "{draw(st.sampled_from(contents))}"'
        events.append(f'{{ at = "{at}", type = "{typ}"{extra} }}')
    return "events = [" + ", ".join(events) + "]"


@SETTINGS
@given(rule_files(), st.data())
def test_lint_and_rule_tests_never_raise_on_a_file_check_accepts(
    source: str, data: st.DataObject
) -> None:
    program, _ = check_source(source, "gen.nurture")
    assume(program is not None)
    assert program is not None
    for warning in lint(program, source):
        assert warning.severity == "warning"
        assert 1 <= warning.span.line <= source.count("\n"), warning
    contents = [c.name for c in program.contents if c.channel != "task"]
    test = (
        'rules = "gen.nurture"\n[[case]]\nname = "generated"\n'
        + data.draw(timelines(contents))
        + '\nnow = "+30d"\n[[case.expect]]\nat = "+10d"\nscore = 0\n[[case.expect]]\nsends = []\n'
    )
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "gen.nurture").write_text(source)
        (Path(folder) / "gen.test.toml").write_text(test)
        outcome = run_tests([folder])
    (result,) = outcome.files
    assert result.test.errors == []
    (case,) = result.cases  # it ran to its end: an engine failure would have raised
    assert case.at is None or case.failures


TOML_PIECES = st.sampled_from(
    [
        "[[case]]\n",
        "[[case.expect]]\n",
        'name = "c"\n',
        'rules = "x.nurture"\n',
        'at = "+1d"\n',
        "at = 2026-01-05T10:00:00\n",
        "score = 3\n",
        'score = "x"\n',
        "score = { value = 1 }\n",
        'events = [{ at = "+1h", type = "opened" }]\n',
        "events = 3\n",
        'sends = [{ content = "a" }]\n',
        "sends = [1]\n",
        "[lead]\n",
        "x = [\n",
        "]\n",
        '"',
        "= ",
        "\n",
        "# comment\n",
        "lead = { a = 1, b = [1, 2] }\n",
        "expect = 5\n",
        "case = 1\n",
    ]
)


@SETTINGS
@given(st.lists(TOML_PIECES, max_size=30).map("".join))
def test_reading_any_test_file_text_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.test.toml"
        path.write_text(text)
        test = read_test_file(str(path))
    for diag in test.diagnostics:
        assert diag.span.line >= 0 and diag.message
