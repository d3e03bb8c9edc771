"""`nurture simulate --export DIR` (issue 11, item 1): run 0's synthetic leads and events in the
live formats, which `nurture run`, `score` and `explain` read; `nurture run` on them writes
exactly the simulator's actions; the folder is never half-written and never someone else's."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from cli.main import main
from dsl import load_program
from simulator import Cancelled, Overrides, export, prepare

B2B = "rules/b2b_saas_trial.nurture"
B2B_SCENARIO = "rules/b2b_saas_trial.scenario.toml"
B2C = "rules/b2c_browse_abandon.nurture"
B2C_SCENARIO = "rules/b2c_browse_abandon.scenario.toml"
SEED_0_RUN_0 = "64775837"  # the engine's seed of replication 0 of seed 0 (`engine_seed(0, 0)`)


def nurture(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def b2b(tmp_path_factory) -> tuple[Path, dict]:
    """The b2b playbook's export (400 leads, 45 days, one run) and its forecast's JSON."""
    folder = tmp_path_factory.mktemp("b2b")
    args = [B2B, "--scenario", B2B_SCENARIO, "--leads", "400", "--days", "45", "--runs", "1"]
    code = main(
        ["simulate", *args, "--json", str(folder / "f.json"), "--export", str(folder / "x")]
    )
    assert code == 0
    return folder / "x", json.loads((folder / "f.json").read_text())


def replay(capsys, folder: Path, rules: str, until: str, tmp: Path) -> bytes:
    code, _, err = nurture(
        capsys,
        "run",
        rules,
        *("--leads", str(folder / "leads.csv"), "--events", str(folder / "events.jsonl")),
        *("--seed", SEED_0_RUN_0, "--until", until),
        *("--db", str(tmp / "live.db"), "--actions", str(tmp / "actions.jsonl")),
    )
    assert code == 0, err
    assert "rejected" not in err
    return (tmp / "actions.jsonl").read_bytes()


def test_nurture_run_on_the_export_writes_exactly_the_simulators_actions(b2b, capsys, tmp_path):
    folder, _ = b2b
    written = replay(capsys, folder, B2B, "2026-02-19T00:00:00Z", tmp_path)
    expected = (folder / "simulated_actions.jsonl").read_bytes()
    assert len(expected.splitlines()) > 500
    assert b'"action": "task"' in expected and b'"action": "suppressed"' in expected
    assert written == expected


def test_the_export_is_the_forecasts_run_0(b2b):
    folder, forecast = b2b
    scalars = forecast["forecast"]["scalars"]
    actions = [json.loads(x) for x in (folder / "simulated_actions.jsonl").read_text().splitlines()]
    events = [json.loads(x) for x in (folder / "events.jsonl").read_text().splitlines()]
    leads = (folder / "leads.csv").read_text().splitlines()
    assert len(leads) - 1 == scalars["leads"]["mean"] == 400
    assert scalars["mql"]["mean"] > 20 and scalars["sql"]["mean"] > 5
    assert sum(a["action"] == "mql" for a in actions) == scalars["mql"]["mean"]
    assert sum(a["action"] == "sql" for a in actions) == scalars["sql"]["mean"]
    assert sum(e["type"] == "converted" for e in events) == scalars["customers"]["mean"]


def test_the_files_are_in_the_live_formats(b2b):
    folder, _ = b2b
    leads = (folder / "leads.csv").read_text().splitlines()
    assert leads[0] == "id,created_at,company_size,industry,title,email,source,timezone"
    assert leads[1].startswith("L1,2026-01-05T")
    events = [json.loads(x) for x in (folder / "events.jsonl").read_text().splitlines()]
    assert [e["id"] for e in events] == [f"e{n}" for n in range(1, len(events) + 1)]
    assert {tuple(e) for e in events} == {
        ("id", "lead", "type", "at"),
        ("id", "lead", "type", "at", "props"),
    }
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)


def test_the_readme_says_how_it_was_made_and_how_to_replay_it(b2b):
    folder, _ = b2b
    x = str(folder)
    assert (folder / "README.md").read_text() == (
        "# Synthetic leads and events exported by nurture\n"
        "\n"
        "Made by\n"
        "\n"
        f"    nurture simulate {B2B} --scenario {B2B_SCENARIO} --leads 400 --days 45 --runs 1 "
        f"--export {x}\n"
        "\n"
        "Replication 0 of that forecast (seed 0): 400 leads arriving over 45 days from "
        "2026-01-05T00:00:00Z.\n"
        f"The leads and what they did are synthetic, drawn for the rules of `{B2B}`.\n"
        "\n"
        "| file | holds |\n"
        "|---|---|\n"
        "| `leads.csv` | 400 leads: `id`, `created_at`, then `company_size`, `industry`, `title`, "
        "`email`, `source`, `timezone` |\n"
        f"| `events.jsonl` | {_count(folder, 'events.jsonl'):,} events the leads produced, in "
        "time order |\n"
        f"| `simulated_actions.jsonl` | {_count(folder, 'simulated_actions.jsonl'):,} actions the "
        "rules took in the simulation |\n"
        "\n"
        "The formats are described in nurture's `docs/DATA.md`. `nurture run` on these leads and "
        "events,\n"
        "with this replication's seed and its horizon's end, writes exactly "
        "`simulated_actions.jsonl`:\n"
        "\n"
        f"    nurture run {B2B} --leads {x}/leads.csv --events {x}/events.jsonl --seed "
        f"{SEED_0_RUN_0} --until 2026-02-19T00:00:00Z --db live.db --actions actions.jsonl\n"
    )


def _count(folder: Path, name: str) -> int:
    return len((folder / name).read_text().splitlines())


def test_score_and_explain_read_the_export(b2b, capsys, tmp_path):
    folder, _ = b2b
    leads, events = str(folder / "leads.csv"), str(folder / "events.jsonl")
    last = max(json.loads(x)["at"] for x in (folder / "events.jsonl").read_text().splitlines())
    code, _, err = nurture(capsys, "score", B2B, "--leads", leads, "--events", events)
    assert (code, err) == (0, f"nurture score: 400 leads scored at {last}\n")  # no row rejected
    replay(capsys, folder, B2B, "2026-02-19T00:00:00Z", tmp_path)
    code, out, _ = nurture(capsys, "explain", B2B, "--db", str(tmp_path / "live.db"), "L2")
    assert code == 0
    assert out.startswith("lead L2 at 2026-02-19T00:00:00Z\n")


def test_quiet_hours_and_time_zones_replay_exactly_too(capsys, tmp_path):
    folder = tmp_path / "b2c"
    args = [B2C, "--scenario", B2C_SCENARIO, "--leads", "300", "--days", "14", "--runs", "1"]
    code, _, err = nurture(capsys, "simulate", *args, "--export", str(folder))
    assert code == 0
    assert err.startswith(f"exported run 0 to {folder}: 300 leads, ")
    header = (folder / "leads.csv").read_text().splitlines()[0]
    assert header.endswith(",timezone")
    written = replay(capsys, folder, B2C, "2026-03-16T00:00:00Z", tmp_path)
    assert written == (folder / "simulated_actions.jsonl").read_bytes()


def test_the_same_export_twice_is_byte_identical(capsys, tmp_path):
    args = ["simulate", B2B, "--leads", "60", "--days", "20", "--runs", "1"]
    for name in ("a", "b"):
        assert nurture(capsys, *args, "--export", str(tmp_path / name))[0] == 0
    for name in ("leads.csv", "events.jsonl", "simulated_actions.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_folder_holding_other_files_is_left_alone(capsys, tmp_path):
    folder = tmp_path / "crm"
    folder.mkdir()
    (folder / "leads.csv").write_text("id,email\nC1,a@b.c\n")
    args = ["simulate", B2B, "--leads", "20", "--days", "5", "--runs", "1"]
    code, out, err = nurture(capsys, *args, "--export", str(folder))
    assert (code, out) == (1, "")
    assert err == (
        f"nurture simulate: --export {folder}: {folder}/leads.csv exists and the folder holds no "
        "earlier export, so it is left alone\n  hint: give a new or empty folder\n"
    )
    assert (folder / "leads.csv").read_text() == "id,email\nC1,a@b.c\n"
    assert sorted(p.name for p in folder.iterdir()) == ["leads.csv"]


def test_an_earlier_export_is_replaced(capsys, tmp_path):
    folder = tmp_path / "x"
    for leads in ("20", "30"):
        args = ["simulate", B2B, "--leads", leads, "--days", "5", "--runs", "1"]
        assert nurture(capsys, *args, "--export", str(folder))[0] == 0
    assert len((folder / "leads.csv").read_text().splitlines()) == 31
    assert sorted(p.name for p in folder.iterdir()) == [
        "README.md",
        "events.jsonl",
        "leads.csv",
        "simulated_actions.jsonl",
    ]


def test_a_file_in_place_of_the_folder(capsys, tmp_path):
    (tmp_path / "f").write_text("x")
    args = ["simulate", B2B, "--leads", "20", "--runs", "1", "--export", str(tmp_path / "f")]
    code, _, err = nurture(capsys, *args)
    assert (code, err) == (1, f"nurture simulate: --export {tmp_path}/f: is a file, not a folder\n")


def test_a_cancelled_export_leaves_the_folder_as_it_was(tmp_path):
    program = load_program(B2B)
    scenario = prepare(program, B2B_SCENARIO, Overrides(leads=3000, runs=1))
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled, match="the export was cancelled"):
        export(program, scenario, str(tmp_path / "x"), "made by a test", cancel=stop)
    assert list((tmp_path / "x").iterdir()) == []


def test_an_empty_folder_name(capsys):
    code, _, err = nurture(capsys, "simulate", B2B, "--leads", "20", "--runs", "1", "--export", "")
    assert (code, err) == (
        1,
        "nurture simulate: --export needs a folder\n  hint: give a folder's name, e.g. "
        "--export sample\n",
    )


def test_an_export_made_with_set_values_says_them_and_replays_with_them(capsys, tmp_path):
    folder = tmp_path / "x"
    args = [B2B, "--scenario", B2B_SCENARIO, "--leads", "300", "--days", "30", "--runs", "1"]
    sets = ["--set", "mql_at=40", "--set", "welcome_wait=2d"]  # 2d is the file's own value
    code, _, err = nurture(capsys, "simulate", *args, *sets, "--export", str(folder))
    assert code == 0, err
    readme = (folder / "README.md").read_text()
    made = f"    nurture simulate {' '.join(args)} --export {folder} --set mql_at=40 --set "
    assert made + "welcome_wait=2d\n" in readme
    replay_line = (
        f"    nurture run {B2B} --leads {folder}/leads.csv --events {folder}/events.jsonl "
        f"--seed {SEED_0_RUN_0} --until 2026-02-04T00:00:00Z --set mql_at=40 --db live.db "
        "--actions actions.jsonl\n"
    )
    assert readme.endswith(replay_line)
    expected = (folder / "simulated_actions.jsonl").read_bytes()
    run = ["run", B2B, "--leads", str(folder / "leads.csv"), "--events"]
    run += [str(folder / "events.jsonl"), "--seed", SEED_0_RUN_0, "--until"]
    run += ["2026-02-04T00:00:00Z", "--set", "mql_at=40"]
    for name, extra in (("with", []), ("without", None)):
        work = tmp_path / name
        work.mkdir()
        argv = run if extra is not None else run[:-2]
        code, _, err = nurture(
            capsys, *argv, "--db", str(work / "l.db"), "--actions", str(work / "a.jsonl")
        )
        assert code == 0, err
        written = (work / "a.jsonl").read_bytes()
        assert (written == expected) is (name == "with")  # the file's mql_at=50 differs
