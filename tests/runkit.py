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


def generate(folder: Path, leads: int, events_per_lead: int, seed: int = 5) -> int:
    """gen_leads.csv and gen_events.jsonl for the b2b playbook; returns the number of events."""
    import numpy as np

    from engine import format_time

    start = 1767225600.0  # 2026-01-01T00:00:00Z
    rng = np.random.default_rng(seed)
    sources = ["trial_signup", "webinar", "trade_show", "organic"]
    lines = ["id,created_at,company_size,industry,title,email,source"]
    rows = []
    for i in range(leads):
        created = start + float(rng.integers(0, 20 * 86400))
        lines.append(
            f"L{i},{format_time(created)},{int(rng.integers(5, 900))},tech,"
            f"{'VP Sales' if i % 4 == 0 else 'Analyst'},u{i}@example.com,"
            f"{sources[int(rng.integers(0, 4))]}"
        )
        rows.append((created + 60, i, "signed_up", {}))
        for _ in range(int(rng.poisson(events_per_lead))):
            at = created + 60 + float(rng.integers(0, 30 * 86400))
            kind = ["opened", "clicked", "visited", "demo_requested"][
                int(rng.choice(4, p=[0.5, 0.25, 0.22, 0.03]))
            ]
            props = (
                {"content": "feature_spotlight", "channel": "email"}
                if kind in ("opened", "clicked")
                else {"page": "pricing" if rng.random() < 0.4 else "docs"}
                if kind == "visited"
                else {}
            )
            rows.append((at, i, kind, props))
    (folder / "gen_leads.csv").write_text("\n".join(lines) + "\n")
    with open(folder / "gen_events.jsonl", "w") as out:
        for n, (at, i, kind, props) in enumerate(rows):  # file order is not time order
            out.write(
                json.dumps(
                    {
                        "id": f"e{n}",
                        "lead": f"L{i}",
                        "type": kind,
                        "at": format_time(at),
                        "props": props,
                    }
                )
                + "\n"
            )
    return len(rows)
