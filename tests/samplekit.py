"""The shipped sample (rules/sample) run live, as its README says, in a copy of the repository's
rules: the database the report, replay and HTML tests read."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = "rules/b2b_saas_trial.nurture"
SAMPLE_RUN = (
    *("run", RULES, "--leads", "rules/sample/leads.csv", "--events"),
    *("rules/sample/events.jsonl", "--seed", "64775837", "--until", "2026-04-05T00:00:00Z"),
)


def main_in(folder: Path, *argv: str) -> tuple[int, str]:
    """`nurture ARGV` run in `folder`: (exit code, stdout)."""
    from cli.main import main

    out = io.StringIO()
    with contextlib.chdir(folder), contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def sample_live(folder: Path, actions: str = "actions.jsonl") -> Path:
    """`folder` with a copy of rules/ and the sample run into live.db (and `actions`)."""
    shutil.copytree(ROOT / "rules", folder / "rules", ignore=shutil.ignore_patterns("validation"))
    code, _ = main_in(folder, *SAMPLE_RUN, "--db", "live.db", "--actions", actions)
    assert code == 0
    return folder
