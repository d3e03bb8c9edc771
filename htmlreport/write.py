"""Writing a page: to a temporary file beside the target, then renamed over it, so a report that
fails half-way never leaves half a file where a good one was."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from dsl.errors import NurtureError


class ReportWriteError(NurtureError):
    """The report file could not be written (a folder missing, no permission, ...)."""


def write_page(path: str, text: str) -> None:
    """Write `text` to `path` (UTF-8), atomically, with the permissions any new file gets (the
    umask's: a report is made to be shared); `ReportWriteError` names what went wrong."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise ReportWriteError(
            f"{path}: cannot write the report: {err.strerror}",
            hint="give a path in a folder that exists and you may write to",
        ) from None


def check_writable(path: str, option: str = "--html") -> None:
    """Raise `ReportWriteError` now if `path` (given to `option`) cannot be written later (its
    folder is missing or read-only, or it is a folder), so a long run is not lost to a typo."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ReportWriteError(f"{path}: is a folder", hint=f"give {option} a file name")
    if not folder.is_dir():
        raise ReportWriteError(
            f"{path}: cannot write the report: the folder {folder} does not exist",
            hint=f"create the folder first, or give {option} a path in one that exists",
        )
    if not os.access(folder, os.W_OK):
        raise ReportWriteError(f"{path}: cannot write the report: the folder {folder} is read-only")
