"""What the database remembers about how it was run: the seed and the rule files' hashes."""

from __future__ import annotations

import hashlib
import json
import os

from dsl.errors import NurtureError
from live.store import Store


class RunError(NurtureError):
    """The run cannot go on; the message says why and what to do. Nothing was changed."""


def settle_seed(store: Store, wanted: int | None) -> int:
    """The seed fixed at the first run (default 0); asking for another one later is an error."""
    stored = store.get("seed")
    if stored is None:
        return 0 if wanted is None else wanted
    if wanted is not None and wanted != int(stored):
        raise RunError(
            f"{store.path} was started with --seed {stored}; it cannot continue with --seed "
            f"{wanted} (leave --seed out, or use a new database for a new seed)"
        )
    return int(stored)


def rule_hashes(files: list[str]) -> dict[str, str]:
    """{normalised path: sha256 of the file's bytes}."""
    out: dict[str, str] = {}
    for path in files:
        with open(path, "rb") as file:
            out[os.path.normpath(path)] = hashlib.sha256(file.read()).hexdigest()
    return out


def rules_changes(store: Store, hashes: dict[str, str]) -> list[str]:
    """How the rule files differ from the ones the database last ran ("x.nurture (changed)")."""
    stored_text = store.get("rules")
    if stored_text is None:
        return []
    stored: dict[str, str] = json.loads(stored_text)
    changes = []
    for path in sorted(set(stored) | set(hashes)):
        if path not in hashes:
            changes.append(f"{path} (no longer given)")
        elif path not in stored:
            changes.append(f"{path} (new)")
        elif stored[path] != hashes[path]:
            changes.append(f"{path} (changed)")
    if not changes and list(stored) != list(hashes):
        changes.append("the files' order (it was: " + " ".join(stored) + ")")
    return changes


def refuse_changes(store: Store, changes: list[str]) -> None:
    listed = "\n".join(f"  {c}" for c in changes)
    raise RunError(
        f"the rules differ from the last run on {store.path}:\n{listed}\n"
        "run again with --migrate to keep each lead's enrolments by sequence name and step "
        "position (leads in removed steps exit with reason 'rules changed')"
    )
