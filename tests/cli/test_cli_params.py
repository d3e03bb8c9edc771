"""`--set NAME=VALUE` on the commands that read rule files, and params in a live database.

The values in force are part of the rules' identity (DSL.md, Parameters): a run with other values
is refused like a changed file, with what changed, unless --migrate; explain shows which values
were in force and needs the same ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from runkit import RULES, events_text, nurture, read_jsonl, write

PARAMS = (
    RULES.replace(
        "mql when score >= 15",
        "param mql_at = 15 in 5..40  # score of an MQL\nmql when score >= mql_at",
    ).replace("  wait 1d\n", "  wait nudge_wait\n")
    + "param nudge_wait = 1d\n"
)
LEADS = "id,created_at,plan,size\nA,2026-01-05T09:00:00Z,pro,10\n"
EVENTS = events_text(
    ("a1", "A", "signed_up", "2026-01-05T10:00:00Z", None),
    ("a2", "A", "clicked", "2026-01-05T11:00:00Z", {"content": "hello", "channel": "email"}),
)
UNTIL = "2026-01-07T00:00:00Z"


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "r.nurture", PARAMS)
    write(tmp_path, "leads.csv", LEADS)
    write(tmp_path, "e.jsonl", EVENTS)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    return nurture(
        capsys,
        "run",
        "r.nurture",
        "--leads",
        "leads.csv",
        "--events",
        "e.jsonl",
        "--db",
        "n.db",
        "--actions",
        "a.jsonl",
        "--until",
        UNTIL,
        *extra,
    )


def test_check_says_which_values_were_set(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = nurture(
        capsys, "check", "r.nurture", "--set", "mql_at=30", "--set", "nudge_wait=2d"
    )
    assert (code, err) == (0, "")
    assert out == (
        'r.nurture: ok — campaign "runner test": 3 stages, 1 segment, 3 scores, 1 sequence, '
        "3 steps, 2 params (set: mql_at = 30, nudge_wait = 2d)\n"
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "mql_at=2d",
            "nurture check: --set mql_at=2d: 'mql_at' (line 31 of r.nurture) is a number, not a "
            "duration\n  hint: like --set mql_at=15\n",
        ),
        (
            "mql_at=50",
            "nurture check: --set mql_at=50: 'mql_at' (line 31 of r.nurture) may be from 5 to "
            "40\n  hint: its range is declared on line 31; the file's value is 15\n",
        ),
        (
            "mql=20",
            "nurture check: --set mql=20: r.nurture has no param 'mql'\n"
            "  hint: did you mean 'mql_at'?\n",
        ),
    ],
)
def test_a_setting_that_does_not_fit_is_an_error_naming_the_param(
    work: Path, capsys: pytest.CaptureFixture[str], setting: str, message: str
) -> None:
    assert nurture(capsys, "check", "r.nurture", "--set", setting) == (1, "", message)


def usage(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        nurture(capsys, *argv)
    assert exit_.value.code == 2
    return capsys.readouterr().err


def test_a_setting_without_a_value_is_bad_usage(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = usage(capsys, "check", "r.nurture", "--set", "mql_at")
    assert err.endswith(
        "nurture check: error: argument --set: expected NAME=VALUE, like mql_at=60, got 'mql_at'\n"
    )


@pytest.mark.parametrize("command", ["fmt", "lint"])
def test_fmt_and_lint_read_the_file_as_written(
    work: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    err = usage(capsys, command, "r.nurture", "--set", "mql_at=30")
    assert "unrecognized arguments: --set mql_at=30" in err


def test_run_acts_with_the_values_set(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--set", "mql_at=30")[0] == 0
    # A's score is 15 (fit 10, clicked 5): an MQL at 15, not at 30
    assert [a["action"] for a in read_jsonl(work / "a.jsonl")] == [
        "enrolled",
        "send",
        "send",
        "exited",
    ]


def test_other_values_are_a_change_of_the_rules(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys)[0] == 0
    assert run(capsys, "--set", "mql_at=15")[0] == 0  # the file's own value: no change
    assert run(capsys, "--set", "nudge_wait=24h")[0] == 0  # 24h is the file's 1d
    code, _, err = run(capsys, "--set", "mql_at=30")
    assert code == 1
    assert err == (
        "nurture run: the rules differ from the last run on n.db:\n"
        "  r.nurture (param values changed: mql_at 15 -> 30)\n"
        "run again with --migrate to keep each lead's enrolments by sequence name and step "
        "position (leads in removed steps exit with reason 'rules changed')\n"
    )
    assert run(capsys, "--set", "mql_at=30", "--migrate")[0] == 0
    assert run(capsys, "--set", "mql_at=30")[0] == 0  # the new values are now the rules'


def test_a_value_set_to_the_files_own_is_no_change(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--leads", "50", "--runs", "1", "--days", "5"]
    code, report, _ = nurture(capsys, "simulate", "r.nurture", *args, "--set", "nudge_wait=24h")
    assert code == 0 and report.startswith("Forecast: runner test")  # 24h is the file's 1d


def test_explain_shows_the_values_in_force_and_needs_the_same(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "--set", "mql_at=30")[0] == 0
    code, out, _ = nurture(
        capsys, "explain", "r.nurture", "--db", "n.db", "A", "--set", "mql_at=30"
    )
    assert code == 0
    assert out.splitlines()[3] == (
        "    params in force: mql_at = 30 (set; the file says 15), nudge_wait = 1d"
    )
    code, out, _ = nurture(
        capsys, "explain", "r.nurture", "--db", "n.db", "A", "--set", "mql_at=30", "--json"
    )
    assert json.loads(out)["standing"][0]["params"] == {
        "mql_at": {"value": "30", "file": "15", "set": True},
        "nudge_wait": {"value": "1d", "file": "1d", "set": False},
    }
    code, _, err = nurture(capsys, "explain", "r.nurture", "--db", "n.db", "A")
    assert code == 1
    assert err.startswith(
        "nurture explain: the rules differ from the ones n.db runs: r.nurture (param values "
        "changed: mql_at 30 -> 15)\n"
        "give the same rule files and --set values"
    )


def test_simulate_forecasts_with_the_values_set(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def mqls(value: str) -> float:
        out = work / f"f{value}.json"
        args = ["--leads", "300", "--runs", "1", "--days", "30", "--seed", "1", "--json", str(out)]
        code, report, _ = nurture(
            capsys, "simulate", "r.nurture", *args, "--set", f"mql_at={value}"
        )
        assert code == 0
        header = report.splitlines()[:3]
        assert header[0] == "Forecast: runner test  (r.nurture)"
        assert header[2] == (
            f"Params: mql_at = {value} (set; the file says 15), nudge_wait = 1d"
            if value != "15"
            else "Params: mql_at = 15, nudge_wait = 1d"  # set to the file's own value
        )
        data = json.loads(out.read_text())
        assert data["params"] == {
            "mql_at": {"value": value, "file": "15", "set": True},
            "nudge_wait": {"value": "1d", "file": "1d", "set": False},
        }
        return data["forecast"]["scalars"]["mql"]["mean"]

    assert mqls("5") > mqls("15") > mqls("40") == 0.0
