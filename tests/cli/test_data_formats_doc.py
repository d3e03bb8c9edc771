"""docs/DATA.md says what nurture does: every rejection reason its tables quote is one that
`nurture run` gives for a row of tests/cli/data (and every reason those rows get is quoted), and
the actions table lists the fields in the order the engine writes them."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from cli.main import main
from engine import Action

DOC = Path("docs/DATA.md")
DATA = Path(__file__).parent / "data"
RULES = "rules/b2b_saas_trial.nurture"


def _table_rows(heading: str) -> list[list[str]]:
    """The cells of the table whose header row starts with `heading`."""
    lines = DOC.read_text().splitlines()
    start = next(i for i, x in enumerate(lines) if x.startswith(f"| {heading}"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip("|").split(" | ")])
    return rows


def _quoted_reasons() -> set[str]:
    reasons = set()
    for heading in ("a lead row is rejected when", "an event line is rejected when"):
        for _, printed in _table_rows(heading):
            reasons.update(re.findall(r"`([^`]+)`", printed))
    return reasons


def _reasons_given(tmp_path: Path, capsys) -> set[str]:
    db = tmp_path / "x.db"
    for leads, events in (
        ("bad_leads.csv", "bad_events.jsonl"),
        ("bad_leads.jsonl", "bad_events_again.jsonl"),
    ):
        argv = ["run", RULES, "--leads", str(DATA / leads), "--db", str(db)]
        argv += ["--events", str(DATA / events)] if events else []
        if leads.endswith(".jsonl"):  # one line, one attribute: the others left out on purpose
            argv += [f"--absent={name}" for name in ("company_size", "industry", "email", "source")]
        assert main([*argv, "--actions", str(tmp_path / "a.jsonl")]) == 0
    capsys.readouterr()
    with sqlite3.connect(db) as conn:
        return {row[0] for row in conn.execute("SELECT reason FROM dead_letters")}


def test_every_rejection_reason_quoted_is_one_nurture_gives(tmp_path, capsys):
    given = _reasons_given(tmp_path, capsys)
    assert len(given) == 24
    assert _quoted_reasons() == given


def test_the_actions_fields_are_listed_in_the_order_they_are_written():
    fields = [re.sub(r"`", "", row[0]) for row in _table_rows("field | type | on")]
    assert tuple(fields) == Action.__match_args__
