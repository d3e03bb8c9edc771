"""The interface between generated code and the engine is declared in one place
(`engine.compiler.calls`): every call the generated source makes on `G` is declared there, every
declared call is made by some program, and the engine has each with the declared parameters."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from enginekit import program

import dsl
from engine import Engine
from engine.compiler.calls import CALLS, GeneratedCalls

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "rules").glob("*.nurture")) + sorted(
    (ROOT.parent / "shared" / "examples").glob("*.nurture")
)

# What the shipped files leave out: a fit rule that reads more than attributes, a handoff
# with a task, a sunset.
EXTRA = """segment engaged: count(clicked, 7d) >= 1
score s:
  +5 when engaged
  +2 on opened cap 4 per 1d
mql when s >= 5
policy:
  sunset when days_since(last_engagement) > 30
handoff when mql:
  send call within 1d
sequence q:
  enter on signed_up
  exit when unsubscribed
  send x
"""


def _engines() -> list[Engine]:
    programs = [dsl.load_program(str(path)) for path in FILES] + [program(EXTRA)]
    return [Engine([p]) for p in programs]


def _attributes(source: str, holder: str) -> set[str]:
    """Every `holder.NAME` the source reads or calls."""
    return {
        node.attr
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == holder
    }


def test_there_are_files_to_read() -> None:
    # three shipped playbooks, the tour's b2b variant, three normative examples
    assert len(FILES) == 7


def test_every_call_generated_code_makes_is_declared_and_every_declared_call_is_made() -> None:
    used: set[str] = set()
    for eng in _engines():
        names = _attributes(eng.generated_source(), "G")
        assert names <= set(CALLS), names - set(CALLS)
        used |= names
    assert used == set(CALLS)


def test_the_declared_calls() -> None:
    assert CALLS == (
        "refit",
        "move_stage",
        "set_flag",
        "sunset_lead",
        "hand_off",
        "trail_points",
        "trail_no_points",
        "capped_points",
        "check_exit",
        "try_enrol",
        "run_due_steps",
        "store_event",
        "special_event",
    )


def test_the_engine_has_every_declared_call_with_its_parameters() -> None:
    eng = _engines()[-1]
    for name in CALLS:
        declared = list(inspect.signature(getattr(GeneratedCalls, name)).parameters)[1:]
        assert list(inspect.signature(getattr(eng, name)).parameters) == declared, name


def test_what_generated_code_reads_of_the_compiled_program_exists() -> None:
    for eng in _engines():
        cp = eng.progs[0]
        names = _attributes(eng.generated_source(), "CP")
        assert names <= {"event_rules", "sequences"}, names
        assert all(hasattr(cp, name) for name in names)
