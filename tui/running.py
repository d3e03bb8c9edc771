"""The body of the thread worker that runs a forecast or a comparison: what happens is posted as
messages (progressed, finished, cancelled, failed), never raised over the UI.

A mistake in the input (`NurtureError`: the scenario, too many leads, ...) is said in the user's
words, with its hint. Anything else is a bug in nurture: said so, with the traceback saved to a
file to send (as the command line does), never drawn over the screen.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from collections.abc import Callable
from typing import Any

from textual.message import Message

from tui.forecasting import Job, Report, SettingsError
from tui.messages import (
    ForecastCancelled,
    ForecastFailed,
    ForecastFinished,
    ForecastProgressed,
)


def run_job(post: Callable[[Message], Any], job: Job, call: Callable[[Report], Any]) -> None:
    """Run `call(report)` — a forecast or a comparison of `job` — posting what happens."""
    from dsl.errors import NurtureError
    from simulator import Cancelled

    freeze_collector()  # the simulator's modules, imported just now

    try:
        result = call(lambda done, total: post(ForecastProgressed(job.what, done, total)))
    except Cancelled:
        post(ForecastCancelled(job.what))
        return
    except SettingsError as err:
        post(ForecastFailed(job.what, "; ".join(err.messages)))
        return
    except NurtureError as err:
        post(ForecastFailed(job.what, err.message + (f" ({err.hint})" if err.hint else "")))
        return
    except Exception as err:  # noqa: BLE001 (our bug: said, with the traceback in a file)
        post(ForecastFailed(job.what, bug_message(err)))
        return
    if job.stop.is_set():  # cancelled as it ended: the person asked for nothing to change
        post(ForecastCancelled(job.what))
    else:
        post(ForecastFinished(job.what, result))


def freeze_collector() -> None:
    """What is alive now — modules, the app's widgets, made once and kept — out of the cyclic
    collector's sight (`gc.freeze`): its full passes walk everything it sees, on the UI's thread
    as much as any, and one took 0.9 s here mid-forecast (a stall) before this. Called once the
    heavy imports are done: after the first check, when the simulator is first imported."""
    import gc

    gc.freeze()


def bug_message(err: BaseException) -> str:
    """A failure of nurture itself, in one line: what failed and where its traceback is."""
    details = "".join(traceback.format_exception(err))
    return bug_said(f"{type(err).__name__}: {err}", details)


def bug_said(what: str, details: str) -> str:
    """`bug_message` of a failure known by its words and traceback (e.g. from another
    process): the traceback saved to a file, the line saying where."""
    try:
        fd, path = tempfile.mkstemp(prefix="nurture-bug-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(details)
        where = f"the traceback is in {path}"
    except OSError:
        where = "the traceback could not be saved"
    return (
        f"internal error ({what}): a bug in nurture, not in your input; {where}; please report it"
    )
