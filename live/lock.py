"""One run at a time per database: an exclusive lock on `<db>.lock`, held for the run's lifetime.

The lock is `flock(2)` on a small file beside the database; the kernel drops it when the process
ends, however it ends, so a killed run never leaves a database locked. The file itself is removed
when the run lets go of the lock (a finished or failed run leaves no `.lock` behind). Removing a
lock file while another process may be opening it is the classic race (that process would lock the
removed file, a third one a new file of the same name): so a process that has taken the lock
checks that the file it holds is still the one at the path, and starts again when it is not.

`wait`: when another run holds the lock, poll until it lets go (`--wait`), telling the caller once
(`on_wait`), instead of refusing at once.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from typing import IO

from live.dberrors import WAIT_HINT, LockedError, StoreError

POLL_SECONDS = 0.2  # how often a waiting run tries the lock again


class RunLock:
    """The lock on `<db>.lock`; `release()` removes the file and lets go."""

    def __init__(self, path: str, wait: bool = False, on_wait: Callable[[], None] | None = None):
        self.path = path + ".lock"
        self.db = path
        self.file: IO[str] | None = None
        told = False
        while self.file is None:
            file = self._open()
            if _try_lock(file):
                if _same_file(file, self.path):
                    self.file = file
                    break
                file.close()  # its holder removed it as we opened it: take the new one
                continue
            file.close()
            if not wait:
                raise LockedError(
                    f"{path}: another nurture run is using this database",
                    hint=WAIT_HINT,
                )
            if not told and on_wait is not None:
                on_wait()
                told = True
            time.sleep(POLL_SECONDS)

    def _open(self) -> IO[str]:
        try:
            return open(self.path, "a+")  # noqa: SIM115 - held until release()
        except OSError as err:
            raise StoreError(f"{self.db}: cannot open the database ({err.strerror})") from None

    def release(self) -> None:
        """Remove the lock file, then let go of the lock (in this order: whoever takes the
        lock next finds either our file, which it sees is gone, or none)."""
        if self.file is None:
            return
        try:
            os.unlink(self.path)
        except OSError:
            pass  # already gone, or a read-only folder: the lock itself still ends below
        self.file.close()
        self.file = None


def _try_lock(file: IO[str]) -> bool:
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _same_file(file: IO[str], path: str) -> bool:
    """Whether the open file is still the one at `path` (not removed or replaced meanwhile)."""
    try:
        at_path = os.stat(path)
    except OSError:
        return False
    held = os.fstat(file.fileno())
    return (held.st_dev, held.st_ino) == (at_path.st_dev, at_path.st_ino)
