"""`nurture compare` of files whose `lead:` blocks differ: the leads follow the first file's
block, and the report says so, attribute by attribute (issue 11, item 9)."""

from __future__ import annotations

import json
from pathlib import Path

from cli.main import main
from dsl import compile_source
from simulator import Overrides, prepare_compare
from simulator.distributions import Choice

BODY = """content hello email stage cold
sequence s:
  enter on signed_up
  send hello
"""
HEAD = 'campaign "{}"\nstages cold, warm\nlead:\n'
A = HEAD.format("A") + '  company_size: number\n  source: one of "web", "event"\n'
B = HEAD.format("B") + '  company_size: number\n  industry: one of "finance", "retail"\n'
C = HEAD.format("C") + '  company_size: text\n  source: one of "web", "fair"\n'


def write(tmp_path: Path, **files: str) -> list[str]:
    paths = []
    for name, header in files.items():
        (tmp_path / f"{name}.nurture").write_text(header + BODY)
        paths.append(f"{name}.nurture")
    return paths


def compare(tmp_path: Path, monkeypatch, capsys, *argv: str) -> tuple[int, list[str], str]:
    monkeypatch.chdir(tmp_path)
    code = main(["compare", *argv, "--leads", "50", "--days", "10", "--runs", "2"])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def test_the_report_says_whose_block_the_default_population_follows(tmp_path, monkeypatch, capsys):
    files = write(tmp_path, a=A, b=B, c=C)
    code, lines, err = compare(tmp_path, monkeypatch, capsys, *files, "--json", "out.json")
    assert (code, err) == (0, "")
    assert lines[1:7] == [
        "Scenario: default scenario (derived from the lead: block)",
        "The files' lead: blocks differ: the default population follows the block of a.nurture:",
        '  industry: only in b.nurture (one of "finance", "retail"): drawn from its declaration '
        "there",
        '  source: one of "web", "event" in a.nurture, not in b.nurture (its rules do not read it)',
        "  company_size: a number in a.nurture, text in c.nurture: c.nurture's leads draw it "
        "from its own declaration",
        '  source: one of "web", "event" in a.nurture, one of "web", "fair" in c.nurture: leads '
        "get a.nurture's values",
    ]
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["population"] == lines[2:7]


def test_the_leads_follow_the_first_files_declaration(tmp_path):
    a, c = (compile_source(h + BODY, f"{n}.nurture") for n, h in (("a", A), ("c", C)))
    scenarios, _ = prepare_compare([a, c], None, Overrides())
    first, other = (s.personas[0].attributes for s in scenarios)
    # the same `source` values for both files (a.nurture's options); c.nurture's text
    # company_size has no values to draw (free text is missing by default), not a.nurture's numbers
    assert first["source"] == other["source"] == Choice(weights={"web": 1.0, "event": 1.0})
    assert "company_size" in first and "company_size" not in other


def test_files_with_the_same_block_say_nothing_more(tmp_path, monkeypatch, capsys):
    files = write(tmp_path, a=A, b=A.replace('"A"', '"B"'))
    code, lines, _ = compare(tmp_path, monkeypatch, capsys, *files, "--json", "out.json")
    assert code == 0
    assert lines[1:3] == [
        "Scenario: default scenario (derived from the lead: block)",
        "Each difference: mean over paired runs [90% interval]; * = clear of zero.",
    ]
    assert "population" not in json.loads((tmp_path / "out.json").read_text())


def test_with_a_scenario_only_what_it_leaves_out_is_named(tmp_path, monkeypatch, capsys):
    files = write(tmp_path, a=A, c=C)
    (tmp_path / "s.toml").write_text(
        '[[personas]]\n[personas.attributes]\nsource = { dist = "constant", value = "web" }\n'
    )
    code, lines, _ = compare(tmp_path, monkeypatch, capsys, *files, "--scenario", "s.toml")
    assert code == 0
    assert lines[1:5] == [
        "Scenario: s.toml",
        "The files' lead: blocks differ: attributes the scenario leaves out follow the block of "
        "a.nurture:",
        "  company_size: a number in a.nurture, text in c.nurture: c.nurture's leads draw it "
        "from its own declaration",
        "Each difference: mean over paired runs [90% interval]; * = clear of zero.",
    ]
