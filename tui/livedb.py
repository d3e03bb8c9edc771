"""What the app asks of a live database (`--db`), through live's front door (`live`): every lead
as columns (`live.leads_table`) and one lead's standing and trail (`live.explain`), both
read-only. Nothing is read from the database here.

A database that cannot be read as asked (missing, damaged, locked, of other rules) or a lead it
does not hold is a `DbError`, in the words `nurture explain` uses, with a hint of what to do in
the app where the command line's would not do (a locked database: not `--wait`, an option of
`nurture run`, but ctrl+r once the other run is done); a failure of nurture itself is said to be
one, with its traceback saved to a file (`running.bug_message`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl.errors import NurtureError
    from live import LeadExplanation, LiveLeads
    from tui.rulefile import RuleFile

LOCKED_HINT = "another program is writing to it: once it is done, press ctrl+r to read it again"


class DbError(Exception):
    """The database (or a lead of it) cannot be read as asked; the message says why."""


def app_words(err: NurtureError) -> str:
    """A user's mistake in the app's words: its message and a hint the app's user can follow."""
    from live import LockedError

    hint = LOCKED_HINT if isinstance(err, LockedError) else err.hint
    return err.message + (f" ({hint})" if hint else "")


def _programs(files: list[RuleFile]) -> tuple[list[str], list]:
    """The rule files' paths and programs; DbError when one has errors (or is not checked)."""
    for f in files:
        if f.program is None:
            raise DbError(f"{f.path} has errors: fix them (1: Rules) to read the database")
    return [f.path for f in files], [f.program for f in files]


def _said(call):
    """Run `call()`; a NurtureError as a DbError in its own words (with its hint), anything
    else as a bug, said so."""
    from dsl.errors import NurtureError
    from tui.running import bug_message

    try:
        return call()
    except NurtureError as err:
        raise DbError(app_words(err)) from None
    except Exception as err:  # noqa: BLE001 (our bug: said, with the traceback in a file)
        raise DbError(bug_message(err)) from None


def db_leads(files: list[RuleFile], db: str) -> LiveLeads:
    """Every lead of `db` under the first rule file, at the database's clock; read in a process
    of its own (forked), so the app's screen never waits on it: restoring 100,000 leads is
    seconds of Python, and freeing them at the end one long stretch that holds the interpreter
    (a 1.1 s stall of the screen in a thread, bench/bench_tui.py --db-only). The columns come
    back pickled (a few hundredths of a second); the process ends with the app if it quits."""
    import multiprocessing

    paths, programs = _programs(files)
    methods = multiprocessing.get_all_start_methods()
    context = (
        multiprocessing.get_context("fork")
        if "fork" in methods
        else multiprocessing.get_context("spawn")
    )
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_read, args=(send, paths, programs, db), daemon=True)
    child.start()
    send.close()
    try:
        kind, *said = receive.recv()
    except EOFError:
        kind, said = "bug", [f"the process reading {db} ended", f"exit code {child.exitcode}"]
    finally:
        receive.close()
        child.join()
    if kind == "ok":
        return said[0]
    if kind == "mistake":
        raise DbError(said[0])
    from tui.running import bug_said

    raise DbError(bug_said(said[0], said[1]))


def _read(send, paths: list[str], programs: list, db: str) -> None:
    """The reading process: ("ok", the columns), ("mistake", words) or ("bug", what,
    traceback) sent back, never raised."""
    import traceback

    import live
    from dsl.errors import NurtureError

    try:
        said: tuple[object, ...] = ("ok", live.leads_table(paths, programs, db))
    except NurtureError as err:
        said = ("mistake", app_words(err))
    except Exception as err:  # noqa: BLE001 (our bug: said, with its traceback)
        said = ("bug", f"{type(err).__name__}: {err}", "".join(traceback.format_exception(err)))
    send.send(said)
    send.close()


def db_timeline(files: list[RuleFile], db: str, lead: str) -> LeadExplanation:
    """The lead's standing under each rule file and its trail, as `nurture explain` gives it."""
    import live

    paths, programs = _programs(files)
    return _said(lambda: live.explain(paths, programs, db, lead))


def standing_lines(found: LeadExplanation) -> list[str]:
    """The lead's standing under each file, in the words of `nurture explain`'s header."""
    import live

    return live.standing_lines(found)
