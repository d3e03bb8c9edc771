"""A fuzzer for rule files: mutated playbooks through check, lint, fmt and the engine.

Mutations of the shipped `rules/*.nurture` and `../shared/examples/*.nurture`: tokens deleted,
duplicated or swapped; lines deleted, duplicated or swapped; numbers made huge (400 and 5,000
digits); conditions nested deep (`not`, parentheses, lists, long `or` chains); `matches` patterns
that backtrack. Each file goes through `nurture check`, `nurture lint` and `nurture fmt` (in
process, output captured); a file that check accepts is also compiled and run in the engine (a
lead, one event of every type its rules read, timers for a year), and its formatted text must check
to the same program. A crash is any exception, any "Traceback" or "internal error" in the output,
an exit code other than 0 or 1, or more than `TIMEOUT` seconds on one file.

The suite runs a small seeded sample (`tests/dsl/test_fuzz.py`); thousands, by hand:

    python tests/fuzzkit.py --files 12000 --seed 1 [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(ROOT.glob("rules/*.nurture")) + sorted(
    (ROOT.parent / "shared" / "examples").glob("*.nurture")
)
TIMEOUT = 20.0
MAX_SIZE = 200_000
DAY = 86400.0
T0 = 1767607200.0  # 2026-01-05T10:00:00Z

_TOKEN = re.compile(r'"(?:\\.|[^"\\\n])*"|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?[%mhdw]?|\S')
_NUMBER = re.compile(r"(?<![A-Za-z_.\d])\d+(?=(?:\.\d+)?[%mhdw]?(?![A-Za-z0-9_]))")
_CONDITION = re.compile(
    r"^(\s*(?:segment \w+:|[+-]\d+\s+when|stage \w+\s+when|mql when|sql when|"
    r"for|exit when|enter when|if|sunset when)\s+)(.+?)(:?\s*(?:#.*)?)$"
)
_EVIL = ["(a|a)*c", "(a|aa)*c", "a*a*a*a*a*a*c", ".*.*.*.*.*=", "(x+x+)+y", "(?=a)b", "(a)\\\\1"]


# ------------------------------------------------------------------ mutations


def _tokens(line: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(line)]


def _token_edit(lines: list[str], rng: random.Random) -> None:
    i = rng.randrange(len(lines))
    spans = _tokens(lines[i])
    if not spans:
        return
    a, b = spans[rng.randrange(len(spans))]
    line, kind = lines[i], rng.choice(["delete", "duplicate", "swap", "foreign"])
    if kind == "delete":
        lines[i] = line[:a] + line[b:]
    elif kind == "duplicate":
        lines[i] = line[:b] + " " + line[a:b] + line[b:]
    elif kind == "swap" and len(spans) > 1:
        c, d = spans[rng.randrange(len(spans))]
        if (a, b) > (c, d):
            a, b, c, d = c, d, a, b
        if b <= c:
            lines[i] = line[:a] + line[c:d] + line[b:c] + line[a:b] + line[d:]
    else:  # a token of another line
        j = rng.randrange(len(lines))
        others = _tokens(lines[j])
        if others:
            c, d = others[rng.randrange(len(others))]
            lines[i] = line[:a] + lines[j][c:d] + line[b:]


def _line_edit(lines: list[str], rng: random.Random) -> None:
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    kind = rng.choice(["delete", "duplicate", "swap"])
    if kind == "delete" and len(lines) > 1:
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]


def _huge_number(lines: list[str], rng: random.Random) -> None:
    candidates = [(i, m) for i, ln in enumerate(lines) for m in _NUMBER.finditer(ln.split("#")[0])]
    if not candidates:
        return
    i, m = rng.choice(candidates)
    digits = rng.choice([17, 309, 400, 4301, 5000])
    lines[i] = lines[i][: m.start()] + "9" * digits + lines[i][m.end() :]


def _deep(lines: list[str], rng: random.Random) -> None:
    found = [(i, m) for i, ln in enumerate(lines) if (m := _CONDITION.match(ln))]
    if not found:
        return
    i, m = rng.choice(found)
    head, cond, tail = m.group(1), m.group(2), m.group(3)
    n = rng.choice([30, 60, 120, 200, 500, 600])
    kind = rng.choice(["not", "parens", "or", "and", "list", "neg", "sum"])
    if kind == "not":
        cond = "not " * n + f"({cond})"
    elif kind == "parens":
        cond = "(" * n + cond + ")" * n
    elif kind in ("or", "and"):
        cond = f" {kind} ".join([f"({cond})"] * n)
    elif kind == "list":
        cond = f"({cond}) or 1 in " + "[" * n + "1" + "]" * n
    elif kind == "neg":
        cond = f"({cond}) or " + "-" * n + "1 > 0"
    else:
        cond = f"({cond}) or " + " + ".join(["1"] * n) + " > 0"
    lines[i] = head + cond + tail


def _evil_regex(lines: list[str], rng: random.Random) -> None:
    found = [i for i, ln in enumerate(lines) if "matches" in ln]
    if not found:
        return
    i = rng.choice(found)
    lines[i] = re.sub(r'matches "(?:\\.|[^"\\])*"', f'matches "{rng.choice(_EVIL)}"', lines[i])


MUTATIONS: list[Callable[[list[str], random.Random], None]] = [
    _token_edit,
    _token_edit,
    _token_edit,
    _line_edit,
    _huge_number,
    _deep,
    _evil_regex,
]


def mutate(text: str, rng: random.Random) -> str:
    """One to three mutations; a result past `MAX_SIZE` (deep nesting of deep nesting) is drawn
    again: size alone is a matter of speed, measured elsewhere."""
    while True:
        lines = text.split("\n")
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            rng.choice(MUTATIONS)(lines, rng)
        out = "\n".join(lines)
        if len(out) <= MAX_SIZE:
            return out


def corpus(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """(name, text) of `count` mutated files, the same for the same seed."""
    rng = random.Random(seed)
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in SOURCES]
    for n in range(count):
        stem, text = texts[n % len(texts)]
        yield f"{stem}-{seed}-{n}", mutate(text, rng)


# ------------------------------------------------------------------ running one file


@dataclass
class Crash:
    name: str
    stage: str
    detail: str


class _Timeout(BaseException):  # not an Exception: the CLI must not take it for a bug
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: Any) -> None:
        raise _Timeout

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _cli(args: list[str]) -> tuple[int, str]:
    from cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue() + err.getvalue()


def _same_meaning(a: Any, b: Any) -> bool:
    def strip(data: Any) -> Any:
        if isinstance(data, dict):
            return {k: strip(v) for k, v in data.items() if "span" not in k and k != "path"}
        if isinstance(data, (list, tuple)):
            return [strip(v) for v in data]
        return data

    return strip(a.model_dump()) == strip(b.model_dump())


def run_engine(program: Any) -> None:
    """A lead with every attribute set, one event of every type the rules know, a year of time."""
    from dsl.ir import BUILTIN_EVENTS
    from engine import Engine, Event, Lead

    attrs: dict[str, object] = {}
    for a in program.lead:
        attrs[a.name] = 1000 if a.type == "number" else (a.options[0] if a.options else "vp x")
    events = dict(BUILTIN_EVENTS)
    events.update({e.name: {p.name: p.type for p in e.props} for e in program.events})
    contents = [c.name for c in program.contents] or ["x"]
    engine = Engine([program], seed=0)
    engine.add_lead(Lead("L1", T0, attrs), T0)
    t = T0
    for n, (typ, props) in enumerate(sorted(events.items())):
        t += 3600.0
        values: dict[str, object] = {}
        for k, kind in props.items():
            values[k] = (
                5
                if kind == "number"
                else (contents[n % len(contents)] if k == "content" else "pricing")
            )
        engine.ingest(Event(f"e{n}", "L1", typ, t, values), t)
    end, steps = t + 365 * DAY, 0
    while (due := engine.next_due()) is not None and due <= end and steps < 10_000:
        engine.advance(due)
        steps += 1
    engine.explain("L1")


def run_one(name: str, text: str, folder: Path) -> list[Crash]:
    """Every crash of one file through check, lint, fmt and (when it checks) the engine."""
    from dsl import check_source

    crashes: list[Crash] = []
    path = folder / f"{name}.nurture"
    path.write_text(text, encoding="utf-8")
    program = None
    for stage, args in (("check", ["check"]), ("lint", ["lint"]), ("fmt", ["fmt", "--check"])):
        try:
            with _deadline(TIMEOUT):
                code, output = _cli([*args, str(path)])
        except _Timeout:
            crashes.append(Crash(name, stage, f"no answer within {TIMEOUT:.0f} s"))
            continue
        except BaseException as err:  # noqa: BLE001 (a crash is what we look for)
            crashes.append(Crash(name, stage, f"{type(err).__name__}: {str(err)[:200]}"))
            continue
        bad = re.search(r"Traceback|internal error", output)
        if bad or code not in (0, 1):
            shown = output.replace(str(path), "FILE")
            crashes.append(Crash(name, stage, f"exit {code}: {shown[-300:]}"))
    stage = "api"
    try:
        with _deadline(TIMEOUT):
            program, _ = check_source(text, str(path))
            if program is not None:
                stage = "engine"
                run_engine(program)
                stage = "fmt"
                _check_format(program, text, str(path), name, crashes)
    except _Timeout:
        crashes.append(Crash(name, stage, f"no answer within {TIMEOUT:.0f} s"))
    except BaseException as err:  # noqa: BLE001
        crashes.append(Crash(name, stage, f"{type(err).__name__}: {str(err)[:200]}"))
    path.unlink()
    return crashes


def _check_format(program: Any, text: str, path: str, name: str, crashes: list[Crash]) -> None:
    from dsl import check_source
    from dsl.format import format_source

    formatted = format_source(text, path)
    again, diags = check_source(formatted, path)
    if again is None:
        crashes.append(Crash(name, "fmt", f"formatted text does not check: {diags[:1]}"))
    elif not _same_meaning(program, again):
        crashes.append(Crash(name, "fmt", "formatted text means something else"))


def fuzz(count: int, seed: int, keep: Path | None = None) -> tuple[int, int, list[Crash]]:
    """(files, files check accepted, crashes) for `count` mutated files."""
    from dsl import check_source

    crashes: list[Crash] = []
    accepted = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in corpus(count, seed):
            found = run_one(name, text, Path(tmp))
            if not found and check_source(text)[0] is not None:
                accepted += 1
            if found and keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                (keep / f"{name}.nurture").write_text(text, encoding="utf-8")
            crashes += found
    return count, accepted, crashes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write every crashing file here")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    files, accepted, crashes = fuzz(args.files, args.seed, args.keep)
    took = time.perf_counter() - started
    print(f"{files} mutated files ({accepted} accepted by check), {took:.0f} s")
    kinds: dict[tuple[str, str], list[str]] = {}
    for c in crashes:
        lines = [ln for ln in c.detail.splitlines() if ln.strip()]
        key = lines[-1] if "Traceback" in c.detail else lines[0]
        kinds.setdefault((c.stage, re.sub(r"\d+", "N", key)[:110]), []).append(c.name)
    for (stage, detail), names in sorted(kinds.items(), key=lambda kv: -len(kv[1])):
        print(f"{len(names):6d}  {stage:6s} {detail}   e.g. {names[0]}")
    print(f"{len(crashes)} crashes in {len({c.name for c in crashes})} files")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
