"""A history the simulator made: one replication recorded and written as a campaign's history
(what a live database of that campaign would hold), for calibration's recovery trials and tests.

Each `send` the rules made is a `delivered` touch (or, when it bounced, only the `bounced`
event), each sales `task` a `delivered` call on channel `task` (a task the sales desk could not
have worked by the horizon's end is left out: it was never a call); the leads, and the events
they made, are as the engine got them.
"""

from __future__ import annotations

from dsl.ir import Program
from engine import Action, Event, Lead
from simulator.history import History
from simulator.population import DAY
from simulator.scenario import Scenario
from simulator.shards import shard_model


def simulated_history(program: Program, scenario: Scenario, run: int = 0) -> History:
    """Replication `run` of `program` under `scenario`, as a history."""
    model = shard_model(program, scenario, run, record=True, traced=set())
    model.run()
    leads, events = [], []
    bounced = set()
    for item in model.log or []:
        if isinstance(item, Lead):
            leads.append((item.id, item.created_at, dict(item.attrs)))
        elif isinstance(item, Event):
            events.append((item.lead, item.type, item.at, dict(item.props)))
            if item.type == "bounced":
                bounced.add((item.lead, item.props.get("content"), item.at))
    sales = scenario.sales
    worked_by = model.end - (sales.response_hours / 24 + 1 / sales.tasks_per_rep_per_day) * DAY
    for a in model.actions or []:
        touch = _touch(a, bounced, worked_by)
        if touch is not None:
            events.append(touch)
    return History.of_rows(leads, events, f"simulated ({program.path}, run {run})", end=model.end)


def _touch(a: Action, bounced: set, worked_by: float) -> tuple | None:
    if a.action == "send":
        if any((a.lead, a.content, a.at + d) in bounced for d in range(60, 62)):
            return None
        return (a.lead, "delivered", a.at, {"content": a.content, "channel": a.channel})
    if a.action == "task" and a.at <= worked_by:
        return (a.lead, "delivered", a.at, {"content": a.content, "channel": "task"})
    return None
