"""One replication on several cores: its leads in shards, side by side, tied by the sales desk.

Leads are independent of each other except through the sales queue (`simulator/sales.py`): the
engine keeps each lead's state apart, and every draw is keyed by (lead, counter). So shard k
simulates leads k, k + K, k + 2K, ... with its own engine and agenda, in its own process (shard 0
in this one), and this process runs the sales desk between windows (`sales.drive`). Sharding
changes no number: a lead sees the same events at the same instants whatever K, the desk queues
tasks in a fixed order, and the shards' metrics merge exactly (`RunMetrics.merge`).
`tests/simulator/test_sim_shards.py` checks that K = 1, 2 and 3 give the same JSON.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection

from dsl.collector import collector_paused
from dsl.ir import Program
from simulator import leadtable
from simulator.cancel import CancelFlag, check
from simulator.leadtable import SimulatedLeads
from simulator.metrics import RunMetrics, RunRecord
from simulator.model import Model
from simulator.population import generate, lead_id
from simulator.sales import Outcome, Task
from simulator.scenario import Scenario
from simulator.streams import Streams, stream_key
from simulator.uncertainty import drawn


def engine_seed(seed: int, run: int) -> int:
    return stream_key(seed, run, "engine") % (2**31)


def shard_model(
    program: Program,
    scenario: Scenario,
    run: int,
    shard: int = 0,
    shards: int = 1,
    record: bool = False,
    traced: set[int] | None = None,
) -> Model:
    """The model of one shard of replication `run` (the whole replication with one shard); for
    `record` and `traced` see `Model`. A fitted scenario's parameters are drawn for the run
    (`uncertainty.drawn`: every shard of a run draws the same)."""
    scenario = drawn(scenario, run)
    seed = scenario.run.seed
    streams = Streams(seed, run)
    population = generate(scenario, scenario.population.leads, streams)
    return Model(
        program,
        scenario,
        population,
        streams,
        engine_seed(seed, run),
        record=record,
        traced=traced,
        shard=shard,
        shards=shards,
    )


def traces_of(model: Model) -> dict[int, list[object]]:
    """lead index -> explain trail entries, for the model's traced leads that arrived."""
    return {
        i: [e.to_dict() for e in model.engine.explain(ident).entries]
        for i in sorted(model.traced)
        if (ident := model.ids[i]) is not None
    }


class Worker:
    """A shard in a child process, driven over a pipe (`sales.Shard`). While it waits for the
    child, it looks at `cancel` every 0.1 s (the parent's own shard looks at it as it runs)."""

    def __init__(
        self,
        program: Program,
        scenario: Scenario,
        run: int,
        shard: int,
        shards: int,
        traces: bool,
        leads: bool = False,
        cancel: CancelFlag | None = None,
    ) -> None:
        methods = multiprocessing.get_all_start_methods()
        context = (
            multiprocessing.get_context("fork")
            if "fork" in methods
            else multiprocessing.get_context("spawn")
        )
        self.conn, child = context.Pipe()
        self.cancel = cancel
        args = (child, program, scenario, run, shard, shards, traces, leads)
        self.process = context.Process(target=_serve, args=args, daemon=True)
        self.process.start()
        child.close()

    def post(self, outcomes: list[Outcome], until: float) -> None:
        self._send((outcomes, until))

    def collect(self) -> list[Task]:
        return self._receive()

    def finish(self) -> tuple[RunMetrics, dict[int, list[object]], int, SimulatedLeads | None]:
        """The shard's (metrics, traces, wake-ups, leads table), and the process ended."""
        self._send(None)
        out = self._receive()
        self.process.join()
        return out

    def _send(self, message: object) -> None:
        try:
            self.conn.send(message)
        except BrokenPipeError:
            self._gone()

    def _receive(self):
        if self.cancel is not None:
            while not self.conn.poll(0.1):
                check(self.cancel)
        try:
            kind, value = self.conn.recv()
        except EOFError:
            self._gone()
        if kind == "error":
            raise RuntimeError(f"a shard of the replication failed:\n{value}")
        return value

    def _gone(self) -> None:
        """The process died without a word (killed, out of memory)."""
        self.process.join(timeout=5)
        raise RuntimeError(
            f"a shard's process ended unexpectedly (exit code {self.process.exitcode})"
        ) from None

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def _serve(
    conn: Connection,
    program: Program,
    scenario: Scenario,
    run: int,
    shard: int,
    shards: int,
    traces: bool,
    leads: bool,
) -> None:
    # Ctrl-C is the parent's to handle (it stops the shards): no traceback from a shard
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        model = shard_model(program, scenario, run, shard, shards)
        with collector_paused():
            model.begin()
            while (message := conn.recv()) is not None:
                conn.send(("ok", model.window(*message)))
            model.finish()
        table = leadtable.of_model(model, program, scenario, run) if leads else None
        conn.send(("ok", (model.metrics, traces_of(model) if traces else {}, model.wakeups, table)))
    except Exception:  # reported to the parent, which raises it
        conn.send(("error", traceback.format_exc()))


def run_sharded(
    program: Program,
    scenario: Scenario,
    run: int,
    shards: int,
    traces: bool = False,
    progress: Callable[[float], None] | None = None,
    leads: bool = False,
    cancel: CancelFlag | None = None,
) -> tuple[RunRecord, Model]:
    """Replication `run` in `shards` shards (shard 0 here, the others in child processes): its
    metrics (`RunMetrics.result`, with "traces" — lead id -> entries — when `traces`, and
    "leads" — a `SimulatedLeads` — when `leads`), and the model of shard 0. Raises `Cancelled`
    soon after `cancel` is set; the child processes are ended whatever happens."""
    workers: list[Worker] = []
    try:
        for k in range(1, shards):
            workers.append(Worker(program, scenario, run, k, shards, traces, leads, cancel))
        model = shard_model(program, scenario, run, 0, shards)
        model.cancel = cancel
        model.drive(workers, progress)
        found = traces_of(model) if traces else {}
        tables = [leadtable.of_model(model, program, scenario, run)] if leads else []
        for worker in workers:
            metrics, more, wakeups, table = worker.finish()
            model.metrics.merge(metrics)
            found.update(more)
            model.wakeups += wakeups
            if table is not None:
                tables.append(table)
    finally:
        for worker in workers:
            worker.stop()
    result = model.result()
    if traces:
        result["traces"] = {lead_id(i): found[i] for i in sorted(found)}
    if leads:
        result["leads"] = leadtable.join(tables)
    return result, model
