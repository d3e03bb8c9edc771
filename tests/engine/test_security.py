"""Rule text crafted to break out of generated code compiles to inert code: names and strings
reach the generated source only through repr(), and it runs with no builtins."""

from __future__ import annotations

from pathlib import Path

import pytest
from enginekit import T0

import dsl
from dsl import ir
from engine import Engine, Event, Lead
from engine.compiler.codegen import ModuleBuilder

SENTINEL = "/tmp/nurture-engine-pwned"

RULES = """campaign "x\\"); __import__('os').system('touch SENTINEL') #"
stages __class__, __globals__
lead:
  __import__: text
  __builtins__: number
event __init__(__dict__: text)
content __subclasses__ email
segment __getattr__: __import__ == "'); __import__('os').system('touch SENTINEL'); ('"
segment eval: __import__ contains "\\\\\\"\\\\" or __builtins__ > 1
score __code__:
  +5 on __init__ where __dict__ == "\\\\\\")__import__('os')"
stage __globals__ when __code__ >= 5
sequence __del__:
  enter on __init__
  send __subclasses__ when __getattr__ or not eval
""".replace("SENTINEL", SENTINEL)


@pytest.fixture(autouse=True)
def no_sentinel() -> None:
    Path(SENTINEL).unlink(missing_ok=True)
    yield
    assert not Path(SENTINEL).exists(), "generated code ran user text"


def test_dunder_names_and_quote_laden_strings_are_plain_data() -> None:
    eng = Engine([dsl.compile_source(RULES, "evil.nurture")])
    value = "'); __import__('os').system('touch " + SENTINEL + "'); ('"
    acts = eng.add_lead(Lead("L1", T0, {"__import__": value, "__builtins__": 0}), T0)
    acts += eng.ingest(
        Event("e", "L1", "__init__", T0 + 1, {"__dict__": "\\\")__import__('os')"}), T0 + 1
    )
    view = eng.view("L1", T0 + 1)
    assert view.segments == ["__getattr__"]
    assert view.scores == {"__code__": 5.0} and view.stage == "__globals__"
    assert [(a.action, a.content) for a in acts] == [
        ("enrolled", None),
        ("send", "__subclasses__"),
        ("exited", None),
    ]


def test_a_string_matching_nothing_crafted_stays_false() -> None:
    eng = Engine([dsl.compile_source(RULES, "evil.nurture")])
    eng.add_lead(Lead("L1", T0, {"__import__": "plain"}), T0)
    assert eng.view("L1", T0).segments == []


def test_generated_functions_have_no_builtins() -> None:
    eng = Engine([dsl.compile_source(RULES, "evil.nurture")])
    fn = eng.progs[0].segment_fns[0]
    assert fn.__globals__["__builtins__"] == {}
    assert "import" not in eng.progs[0].mb.source.replace("'__import__'", "").replace(
        "__import__(\\'os\\')", ""
    ).replace("__import__('os')", "")


def test_names_and_strings_with_newlines_and_quotes_built_directly_stay_inert() -> None:
    nasty = "x')\nimport os; os.system('touch " + SENTINEL + "')\n#"
    attr = ir.Attr(name=nasty, type="text")
    cond = ir.Or(
        items=(
            ir.Compare(op="==", left=attr, right=ir.Str(value=nasty)),
            ir.Compare(op="in", left=attr, right=ir.ListLit(items=(ir.Str(value='"\n"'),))),
            ir.Compare(op="matches", left=attr, right=ir.Str(value="\\n'\"")),
            ir.ContentCheck(action="opened", content=nasty),
            ir.Compare(
                op=">",
                left=ir.Count(event=nasty, where=None, window=ir.Duration(amount=1, unit="d")),
                right=ir.Num(value=0),
            ),
        )
    )
    mb = ModuleBuilder([], {}, {}, set(), {})
    name = mb.condition(cond)
    fn = mb.build()[name]

    class Lead:
        ev_t: dict = {}
        done: set = set()

    class Prog:
        a = {nasty: nasty.strip().lower()}
        r = {nasty: nasty}

    assert fn(Lead, Prog, 0.0) is True
    Prog.a = {nasty: "other"}
    Prog.r = {nasty: "other"}
    assert fn(Lead, Prog, 0.0) is False
