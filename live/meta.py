"""What the database remembers about how it was run: the seed and the rule files' identities.

A rule file's identity is the SHA-256 of its bytes and, for a file that declares params, the values
in force (DSL.md, Parameters): `HASH+params:mql_at=60;first_wait=2d`. A changed value is a changed
rule file, refused without --migrate like any other change; a file without params keeps the bare
hash it always had.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING

from dsl.errors import NurtureError
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program

PARAMS = "+params:"  # between a file's hash and its params in force


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


def rule_hashes(files: list[str], programs: list[Program] | None = None) -> dict[str, str]:
    """{normalised path: sha256 of the file's bytes, then the params in force when `programs`
    (the checked files, in the same order) declare any}."""
    from dsl.params import identity

    out: dict[str, str] = {}
    for n, path in enumerate(files):
        with open(path, "rb") as file:
            digest = hashlib.sha256(file.read()).hexdigest()
        if programs is not None and programs[n].params:
            digest += PARAMS + identity(programs[n])
        out[os.path.normpath(path)] = digest
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
            changes.append(f"{path} ({_change(stored[path], hashes[path])})")
    if not changes and list(stored) != list(hashes):
        changes.append("the files' order (it was: " + " ".join(stored) + ")")
    return changes


def _change(before: str, now: str) -> str:
    """What changed in a file's identity: its text, or only the values of its params."""
    text_before, _, params_before = before.partition(PARAMS)
    text_now, _, params_now = now.partition(PARAMS)
    if text_before != text_now:
        return "changed"
    old, new = _values(params_before), _values(params_now)
    changed = [
        f"{name} {old.get(name, '(none)')} -> {new.get(name, '(none)')}"
        for name in dict.fromkeys([*new, *old])
        if old.get(name) != new.get(name)
    ]
    return "param values changed: " + ", ".join(changed)


def _values(identity: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in identity.split(";") if "=" in item)


def refuse_changes(store: Store, changes: list[str]) -> None:
    listed = "\n".join(f"  {c}" for c in changes)
    raise RunError(
        f"the rules differ from the last run on {store.path}:\n{listed}\n"
        "run again with --migrate to keep each lead's enrolments by sequence name and step "
        "position (leads in removed steps exit with reason 'rules changed')"
    )
