"""The runner's bookkeeping, with a tiny stand-in engine: batches, resume after a crash, the
actions file, duplicates, late events and lead updates. (The real engine runs in test_runner_*.)"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import dsl
import engine
import live.actions
from engine.model import Action, Lead, LeadView
from live.runner import RunError, RunOptions, run_live
from live.store import Store

RULES = """\
campaign "fake"
stages a, b
lead:
  size: number
"""
DAY = 86400.0
T0 = 1767225600.0  # 2026-01-01T00:00:00Z


class FakeEngine:
    """Each lead: `enrolled` when added, a `send` every day after (3 in all), a `send` per click."""

    def __init__(
        self,
        programs: list[Any],
        seed: int = 0,
        trace: bool = True,
        track_changes: bool | None = None,
    ) -> None:
        self.leads: dict[str, dict[str, Any]] = {}

    def add_lead(self, lead: Lead, now: float) -> list[Action]:
        self.leads[lead.id] = {
            "id": lead.id,
            "attrs": lead.attrs,
            "due": now + DAY,
            "sent": 0,
            "seen": [],
        }
        return [Action(lead.id, now, "enrolled", sequence="s")]

    def update_lead(self, lead_id: str, attrs: dict[str, object], now: float) -> list[Action]:
        self.leads[lead_id]["attrs"] = attrs
        return [Action(lead_id, now, "mql", reason=f"size {attrs.get('size')}")]

    def ingest(self, event: Any, now: float) -> list[Action]:
        self.leads[event.lead]["seen"].append([event.id, event.at, now])
        if event.type != "clicked":
            return []
        return [Action(event.lead, now, "send", content="followup", late=event.at < now or None)]

    def next_due(self) -> float | None:
        dues = [s["due"] for s in self.leads.values() if s["due"] is not None]
        return min(dues) if dues else None

    def advance(self, now: float) -> list[Action]:
        out = []
        for lead_id in sorted(self.leads, key=lambda k: (self.leads[k]["due"] or 0, k)):
            state = self.leads[lead_id]
            if state["due"] is not None and state["due"] <= now:
                state["sent"] += 1
                out.append(Action(lead_id, state["due"], "send", content=f"day{state['sent']}"))
                state["due"] = state["due"] + DAY if state["sent"] < 3 else None
        return out

    def snapshot(self, lead_id: str, trail: bool = True) -> dict[str, Any]:
        return json.loads(json.dumps(self.leads[lead_id]))

    def restore(self, data: dict[str, Any]) -> None:
        self.leads[data["id"]] = {k: v for k, v in data.items() if k != "trace"}

    def trail(self, lead_id: str, start: int = 0, release: bool = False) -> list[Any]:
        return []  # the fake keeps no trail

    def lead_ids(self) -> list[str]:
        return sorted(self.leads)

    def pop_changed(self) -> set[str]:
        return set()  # every change the fake makes comes with an action (or is an event)

    def layout(self) -> list[dict[str, Any]]:
        return []

    def view(self, lead_id: str, now: float, program: int = 0) -> LeadView:
        sent = float(self.leads[lead_id]["sent"])
        return LeadView(
            lead_id, now, {}, sent, "a", [], False, False, False, False, False, None, None
        )


class Crash(Exception):
    pass


@pytest.fixture(autouse=True)
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "Engine", FakeEngine, raising=False)
    monkeypatch.setattr(engine, "Lead", Lead, raising=False)
    from engine.model import Event

    monkeypatch.setattr(engine, "Event", Event, raising=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rules = tmp_path / "fake.nurture"
    rules.write_text(RULES)
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "id,created_at,size\n"
        + "".join(f"L{i},2026-01-01T{i:02d}:00:00Z,{i}\n" for i in range(1, 6))
    )
    events = tmp_path / "events.jsonl"
    lines = []
    for n in range(40):
        lead = f"L{n % 5 + 1}"
        at = T0 + 6 * 3600 + n * 7200
        lines.append(
            json.dumps(
                {
                    "id": f"e{n}",
                    "lead": lead,
                    "type": "clicked" if n % 3 else "opened",
                    "at": _iso(at),
                }
            )
        )
    events.write_text("\n".join(lines) + "\n")
    return {"rules": rules, "leads": leads, "events": events, "dir": tmp_path}


def _iso(t: float) -> str:
    from live.inputs import format_time

    return format_time(t)


def options(files: dict[str, Path], name: str, **kw: Any) -> RunOptions:
    program = dsl.load_program(str(files["rules"]))
    base = dict(
        rule_files=[str(files["rules"])],
        programs=[program],
        leads_path=str(files["leads"]),
        events_path=str(files["events"]),
        db_path=str(files["dir"] / f"{name}.db"),
        actions_path=str(files["dir"] / f"{name}.jsonl"),
    )
    base.update(kw)
    return RunOptions(**base)  # type: ignore[arg-type]


def actions_of(files: dict[str, Path], name: str) -> list[dict[str, Any]]:
    path = files["dir"] / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_batch_size_does_not_change_the_actions(files: dict[str, Path]) -> None:
    run_live(options(files, "one", batch_size=1), None)  # type: ignore[arg-type]
    run_live(options(files, "big", batch_size=1000), None)  # type: ignore[arg-type]
    one = (files["dir"] / "one.jsonl").read_bytes()
    assert one == (files["dir"] / "big.jsonl").read_bytes()
    kinds = [a["action"] for a in actions_of(files, "one")]
    assert kinds.count("enrolled") == 5
    assert kinds.count("send") == 26 + 15  # 26 clicks among 40 events, 3 timed sends per lead


def test_timers_run_between_events_in_time_order(files: dict[str, Path]) -> None:
    run_live(options(files, "t"), None)  # type: ignore[arg-type]
    times = [a["at"] for a in actions_of(files, "t")]
    assert times == sorted(times)
    first_day = next(a for a in actions_of(files, "t") if a.get("content") == "day1")
    assert first_day == {
        "lead": "L1",
        "at": "2026-01-02T01:00:00Z",
        "action": "send",
        "content": "day1",
    }


@pytest.mark.parametrize("checkpoint_every", [1, 6, 1000])
@pytest.mark.parametrize("crash_after", [1, 2, 5, 9])
def test_crash_between_batches_then_resume_gives_the_same_file(
    files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    crash_after: int,
    checkpoint_every: int,
) -> None:
    run_live(options(files, "clean", batch_size=4), None)  # type: ignore[arg-type]
    real_write = live.actions.ActionsFile.write_new
    calls = {"n": 0}

    def flaky(self: Any) -> int:
        calls["n"] += 1
        if calls["n"] == crash_after:
            real_write(self)  # the file is written, the marker is not: the worst moment
            raise Crash
        return real_write(self)

    monkeypatch.setattr(live.actions.ActionsFile, "write_new", flaky)
    with pytest.raises(Crash):
        run_live(options(files, "crashy", batch_size=4, checkpoint_every=checkpoint_every), None)  # type: ignore[arg-type]
    monkeypatch.setattr(live.actions.ActionsFile, "write_new", real_write)
    run_live(options(files, "crashy", batch_size=7), None)  # type: ignore[arg-type]
    clean = (files["dir"] / "clean.jsonl").read_bytes()
    assert (files["dir"] / "crashy.jsonl").read_bytes() == clean


def test_second_run_with_same_input_adds_nothing(files: dict[str, Path]) -> None:
    first = run_live(options(files, "r"), None)  # type: ignore[arg-type]
    before = (files["dir"] / "r.jsonl").read_bytes()
    again = run_live(options(files, "r"), None)  # type: ignore[arg-type]
    assert first.events_accepted == 40
    assert again.events_accepted == 0
    assert again.duplicates == 40
    assert again.actions == 0
    assert (files["dir"] / "r.jsonl").read_bytes() == before


def test_more_events_continue_and_old_ones_are_late(files: dict[str, Path]) -> None:
    run_live(options(files, "m"), None)  # type: ignore[arg-type]
    more = files["dir"] / "more.jsonl"
    more.write_text(
        '{"id": "x1", "lead": "L2", "type": "clicked", "at": "2026-01-01T07:00:00Z"}\n'
        '{"id": "x2", "lead": "L2", "type": "clicked", "at": "2026-01-09T00:00:00Z"}\n'
    )
    report = run_live(options(files, "m", events_path=str(more)), None)  # type: ignore[arg-type]
    assert report.events_accepted == 2
    assert report.events_late == 1
    new = actions_of(files, "m")[-2:]
    assert new == [
        {
            "lead": "L2",
            "at": "2026-01-04T12:00:00Z",
            "action": "send",
            "content": "followup",
            "late": True,
        },
        {"lead": "L2", "at": "2026-01-09T00:00:00Z", "action": "send", "content": "followup"},
    ]
    store = Store(str(files["dir"] / "m.db"), readonly=True)
    row = store.db.execute("SELECT at, applied_at, late FROM events WHERE id = 'x1'").fetchone()
    assert row == (T0 + 7 * 3600, T0 + 3 * DAY + 12 * 3600, 1)


def test_changed_lead_row_updates_at_the_run_start(files: dict[str, Path]) -> None:
    run_live(options(files, "u"), None)  # type: ignore[arg-type]
    files["leads"].write_text("id,size\nL3,300\nL4,4\n")
    report = run_live(options(files, "u", events_path=None), None)  # type: ignore[arg-type]
    assert report.leads_updated == 1
    assert actions_of(files, "u")[-1] == {
        "lead": "L3",
        "at": "2026-01-04T12:00:00Z",
        "action": "mql",
        "reason": "size 300.0",
    }


def test_seed_is_fixed_at_the_first_run(files: dict[str, Path]) -> None:
    run_live(options(files, "s", seed=7), None)  # type: ignore[arg-type]
    run_live(options(files, "s"), None)  # type: ignore[arg-type]
    message = "was started with --seed 7; it cannot continue with --seed 8"
    with pytest.raises(RunError, match=message):
        run_live(options(files, "s", seed=8), None)  # type: ignore[arg-type]


def test_changed_rules_are_refused_without_migrate(files: dict[str, Path]) -> None:
    run_live(options(files, "c"), None)  # type: ignore[arg-type]
    files["rules"].write_text(RULES + "segment big: size > 3\n")
    with pytest.raises(RunError, match=r"fake.nurture \(changed\)[\s\S]*--migrate"):
        run_live(options(files, "c"), None)  # type: ignore[arg-type]


def test_until_before_the_clock_is_refused(files: dict[str, Path]) -> None:
    run_live(options(files, "b"), None)  # type: ignore[arg-type]
    with pytest.raises(RunError, match="is before the database clock"):
        run_live(options(files, "b", until=T0), None)  # type: ignore[arg-type]


def test_actions_file_deleted_is_rebuilt_from_the_outbox(files: dict[str, Path]) -> None:
    run_live(options(files, "d"), None)  # type: ignore[arg-type]
    before = (files["dir"] / "d.jsonl").read_bytes()
    (files["dir"] / "d.jsonl").unlink()
    run_live(options(files, "d"), None)  # type: ignore[arg-type]
    assert (files["dir"] / "d.jsonl").read_bytes() == before


def test_saved_state_is_the_engines_snapshot_split_in_two() -> None:
    """The runner saves `snapshot(lead, trail=False)` and the trail apart (`trail`): together
    they are the whole snapshot."""
    from engine.core import Engine
    from engine.model import Event as RealEvent
    from engine.model import Lead as RealLead

    real = Engine([dsl.compile_source(RULES + "score s:\n  +1 on opened\n", "x.nurture")])
    real.add_lead(RealLead("L1", T0, {"size": 3.0}), T0)
    real.ingest(RealEvent("e1", "L1", "opened", T0 + 60, {"content": "c"}), T0 + 60)
    state, trace = real.snapshot("L1", trail=False), real.trail("L1")
    whole = real.snapshot("L1")
    assert whole.pop("trace") == [[e.at, e.kind, e.message, e.rule] for e in trace]
    assert whole.keys() == state.keys()
    assert json.loads(json.dumps(state)) == json.loads(json.dumps(whole))
    assert [e.kind for e in real.trail("L1", 1)] == ["event", "points"]


def crash_midway(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, name: str, **kw: Any
) -> None:
    real_write = live.actions.ActionsFile.write_new
    calls = {"n": 0}

    def flaky(self: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 4:
            raise Crash
        return real_write(self)

    monkeypatch.setattr(live.actions.ActionsFile, "write_new", flaky)
    with pytest.raises(Crash):
        run_live(options(files, name, batch_size=4, **kw), None)  # type: ignore[arg-type]
    monkeypatch.setattr(live.actions.ActionsFile, "write_new", real_write)


def test_rules_cannot_change_under_an_interrupted_run(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_midway(files, monkeypatch, "i")
    files["rules"].write_text(RULES + "segment big: size > 3\n")
    with pytest.raises(RunError, match="was interrupted: finish it first"):
        run_live(options(files, "i", migrate=True), None)  # type: ignore[arg-type]


def test_a_tampered_outbox_is_detected_on_replay(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from live.walk import ReplayMismatch

    crash_midway(files, monkeypatch, "t")
    store = Store(str(files["dir"] / "t.db"))
    store.db.execute("DELETE FROM outbox WHERE seq = 2")
    store.close()
    with pytest.raises(ReplayMismatch, match="the database was changed by hand"):
        run_live(options(files, "t"), None)  # type: ignore[arg-type]


def test_crash_after_lead_updates_replays_them(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    more = files["dir"] / "more.jsonl"
    more.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"m{n}",
                    "lead": "L3",
                    "type": "clicked",
                    "at": _iso(T0 + 4 * DAY + n * 3600),
                }
            )
            + "\n"
            for n in range(30)
        )
    )
    for name in ("calm", "crash"):
        run_live(options(files, name), None)  # type: ignore[arg-type]
    files["leads"].write_text("id,size\nL3,300\n")
    run_live(options(files, "calm", events_path=str(more), batch_size=4), None)  # type: ignore[arg-type]
    crash_midway(files, monkeypatch, "crash", events_path=str(more))
    run_live(options(files, "crash", events_path=str(more)), None)  # type: ignore[arg-type]
    calm = (files["dir"] / "calm.jsonl").read_bytes()
    assert (files["dir"] / "crash.jsonl").read_bytes() == calm
    assert b'"action": "mql", "reason": "size 300.0"' in calm


def test_the_garbage_collector_is_given_back_as_it_was(files: dict[str, Path]) -> None:
    import gc

    assert gc.isenabled()
    run_live(options(files, "gc"), None)  # type: ignore[arg-type]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        run_live(options(files, "gc2"), None)  # type: ignore[arg-type]
        assert not gc.isenabled()
    finally:
        gc.enable()
