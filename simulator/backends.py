"""Where the independent tasks of a forecast, a comparison or a sweep run: in this process, in a
process pool on this machine, or on a Dask cluster (`dask.distributed`).

    execute(run_job, jobs, Backend(workers=2), progress, cancel, on_done)
    execute(run_job, jobs, Backend(cluster=parse_cluster("local:2")), ...)
    execute(run_job, jobs, Backend(cluster=parse_cluster("tcp://10.0.0.5:8786")), ...)

A task is `fn(job, progress, cancel)`, a pure function of its job: whichever backend runs it, it
gives the same result, and results are handed back by the job's index, so no backend changes a
number. `on_done(index, result)` is called in index order of completion as each finishes (a
sweep keeps what finished when it is interrupted); `progress(done, total)` after each.

- `local[:N]`: a `distributed.LocalCluster` of N worker processes (one thread each; N: one per
  core) started for the call and closed after it.
- `tcp://HOST:PORT`: an existing scheduler; its workers need nurture installed (the same
  version). A worker lost mid-way has its tasks rerun by the scheduler on another worker.

Cancel (`cancel.is_set()`, or Ctrl-C in this process): the pool's workers see a
`multiprocessing.Event`; a Dask task sees a `distributed.Event`, asked at most every
`DaskFlag.EVERY` seconds. Either way the running tasks stop at their next look, pending ones
are dropped, and `Cancelled` (or the `KeyboardInterrupt`) is raised once the workers are told.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import signal
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from dsl.errors import NurtureError
from simulator.cancel import CancelFlag, Cancelled

Progress = Callable[[float, int], None]  # (tasks done, fractions included; tasks in all)
OnDone = Callable[[int, Any], None]
Task = Callable[..., Any]  # fn(job, progress, cancel)

_POOL_CANCEL: CancelFlag | None = None  # in a pool's worker process: its owner's flag
_POOL_DONE: Any = None  # in a pool's worker process: each job's fraction done, read by the owner
_ADDRESS = re.compile(r"^(tcp|tls)://[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")
CONNECT_TIMEOUT = "10s"  # to reach a scheduler given by address
CLUSTER_FORMS = "local, local:N (N worker processes) or tcp://HOST:PORT (a Dask scheduler)"


class ClusterError(NurtureError):
    """The Dask cluster named by --cluster cannot be reached or started."""


@dataclass(frozen=True)
class Cluster:
    """A Dask cluster: a LocalCluster of `workers` processes, or the scheduler at `address`."""

    address: str | None = None
    workers: int | None = None  # local: processes (None: one per core)

    @property
    def local(self) -> bool:
        return self.address is None

    def size(self) -> int:
        return self.workers or os.cpu_count() or 1


def parse_cluster(text: str) -> Cluster:
    """`local`, `local:N` or `tcp://HOST:PORT`; ValueError saying what to write otherwise."""
    if text == "local":
        return Cluster()
    if text.startswith("local:"):
        n = text.removeprefix("local:")
        if not n.isdigit() or int(n) < 1:
            raise ValueError(f"{text!r}: after local: give a number of workers >= 1 (local:2)")
        return Cluster(workers=int(n))
    if _ADDRESS.match(text):
        return Cluster(address=text)
    raise ValueError(f"{text!r} is not a cluster: write {CLUSTER_FORMS}")


@dataclass(frozen=True)
class Backend:
    """Where tasks run: a Dask `cluster` when given, else `workers` processes (1: here)."""

    workers: int = 1
    cluster: Cluster | None = None

    def describe(self) -> str:
        if self.cluster is None:
            return "this process" if self.workers <= 1 else f"a pool of {self.workers} processes"
        if self.cluster.local:
            return f"a Dask LocalCluster of {self.cluster.size()} workers"
        return f"the Dask scheduler at {self.cluster.address}"


def execute(
    fn: Task,
    jobs: Sequence[Any],
    backend: Backend,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    on_done: OnDone | None = None,
) -> dict[int, Any]:
    """Every job run by `fn` on `backend`: index -> result (see the module docstring).
    `progress(done, total)` never goes back and reports `total` once, when every job is back;
    in this process and in a pool it counts the jobs under way by their fraction done."""
    results: dict[int, Any] = {}

    def keep(index: int, result: Any) -> None:
        results[index] = result
        if on_done:
            on_done(index, result)

    if backend.cluster is not None:
        _on_dask(fn, jobs, backend.cluster, keep, cancel, progress)
    elif backend.workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            inner = (lambda f, i=i: progress(i + min(f, 0.99), len(jobs))) if progress else None
            keep(i, fn(job, inner, cancel))
            if progress:
                progress(len(results), len(jobs))
    else:
        _in_pool(fn, jobs, backend.workers, keep, cancel, progress)
    return results


def _pool_worker(flag: CancelFlag, fractions: Any) -> None:
    global _POOL_CANCEL, _POOL_DONE
    _POOL_CANCEL, _POOL_DONE = flag, fractions
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the owner's: it tells us by `flag`


def _pool_task(fn: Task, index: int, job: Any) -> Any:
    """In a pool's worker: `fn(job)` with the owner's cancel flag, writing its fraction done
    into slot `index` of the shared array the owner reads."""
    progress = partial(_POOL_DONE.__setitem__, index) if _POOL_DONE is not None else None
    return fn(job, progress, _POOL_CANCEL)


def pool_cancel() -> CancelFlag | None:
    """In a pool's worker process, its owner's cancel flag (None elsewhere)."""
    return _POOL_CANCEL


def _in_pool(
    fn: Task,
    jobs: Sequence[Any],
    workers: int,
    done: OnDone,
    cancel: CancelFlag | None,
    progress: Progress | None,
) -> None:
    """The jobs in a pool of `workers` processes. On `cancel` (or any exception here, such as a
    KeyboardInterrupt), the workers are told through a `multiprocessing.Event`, stop within
    their next look at it, and the pool is shut down (its processes joined); the jobs that
    ended meanwhile are handed over too, then `Cancelled` is raised. Progress counts the jobs
    under way too: each writes its fraction done into a shared array, read every 0.1 s."""
    context = multiprocessing.get_context()
    flag = context.Event()
    fractions = context.RawArray("d", len(jobs))  # one writer a slot; a stale read is harmless
    reported: set[int] = set()
    shown = 0.0

    def hand_over(future: Future, index: int) -> None:
        reported.add(index)
        done(index, future.result())

    args = (flag, fractions)
    with ProcessPoolExecutor(workers, context, initializer=_pool_worker, initargs=args) as pool:
        futures = {pool.submit(_pool_task, fn, i, job): i for i, job in enumerate(jobs)}
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, 0.1, FIRST_COMPLETED)
                for future in sorted(finished, key=futures.__getitem__):
                    hand_over(future, futures[future])
                if pending and cancel is not None and cancel.is_set():
                    break
                if progress:  # a job under way counts short of whole: all of it once, at the end
                    now = len(reported) + sum(min(fractions[futures[f]], 0.99) for f in pending)
                    if now > shown or not pending:
                        shown = now
                        progress(now, len(jobs))
        finally:  # cancelled, or anything else: stop the workers now
            if pending:
                flag.set()
                for future in pending:
                    future.cancel()
    ended = [
        (i, f)
        for f, i in futures.items()
        if i not in reported and f.done() and not f.cancelled() and f.exception() is None
    ]
    for index, future in sorted(ended, key=lambda e: e[0]):
        hand_over(future, index)
    if len(reported) < len(jobs):
        raise Cancelled


class DaskFlag:
    """A cancel flag a Dask task can read: a `distributed.Event` by name, asked at most every
    `EVERY` seconds (each ask is a round trip to the scheduler)."""

    EVERY = 0.2

    def __init__(self, name: str) -> None:
        self.name = name
        self._event: Any = None
        self._next = 0.0
        self._set = False

    def __reduce__(self) -> tuple[Any, ...]:
        return (DaskFlag, (self.name,))

    def is_set(self) -> bool:
        now = time.monotonic()
        if not self._set and now >= self._next:
            from distributed import Event

            self._next = now + self.EVERY
            if self._event is None:
                self._event = Event(self.name)
            self._set = bool(self._event.is_set())
        return self._set


@contextmanager
def dask_client(cluster: Cluster) -> Iterator[Any]:
    """A `distributed.Client` on the cluster (a LocalCluster started and closed here)."""
    from distributed import Client, LocalCluster

    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.ERROR)
    if cluster.local:
        import dask

        # Measured on the B2B playbook, 5,000 leads: each of these costs a task 5-15% more CPU
        # than in a pool's process. The statistical profiler samples every worker's stack every
        # 10 ms (nobody reads it here); a malloc trim threshold of 64 KiB (Dask's default) gives
        # memory back to the system after every large free, and the simulation takes it again.
        quiet = {
            "distributed.worker.profile.enabled": False,
            "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
        }
        with dask.config.set(quiet):
            local = LocalCluster(
                n_workers=cluster.size(),
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        try:
            with Client(local) as client:
                yield client
        except BaseException:
            _end_workers(local)  # a cancel or Ctrl-C: no waiting for their running tasks
            raise
        finally:
            local.close()
        return
    try:
        client = Client(cluster.address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as err:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {cluster.address}: {err}",
            hint="start one with `dask scheduler` and workers with `dask worker ADDRESS` "
            "(see the README, Scale-out), or use --cluster local:N",
        ) from None
    with client:
        yield client


def _end_workers(local: Any) -> None:
    """End the worker processes this call started (by their ids), so closing is immediate."""
    for nanny in list(local.workers.values()):
        process = getattr(nanny, "process", None)
        pid = getattr(process, "pid", None)
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def _on_dask(
    fn: Task,
    jobs: Sequence[Any],
    cluster: Cluster,
    done: OnDone,
    cancel: CancelFlag | None,
    progress: Progress | None,
) -> None:
    from distributed import Event

    with dask_client(cluster) as client:
        token = uuid.uuid4().hex  # names this call's tasks and flag; never in a result
        event = Event(f"nurture-cancel-{token}", client=client)
        flag = DaskFlag(f"nurture-cancel-{token}")
        futures = {
            client.submit(fn, job, None, flag, key=f"nurture-{token}-{i}", pure=False): i
            for i, job in enumerate(jobs)
        }
        pending = set(futures)
        try:
            while pending:
                finished = sorted((f for f in pending if f.done()), key=futures.__getitem__)
                for future in finished:
                    done(futures[future], future.result())
                    pending.discard(future)
                    if progress:
                        progress(len(jobs) - len(pending), len(jobs))
                if cancel is not None and cancel.is_set() and pending:
                    raise Cancelled
                if not finished:
                    time.sleep(0.02)
        except BaseException:
            event.set()
            client.cancel(list(pending), force=True)
            raise
