"""`nurture tui`: the mistakes named before any screen opens."""

from __future__ import annotations

from pathlib import Path

from cli.main import main as nurture

ROOT = Path(__file__).resolve().parents[2]
B2B = str(ROOT / "rules" / "b2b_saas_trial.nurture")


def test_a_missing_file_is_named(tmp_path: Path, capsys) -> None:
    gone = tmp_path / "gone.nurture"
    assert nurture(["tui", str(gone)]) == 1
    assert capsys.readouterr().err == f"{gone}: no such file\n"


def test_a_missing_scenario_and_db_are_named(tmp_path: Path, capsys) -> None:
    s, db = tmp_path / "s.toml", tmp_path / "live.db"
    assert nurture(["tui", B2B, "--scenario", str(s), "--db", str(db)]) == 1
    assert capsys.readouterr().err == f"--scenario {s}: no such file\n--db {db}: no such file\n"


def test_three_files_is_bad_usage(capsys) -> None:
    assert nurture(["tui", B2B, B2B, B2B]) == 2
    assert capsys.readouterr().err == "nurture tui: give one rule file, or two to compare\n"
