"""The sample set shipped in rules/sample (issue 11, item 1): what its README says made it, and
what `nurture run` replays exactly. When the b2b playbook, its scenario or the simulator change
its numbers, regenerate it with the command in rules/sample/README.md."""

from __future__ import annotations

import shlex
from pathlib import Path

from cli.main import main

SAMPLE = Path("rules/sample")
DATA = ("leads.csv", "events.jsonl", "simulated_actions.jsonl")


def _indented(readme: str, start: str) -> list[str]:
    """The words of the README's indented command line that starts with `start`."""
    lines = [x.strip() for x in readme.splitlines() if x.startswith("    " + start)]
    assert len(lines) == 1, f"one '{start}' line in {SAMPLE}/README.md"
    return shlex.split(lines[0])


def test_the_sample_is_what_its_readme_says_made_it(tmp_path, capsys):
    made_by = _indented((SAMPLE / "README.md").read_text(), "nurture simulate")
    assert made_by[-2:] == ["--export", "rules/sample"]
    assert "rules/b2b_saas_trial.nurture" in made_by and "--leads" in made_by
    assert main([*made_by[1:-1], str(tmp_path)]) == 0
    capsys.readouterr()
    regenerate = shlex.join(made_by)
    for name in DATA:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), (
            f"{SAMPLE}/{name} is stale: regenerate the sample with `{regenerate}`"
        )


def test_nurture_run_on_the_sample_gives_its_simulated_actions(tmp_path, capsys):
    replay = _indented((SAMPLE / "README.md").read_text(), "nurture run")
    assert replay[-4:] == ["--db", "live.db", "--actions", "actions.jsonl"]
    db, actions = str(tmp_path / "live.db"), str(tmp_path / "actions.jsonl")
    code = main([*replay[1:-4], "--db", db, "--actions", actions])
    _, err = capsys.readouterr()
    assert code == 0
    events = len((SAMPLE / "events.jsonl").read_text().splitlines())
    assert err.splitlines()[0] == f"nurture run: 300 new leads; {events} events accepted"
    assert (tmp_path / "actions.jsonl").read_bytes() == (
        SAMPLE / "simulated_actions.jsonl"
    ).read_bytes()
