"""A forecast's synthetic leads and events, written in the live formats (`nurture simulate
--export DIR`), so that `nurture run`, `score` and `explain` can be tried on them.

Replication `run` (0: the forecast's first) is simulated again in this process with recording
on — same seed, same numbers as in the forecast — and written to DIR as it goes:

    leads.csv                 the leads: id, created_at, each `lead:` attribute, then timezone
    events.jsonl              what the leads did, in the order the engine got it (time order)
    simulated_actions.jsonl   what the simulator's engine did: the actions `nurture run` writes
    README.md                 how the files were made, and the `nurture run` that replays them

`nurture run` over leads.csv and events.jsonl with this replication's seed (`Exported.seed`) and
`--until` its horizon's end writes exactly simulated_actions.jsonl (tested). The formats are
described in docs/DATA.md.

Files are written under temporary names and renamed once the run is over: a cancelled or
failed export leaves DIR as it was. A file of one of these four names is replaced only when DIR
holds an earlier export (its README.md starts with `TITLE`); other files in DIR are left alone.
"""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from dsl.errors import InternalError, NurtureError
from dsl.ir import Program
from dsl.params import params_in_force
from engine import Action, Event, Lead, format_time
from simulator.cancel import CancelFlag, Cancelled
from simulator.formatting import horizon
from simulator.scenario import Scenario
from simulator.shards import engine_seed, shard_model

TITLE = "# Synthetic leads and events exported by nurture"
FILES = ("leads.csv", "events.jsonl", "simulated_actions.jsonl", "README.md")


class ExportError(NurtureError):
    """The export folder cannot be used (nothing was written)."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote, and what replays it."""

    directory: str
    run: int
    leads: int
    events: int
    actions: int
    seed: int  # the engine's seed of this replication: `nurture run --seed`
    until: str  # the horizon's end: `nurture run --until`
    columns: tuple[str, ...] = ()  # the attribute columns of leads.csv, after id and created_at
    settings: tuple[
        str, ...
    ] = ()  # `NAME=VALUE` of each param set to another value than the file's

    def replay(self, rule_file: str) -> str:
        """The `nurture run` command that writes exactly simulated_actions.jsonl (with the
        `--set` values the simulation ran with)."""
        d = self.directory
        sets = "".join(f" --set {s}" for s in self.settings)
        return (
            f"nurture run {rule_file} --leads {os.path.join(d, 'leads.csv')} "
            f"--events {os.path.join(d, 'events.jsonl')} --seed {self.seed} --until {self.until}"
            + sets
        )


def check_folder(directory: str) -> None:
    """Raise `ExportError` unless `directory` is new, holds none of the export's files, or is
    an earlier export."""
    if not directory.strip():
        raise ExportError("--export needs a folder", "give a folder's name, e.g. --export sample")
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"--export {directory}: is a file, not a folder")
    if not folder.exists():
        return
    taken = [name for name in FILES if (folder / name).exists()]
    if taken and not _earlier_export(folder / "README.md"):
        raise ExportError(
            f"--export {directory}: {os.path.join(directory, taken[0])} exists and the folder "
            "holds no earlier export, so it is left alone",
            "give a new or empty folder",
        )


def _earlier_export(readme: Path) -> bool:
    try:
        with readme.open(encoding="utf-8") as f:
            return f.readline().rstrip("\n") == TITLE
    except (OSError, UnicodeDecodeError):
        return False


def number_text(value: float) -> str:
    """A number as a CSV cell that reads back as the very same float."""
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


class Recorder:
    """The model's record (`Model.log`, `Model.actions`) written straight to the files."""

    def __init__(self, leads: TextIO, events: IO[str], columns: list[str]) -> None:
        self.columns = columns
        self.leads = csv.writer(leads, lineterminator="\n")
        self.leads.writerow(["id", "created_at", *columns])
        self.events = events
        self.counts = {"leads": 0, "events": 0}

    def append(self, item: Lead | Event) -> None:
        if isinstance(item, Lead):
            self.counts["leads"] += 1
            cells = [_cell(item.attrs.get(name)) for name in self.columns]
            self.leads.writerow([item.id, _time(item.created_at), *cells])
            return
        self.counts["events"] += 1
        row: dict[str, object] = {"id": item.id, "lead": item.lead, "type": item.type}
        row["at"] = _time(item.at)
        if item.props:
            row["props"] = item.props
        self.events.write(json.dumps(row, ensure_ascii=False) + "\n")


