"""Where tasks run changes no number: a Dask LocalCluster of 2 workers gives byte-identical results
to the process pool, and a worker killed mid-sweep has its tasks rerun with the same result."""

from __future__ import annotations

import json
import os
import signal
import threading

import pytest

from dsl import load_program
from simulator import Cluster, Overrides, forecast, parse_cluster, prepare
from simulator.objective import parse_objective
from simulator.sweep import plan_axes, sweep

RULES = "rules/b2b_saas_trial.nurture"
SCENARIO = "rules/b2b_saas_trial.scenario.toml"


@pytest.mark.parametrize(
    ("text", "cluster"),
    [
        ("local", Cluster()),
        ("local:3", Cluster(workers=3)),
        ("tcp://10.1.2.3:8786", Cluster(address="tcp://10.1.2.3:8786")),
        ("tcp://scheduler.example:8786", Cluster(address="tcp://scheduler.example:8786")),
    ],
)
def test_a_cluster_is_local_local_n_or_an_address(text: str, cluster: Cluster) -> None:
    assert parse_cluster(text) == cluster


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("local:0", "'local:0': after local: give a number of workers >= 1 (local:2)"),
        ("local:two", "'local:two': after local: give a number of workers >= 1 (local:2)"),
        (
            "10.1.2.3:8786",
            "'10.1.2.3:8786' is not a cluster: write local, local:N (N worker processes) or "
            "tcp://HOST:PORT (a Dask scheduler)",
        ),
        (
            "tcp://host",
            "'tcp://host' is not a cluster: write local, local:N (N worker processes) or "
            "tcp://HOST:PORT (a Dask scheduler)",
        ),
    ],
)
def test_anything_else_is_named(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_cluster(text)
    assert str(caught.value) == message


@pytest.fixture(scope="module")
def setup():
    program = load_program(RULES)
    return program, prepare(program, SCENARIO, Overrides(leads=150, days=45, runs=4))


def _json(result: object) -> str:
    return json.dumps(result.to_dict(), sort_keys=True)  # type: ignore[attr-defined]


def test_a_local_cluster_of_two_gives_the_pools_numbers(setup) -> None:
    program, scenario = setup
    pool = forecast(program, scenario, SCENARIO, workers=2)
    dask = forecast(program, scenario, SCENARIO, workers=1, cluster=Cluster(workers=2))
    assert _json(dask) == _json(pool)


def test_a_worker_killed_mid_sweep_has_its_tasks_rerun(setup) -> None:
    from distributed import Client, LocalCluster

    program, scenario = setup
    axes = plan_axes(program, scenario, ["sales.reps=1,2,3"])
    objective = parse_objective("customers")
    expected = sweep(program, scenario, SCENARIO, axes, objective, workers=2)

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    killed: list[int] = []
    lock = threading.Lock()
    try:
        with Client(cluster) as client:
            pids = client.run(os.getpid)

            def kill_a_busy_worker(done: float, total: int) -> None:
                with lock:
                    if killed:
                        return
                    busy = [w for w, keys in client.processing().items() if keys]
                    if busy:
                        killed.append(pids[busy[0]])
                        os.kill(pids[busy[0]], signal.SIGKILL)

            result = sweep(
                program,
                scenario,
                SCENARIO,
                axes,
                objective,
                progress=kill_a_busy_worker,
                cluster=Cluster(address=cluster.scheduler_address),
            )
    finally:
        cluster.close()
    assert len(killed) == 1
    assert result.complete
    assert _json(result) == _json(expected)
