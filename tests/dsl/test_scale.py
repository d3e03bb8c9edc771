"""Large rule files: read in memory proportional to their lines, and without recursion limits.

Timings are measured by bench/bench_scale.py, never here; memory is counted exactly (tracemalloc)
so it can be asserted: the peak while checking, per line of rule text, stays under a bound.
"""

from __future__ import annotations

import sys
import tracemalloc
from pathlib import Path

from dsl import check_source
from dsl.format import format_source
from dsl.lint import lint

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from bench_scale import generate  # noqa: E402

PEAK_PER_LINE = 12_000  # bytes traced at the peak of check_source, per line (measured ~9,200)


def test_check_holds_at_most_a_bounded_amount_of_memory_per_line() -> None:
    text = generate(300_000)
    lines = text.count("\n")
    check_source(text[:2000] + "\n", "warm.nurture")  # the parser built, outside the count
    tracemalloc.start()
    try:
        program, _ = check_source(text, "scale.nurture")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert program is not None
    assert peak / lines < PEAK_PER_LINE, f"{peak / lines:.0f} bytes a line"


def test_a_chain_of_thousands_of_segments_is_one_error_where_it_passes_the_nesting_limit() -> None:
    # the engine inlines the segments a condition uses: g_i nests 3 levels more than g_(i-1)
    # (and, not, the segment), g0 one (its comparison): g17 is the first past 50, at 1 + 3*17 = 52
    chain = "".join(f"segment g{i}: size > {i} and not g{i - 1}\n" for i in range(1, 6000))
    text = (
        'campaign "chain"\nstages a, b\nlead:\n  size: number\nsegment g0: size > 0\n'
        + chain
        + "stage b when g5999\n"
    )
    program, diagnostics = check_source(text, "chain.nurture")
    assert program is None
    assert [(d.code, d.span.line, d.span.column, d.message) for d in diagnostics] == [
        (
            "too-deep",
            22,
            14,
            "with the segments it uses, this segment condition is nested 52 levels deep; "
            "the limit is 50",
        )
    ]
    formatted = format_source(text, "chain.nurture")  # fmt reads the file as written
    assert formatted.startswith(
        'campaign "chain"\n\nstages a, b\n\nlead:\n  size: number\n\n'
        "segment g0:    size > 0\nsegment g1:    size > 1 and not g0\n"
    )
    assert formatted.count("\n") == text.count("\n") + 4  # a blank line after each block


def test_thousands_of_segments_in_short_chains_check_format_and_lint() -> None:
    # 6,000 segments in chains of 10 (g_(10k+9) nests 1 + 3*9 = 28 levels), each chain's last
    # used by the stage rule
    chain = "".join(
        f"segment g{i}: size > {i}" + (f" and not g{i - 1}" if i % 10 else "") + "\n"
        for i in range(6000)
    )
    last = " or ".join(f"g{i}" for i in range(9, 6000, 10))
    text = f'campaign "chains"\nstages a, b\nlead:\n  size: number\n{chain}stage b when {last}\n'
    program, diagnostics = check_source(text, "chains.nurture")
    assert program is not None, diagnostics[:3]
    assert len(program.segments) == 6000
    formatted = format_source(text, "chains.nurture")
    assert formatted.count("\n") == text.count("\n") + 4  # a blank line after each block
    assert [d.code for d in lint(program, text)] == []


def test_a_cycle_through_thousands_of_segments_is_one_error_at_its_first_segment() -> None:
    chain = "".join(f"segment g{i}: size > {i} and not g{i - 1}\n" for i in range(1, 3000))
    text = 'campaign "c"\nstages a, b\nlead:\n  size: number\nsegment g0: g2999\n' + chain
    _, diagnostics = check_source(text, "cycle.nurture")
    cycles = [d for d in diagnostics if d.code == "cycle"]
    assert [d.span.line for d in cycles] == [5]
    path = ", ".join(f"'g{i}'" for i in range(2999, 0, -1))
    assert cycles[0].message == f"segment 'g0' depends on itself through {path}"