class ActionWriter:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def extend(self, actions: list[Action]) -> None:
        self.count += len(actions)
        for action in actions:
            self.out.write(json.dumps(action.to_dict(), ensure_ascii=False) + "\n")


def _time(at: float | None) -> str:
    if at is None or at != math.floor(
        at
    ):  # every synthetic time is a whole second: else the replay differs
        raise InternalError(f"a synthetic time of {at!r} is not a whole second")
    return format_time(at)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def export(
    program: Program,
    scenario: Scenario,
    directory: str,
    made_by: str,
    run: int = 0,
    cancel: CancelFlag | None = None,
) -> Exported:
    """Simulate replication `run` again with recording on and write it to `directory` (see the
    module's docstring); `made_by` is the command that asked for it, for the README. Raises
    `ExportError` (the folder cannot be used), `Cancelled`; on any failure DIR is as it was."""
    check_folder(directory)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(
            f"--export {directory}: cannot create the folder: {err.strerror}"
        ) from None
    temp = {name: folder / f".{name}.partial" for name in FILES}
    try:
        try:
            exported = _write(program, scenario, directory, run, cancel, temp)
        except Cancelled:
            raise Cancelled("the export was cancelled") from None
        text = readme(exported, program, scenario, made_by)
        temp["README.md"].write_text(text, encoding="utf-8")
        for name in FILES:
            os.replace(temp[name], folder / name)
    except OSError as err:
        raise ExportError(f"--export {directory}: cannot write: {err.strerror}") from None
    finally:
        for path in temp.values():
            path.unlink(missing_ok=True)
    return exported


def _write(
    program: Program,
    scenario: Scenario,
    directory: str,
    run: int,
    cancel: CancelFlag | None,
    temp: dict[str, Path],
) -> Exported:
    model = shard_model(program, scenario, run, record=True, traced=set())
    model.cancel = cancel
    declared = [d.name for d in program.lead]
    extra = sorted(set(model.pop.columns) - set(declared))  # timezone, when the scenario gives it
    with (
        temp["leads.csv"].open("w", encoding="utf-8", newline="") as leads,
        temp["events.jsonl"].open("w", encoding="utf-8") as events,
        temp["simulated_actions.jsonl"].open("w", encoding="utf-8") as actions,
    ):
        recorder, writer = Recorder(leads, events, declared + extra), ActionWriter(actions)
        model.log, model.actions = recorder, writer  # type: ignore[assignment]  # append/extend only
        model.run()
    return Exported(
        directory,
        run,
        recorder.counts["leads"],
        recorder.counts["events"],
        writer.count,
        engine_seed(scenario.run.seed, run),
        format_time(model.end),
        tuple(recorder.columns),
        tuple(f"{p.name}={p.value}" for p in params_in_force(program) if p.changed),
    )


def readme(exported: Exported, program: Program, scenario: Scenario, made_by: str) -> str:
    """The README.md of an export: how it was made, what each file holds, how to replay it."""
    pop = scenario.population
    columns = ", ".join(f"`{c}`" for c in exported.columns) or "no attributes"
    leads = f"{exported.leads:,} leads arriving over {horizon(pop.days)} days from {pop.start}"
    return f"""{TITLE}

Made by

    {made_by}

Replication {exported.run} of that forecast (seed {scenario.run.seed}): {leads}.
The leads and what they did are synthetic, drawn for the rules of `{program.path}`.

| file | holds |
|---|---|
| `leads.csv` | {exported.leads:,} leads: `id`, `created_at`, then {columns} |
| `events.jsonl` | {exported.events:,} events the leads produced, in time order |
| `simulated_actions.jsonl` | {exported.actions:,} actions the rules took in the simulation |

The formats are described in nurture's `docs/DATA.md`. `nurture run` on these leads and events,
with this replication's seed and its horizon's end, writes exactly `simulated_actions.jsonl`:

    {exported.replay(program.path)} --db live.db --actions actions.jsonl
"""
