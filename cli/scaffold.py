"""`nurture init NAME`: a starter campaign a newcomer can run at once.

Five files, made from the templates in `cli/templates/` (`$name` is the file name's stem, also
the campaign's name): a commented rule file that checks, lints (`--strict`) and formats clean, its
scenario, its rule tests (which pass), and a small leads and events sample in the live formats.
Nothing is overwritten: when any of the files exists, none is written and the error names every
one that exists.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from dsl.errors import NurtureError

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")

# (the template's suffix, what the file holds), in the order they are listed
PARTS = (
    (".nurture", "the rules, commented: make them yours"),
    (".scenario.toml", "who the leads are and how they respond, for forecasts"),
    (".test.toml", "rule tests: what the rules must do (they pass)"),
    (".leads.csv", "3 sample leads (id, created_at, the lead: block's attributes)"),
    (".events.jsonl", "8 events of theirs (JSON Lines)"),
)


class InitError(NurtureError):
    """The starter cannot be written; nothing was."""


@dataclass(frozen=True)
class Made:
    """What `init` wrote: the campaign's name, the files with what each holds, and the commands
    to try next."""

    campaign: str
    files: list[tuple[str, str]]
    next_steps: list[tuple[str, str]]


def check_name(text: str) -> str:
    """NAME as given, when it is a name (else ValueError, with what to write)."""
    stem = Path(text).name
    if not NAME.fullmatch(stem):
        raise ValueError(
            f"{text!r}: NAME is a file name's stem (and the campaign's name): a letter, then "
            "letters, digits, '_' or '-', up to 64 (e.g. spring_promo, or campaigns/spring_promo)"
        )
    return text


def init(name: str) -> Made:
    """Writes the starter files `NAME.nurture`, ... (NAME may name a folder: made if missing)."""
    target = Path(name)
    stem = target.name
    paths = [target.with_name(stem + suffix) for suffix, _ in PARTS]
    there = [str(p) for p in paths if p.exists()]
    if there:
        raise InitError(
            f"{_listed(there)} already exist{'s' if len(there) == 1 else ''}: nothing was written",
            "choose another NAME, or move those files away first",
        )
    folder = target.parent
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file, not a folder: nothing was written")
    texts = [_text(suffix, stem) for suffix, _ in PARTS]
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for path, text in zip(paths, texts, strict=True):
            with open(path, "x", encoding="utf-8", newline="\n") as out:
                written.append(path)
                out.write(text)
    except FileExistsError as err:  # made meanwhile by someone else: take ours back
        for path in written:
            path.unlink(missing_ok=True)
        raise InitError(f"{err.filename} already exists: nothing was written") from None
    return Made(
        stem,
        [(str(p), what) for p, (_, what) in zip(paths, PARTS, strict=True)],
        _next_steps(str(target)),
    )


def _text(suffix: str, stem: str) -> str:
    template = files("cli").joinpath("templates", "starter" + suffix).read_text(encoding="utf-8")
    return Template(template).substitute(name=stem, campaign=stem)


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _next_steps(name: str) -> list[tuple[str, str]]:
    def q(suffix: str) -> str:  # a path as a shell reads it
        return shlex.quote(name + suffix)

    rules, scenario = q(".nurture"), q(".scenario.toml")
    return [
        (f"nurture check {rules}", "the rules, checked"),
        (f"nurture test {q('.test.toml')}", "the rule tests"),
        (f"nurture simulate {rules} --scenario {scenario}", "a forecast of 1,000 leads"),
        (
            f"nurture run {rules} --leads {q('.leads.csv')} --events {q('.events.jsonl')} "
            f"--db {q('.db')}",
            "the rules on the sample, live",
        ),
        (f"nurture explain {rules} --db {q('.db')} L2", "why lead L2 stands where it does"),
        (
            f"nurture simulate {rules} --scenario {scenario} --runs 1 --export {q('-data')}",
            "more sample leads and events, synthetic",
        ),
    ]
