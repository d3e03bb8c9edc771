"""What one point of a sweep costs before it simulates: the rules with other param values.

Plain script: `python bench/bench_params.py [--quick]`. On the B2B playbook, side by side in one
run, best of N (CPU time, as this machine is shared):

- parse + check from the text (`dsl.check_source`): what a point would cost if it re-read the file;
- check with other values (`dsl.Rules.check`): the file parsed once, its params bound again;
- engine compile of a program whose threshold changed (`mql_at`: the generated code differs);
- engine compile of a program whose wait and holdout changed (`welcome_wait`, `trial_holdout`:
  the generated code is the same, and its bytecode is shared);
- an engine of a program equal to one compiled before in the process, as a sweep's worker gets
  it for its next task of the same point (unpickled: an equal program, another object): the
  compiled program is shared (`engine/compiler/shared.py`); `engine.compile_count()` says how
  many were compiled.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RULES = ROOT / "rules" / "b2b_saas_trial.nurture"


def best(runs: int, fn: Callable[[int], object]) -> float:
    out = float("inf")
    for i in range(runs):
        start = time.process_time()
        fn(i)
        out = min(out, time.process_time() - start)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    runs = 5 if parser.parse_args().quick else 19  # every value below is a new one

    import pickle

    from dsl import Rules, check_source, read_source
    from engine import Engine, compile_count

    text = read_source(RULES)
    rules = Rules(text, str(RULES))
    rules.program()
    Engine([rules.program()])  # warm: the grammar, the first compile

    rows = [
        ("parse + check from the text", best(runs, lambda i: check_source(text, str(RULES)))),
        (
            "check with other values (parsed once)",
            best(runs, lambda i: rules.check({"mql_at": str(30 + i % 20)})),  # 30..49
        ),
        (
            "engine compile, threshold changed",
            best(runs, lambda i: Engine([rules.program({"mql_at": str(51 + i % 29)})])),  # 51..79
        ),
        (
            "engine compile, wait and holdout changed",
            best(
                runs,
                lambda i: Engine(
                    [rules.program({"welcome_wait": f"{1 + i % 7}d", "trial_holdout": f"{i}%"})]
                ),
            ),
        ),
    ]
    point = pickle.dumps(rules.program({"sql_at": "100"}))
    Engine([pickle.loads(point)])  # compiled once
    before = compile_count()
    rows.append(
        (
            "engine of an equal program (shared)",
            best(runs, lambda i: Engine([pickle.loads(point)])),
        )
    )
    shared = compile_count() - before
    print(f"B2B playbook, best of {runs} (CPU ms)")
    for label, seconds in rows:
        print(f"{label:44} {seconds * 1000:7.1f} ms")
    print(f"\ncheck with other values / parse + check: {rows[1][1] / rows[0][1]:.2f}x")
    print(f"compile, shared bytecode / new bytecode: {rows[3][1] / rows[2][1]:.2f}x")
    print(f"engine of an equal program / new bytecode: {rows[4][1] / rows[2][1]:.3f}x", end="")
    print(f" ({shared} programs compiled for {runs} engines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
