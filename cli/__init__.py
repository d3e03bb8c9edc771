"""The `nurture` command: argument parsing, one module per command, exit codes.

main.py        the parser and the registry of commands; catches the user's mistakes (exit 1) and
               reports nurture's own failures as bugs (exit 70)
cmd_*.py       one module per command: `add_parser(subparsers)` and `run(args) -> int`
exitcodes.py   the exit codes, named
reporting.py   how a mistake and a bug are printed
argtypes.py    argument types that name a bad value in the user's words
loading.py     rule files loaded and their diagnostics printed as `nurture check` prints them
scaffold.py    `nurture init`: a starter campaign from `templates/starter.*`
"""

from __future__ import annotations

import os

# OpenBLAS (numpy's and scipy's) starts a helper thread per core and keeps them spinning
# between calls: on the calibration's small matrix products they burned 43% of the fit's
# CPU (50,000 leads: 23.4 s CPU, 13.4 s with one thread; `bench/bench_calibrate.py`) and
# took cores from our own thread on a shared machine. The replications already use every
# core through processes. Set before numpy is first imported; a value the user set is kept.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def version_text() -> str:
    """`nurture 0.1.0`, from the installed package's metadata."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"nurture {version('nurture')}"
    except PackageNotFoundError:  # a checkout that was never installed
        return "nurture (version unknown: not installed)"
