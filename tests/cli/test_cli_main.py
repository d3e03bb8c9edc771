"""The `nurture` command itself: its registry of commands, `--help`, `--version`, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cli import exitcodes
from cli.main import COMMANDS, build_parser, main

CLI = Path(__file__).parents[2] / "cli"


def test_help_lists_every_command_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    listed = out.split("  COMMAND\n")[1].split("\n\n")[0].splitlines()
    assert listed == [
        "    init       a starter campaign: rules, scenario, tests and sample data",
        "    check      parse and check rule files",
        "    fmt        rewrite rule files in the canonical layout",
        "    lint       warn about known nurture mistakes",
        "    test       run rule tests (*.test.toml)",
        "    run        run rule files live over leads and events (SQLite state)",
        "    score      score a CRM export in one pass (no database)",
        "    explain    a lead's timeline: every point, move and step",
        "    report     actual KPIs of a live database, beside the forecast",
        "    replay     what new rules would have done on a live database's history",
        "    db         look after a live database (db check)",
        "    simulate   forecast a rule file on a synthetic population",
        "    compare    forecast several rule files on common random numbers",
        "    sweep      what-if over assumptions and params, on common random numbers",
        "    calibrate  fit the behaviour model to a history, with its uncertainty",
        "    backtest   calibrate on part of a history, forecast the rest, compare with",
        "               what happened",
        "    sensitivity",
        "               which assumption drives each KPI (tornado tables)",
        "    tui        browse rules, forecasts, leads and comparisons in the terminal",
    ]
    assert "  --version    print the version and exit" in out


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == "nurture 0.1.0\n"


def test_no_command_prints_the_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert capsys.readouterr().out.startswith("usage: nurture [-h] [--version] COMMAND ...\n")


def test_an_unknown_command_is_bad_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["chek", "r.nurture"])
    assert stop.value.code == 2
    assert "nurture: error: argument COMMAND: invalid choice: 'chek'" in capsys.readouterr().err


def test_every_command_module_is_registered_under_the_name_it_parses() -> None:
    """A command module is registered by hand in cli/main.py (a module missing from the tree
    stops `import cli.main`); each one registered adds exactly its own name."""
    modules = sorted(p.stem for p in CLI.glob("cmd_*.py"))
    assert sorted(m.__name__.removeprefix("cli.") for m in COMMANDS.values()) == modules
    for name, module in COMMANDS.items():
        assert callable(module.add_parser) and callable(module.run), name
    parser = build_parser()
    for name in COMMANDS:
        assert parser.parse_args([name, *_required(name)]).command == name


def _required(name: str) -> list[str]:
    return {
        "run": ["r.nurture", "--leads", "l.csv"],
        "score": ["r.nurture", "--leads", "l.csv"],
        "explain": ["r.nurture", "--db", "n.db", "L1"],
        "report": ["r.nurture", "--db", "n.db"],
        "replay": ["r.nurture", "--db", "n.db"],
        "db": ["check", "n.db"],
        "compare": ["a.nurture", "b.nurture"],
        "sweep": ["r.nurture", "--vary", "sales.reps=1,2"],
        "calibrate": ["r.nurture", "--db", "n.db", "-o", "f.toml"],
        "backtest": ["r.nurture", "--db", "n.db"],
        "init": ["spring_promo"],
    }.get(name, ["r.nurture"])


def test_exit_codes_are_named() -> None:
    assert (exitcodes.OK, exitcodes.USER_ERROR, exitcodes.USAGE) == (0, 1, 2)
    assert exitcodes.INTERNAL == 70  # EX_SOFTWARE
    assert exitcodes.INTERRUPTED == 130  # 128 + SIGINT


def test_the_command_line_loads_no_product_package_until_a_command_runs() -> None:
    """`nurture --help` and `--version` stay fast: command modules import their packages in run."""
    code = (
        "import sys, cli.main; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('dsl', 'engine', 'live', 'simulator', 'tui', 'pydantic', 'lark', 'simpy', 'numpy', "
        "'textual')))"
    )
    root = str(CLI.parent)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout == "[]\n"
