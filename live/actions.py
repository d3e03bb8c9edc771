"""The actions file: a copy of the outbox, written idempotently after each committed batch.

The database keeps a marker, `actions_path` / `actions_seq` / `actions_bytes`: the file named
there holds exactly the outbox rows up to `actions_seq`, in `actions_bytes` bytes. At the start of
a run the file is cut back to the marker (whatever a killed run wrote past it is written again,
identically) or, when it is not the file the marker describes (another path, shorter, a different
last line), it is rewritten from the whole outbox. So after any number of crashes and restarts
the file is the outbox, once, in order: no action is missing and none appears twice.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from live.store import Store


class ActionsFile:
    """Writes outbox rows to a JSON Lines file and remembers how far it got."""

    def __init__(self, store: Store, path: str) -> None:
        self.store = store
        self.path = path
        self.seq = 0
        self.bytes = 0

    def open(self) -> None:
        """Bring the file up to date with the outbox as committed so far."""
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory):
            raise OSError(f"{self.path}: folder {directory} does not exist")
        if os.path.isdir(self.path):
            raise OSError(f"{self.path}: is a directory")
        if self._marker_matches():
            with open(self.path, "r+b") as file:
                file.truncate(self.bytes)
        else:
            self._rewrite()
        self.write_new()

    def marker(self) -> dict[str, object]:
        return {
            "actions_path": os.path.abspath(self.path),
            "actions_seq": str(self.seq),
            "actions_bytes": str(self.bytes),
        }

    def write_new(self) -> int:
        """Append every outbox row past the marker; returns how many."""
        rows = list(self.store.outbox_after(self.seq))
        if not rows:
            return 0
        data = "".join(line + "\n" for _, line in rows).encode("utf-8")
        with open(self.path, "ab") as file:
            file.write(data)
            file.flush()
        self.seq = rows[-1][0]
        self.bytes += len(data)
        return len(rows)

    def close(self) -> None:
        """Make the file durable and record the marker."""
        if os.path.exists(self.path):
            with open(self.path, "rb+") as file:
                os.fsync(file.fileno())
        self.store.set_meta(self.marker())

    def _marker_matches(self) -> bool:
        path = self.store.get("actions_path")
        seq = int(self.store.get("actions_seq") or 0)
        size = int(self.store.get("actions_bytes") or 0)
        if path != os.path.abspath(self.path) or not os.path.isfile(self.path):
            return False
        if os.path.getsize(self.path) < size:
            return False
        if seq and not self._last_line_is(seq, size):
            return False
        self.seq, self.bytes = seq, size
        return True

    def _last_line_is(self, seq: int, size: int) -> bool:
        expected = self.store.outbox_line(seq)
        if expected is None:
            return False
        tail = (expected + "\n").encode("utf-8")
        if size < len(tail):
            return False
        with open(self.path, "rb") as file:
            file.seek(size - len(tail))
            return file.read(len(tail)) == tail

    def _rewrite(self) -> None:
        temp = self.path + ".tmp"
        with open(temp, "wb") as file:
            file.flush()
        os.replace(temp, self.path)
        self.seq, self.bytes = 0, 0


class EchoActions:
    """No actions file: this run's new actions go to a stream (stdout) after each commit."""

    def __init__(self, store: Store, stream: TextIO) -> None:
        self.store = store
        self.stream = stream
        self.seq = store.last_seq()

    def open(self) -> None:
        return None

    def marker(self) -> dict[str, object]:
        return {}

    def write_new(self) -> int:
        rows = list(self.store.outbox_after(self.seq))
        for seq, line in rows:
            self.stream.write(line + "\n")
            self.seq = seq
        self.stream.flush()
        return len(rows)

    def close(self) -> None:
        return None
