"""What the database remembers about how it was run: the seed and the rule files' identities.

A rule file is identified by its campaign name and its content, never by its path: the same file
moved, copied to another folder or given by another path runs on the same database as before.
The database keeps, per file, `{campaign: HASH[+params:...]+path:PATH}`:

- the key is the file's `campaign` name (`NAME #2`, `#3`, ... for a name given again);
- `HASH` is the SHA-256 of the file's bytes and, for a file that declares params, `+params:`
  and the values in force (DSL.md, Parameters): `HASH+params:mql_at=60;first_wait=2d`. A changed
  value is a changed rule file, refused without --migrate like any other change;
- `+path:` and the path the file was last given by: only to name it in messages, never compared.

A file given now is the stored one with the same campaign name, else the one with the same
content (a database written before campaigns were keys has paths for keys), else the one last
given by the same path. Then a file whose identity differs is "changed", one with no stored match
"new", a stored one with no match "no longer given".
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import TYPE_CHECKING, NamedTuple

from dsl.errors import NurtureError
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program

PARAMS = "+params:"  # between a file's hash and its params in force
PATH = "+path:"  # before the path the file was given by (not part of its identity)


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
    """{campaign name: sha256 of the file's bytes, then the params in force when `programs` (the
    checked files, in the same order) declare any, then the path}. Without `programs`, or for a
    file with no campaign name, the key is the path."""
    from dsl.params import identity

    out: dict[str, str] = {}
    for n, path in enumerate(files):
        with open(path, "rb") as file:
            digest = hashlib.sha256(file.read()).hexdigest()
        program = programs[n] if programs is not None else None
        if program is not None and program.params:
            digest += PARAMS + identity(program)
        shown = os.path.normpath(path)
        key = program.campaign if program is not None and program.campaign else shown
        copy = 1
        while (key if copy == 1 else f"{key} #{copy}") in out:
            copy += 1
        out[key if copy == 1 else f"{key} #{copy}"] = digest + PATH + shown
    return out


class _File(NamedTuple):
    key: str
    identity: str  # HASH[+params:...]
    path: str  # as last given (the key, for a database written before paths were kept)


def _files(hashes: dict[str, str]) -> list[_File]:
    out = []
    for key, value in hashes.items():
        identity, _, path = value.partition(PATH)
        out.append(_File(key, identity, path or key))
    return out


def match_files(stored: list[_File], given: list[_File]) -> dict[int, int]:
    """{index in `given`: index in `stored`}: by campaign name, else by content, else by path."""
    pairs: dict[int, int] = {}
    for same in (
        lambda s, g: s.key == g.key,
        lambda s, g: s.identity == g.identity,
        lambda s, g: s.path == g.path,
    ):
        for gi, g in enumerate(given):
            if gi in pairs:
                continue
            for si, s in enumerate(stored):
                if si not in pairs.values() and same(s, g):
                    pairs[gi] = si
                    break
    return pairs


def rules_changes(store: Store, hashes: dict[str, str]) -> list[str]:
    """How the rule files differ from the ones the database last ran ("x.nurture (changed)")."""
    stored_text = store.get("rules")
    if stored_text is None:
        return []
    stored, given = _files(json.loads(stored_text)), _files(hashes)
    pairs = match_files(stored, given)
    changes = []
    for gi, g in enumerate(given):
        if gi not in pairs:
            changes.append(f"{g.path} (new)")
        elif stored[pairs[gi]].identity != g.identity:
            changes.append(f"{g.path} ({_change(stored[pairs[gi]].identity, g.identity)})")
    gone = sorted(set(range(len(stored))) - set(pairs.values()))
    changes += [f"{stored[si].path} (no longer given)" for si in gone]
    order = [pairs[gi] for gi in sorted(pairs)]
    if not changes and order != sorted(order):
        changes.append("the files' order (it was: " + " ".join(s.path for s in stored) + ")")
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
