"""Shared fixtures of the runner and CLI tests: a small rule file and a way to call `nurture`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main

# One day is 86400 s. Times below are 2026-01-05 (a Monday), UTC.
RULES = """\
campaign "runner test"

stages new, warm, hot

lead:
  plan: one of "free", "pro"
  size: number

event webinar_attended(topic: text)

content hello  email  stage new
content nudge  email  stage warm
content call   task   stage hot

segment pro: plan == "pro"

score fit:
  +10 when pro

score activity:
  +5 on clicked
  +1 on opened     cap 2 per 1d

score interest:
  +10 on visited
  decay 50% every 1d

stage warm when activity >= 5
stage hot  when score >= 20

mql when score >= 15

policy:
  limit 2 per 1d

sequence welcome:
  enter on signed_up
  send hello
  wait 1d
  send nudge

handoff when mql:
  send call within 1d
"""


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text)
    return str(path)


def events_text(*rows: tuple[str, str, str, str, dict[str, object] | None]) -> str:
    """JSON lines from (id, lead, type, at, props)."""
    out = []
    for eid, lead, kind, at, props in rows:
        row: dict[str, object] = {"id": eid, "lead": lead, "type": kind, "at": at}
        if props is not None:
            row["props"] = props
        out.append(json.dumps(row))
    return "\n".join(out) + "\n"


def nurture(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the `nurture` command in this process: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def read_jsonl(path: str | Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in Path(path).read_text().splitlines()]
