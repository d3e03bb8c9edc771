"""Every attribute of the `lead:` block has a column in a leads file, or is said to be absent.

A leads file without a column for an attribute the rules read would give every lead a missing
value there, silently (a run that should have sent 22 actions sent 5): that is an `InputError`
naming the attribute, with the nearest header as a did-you-mean (`Attended` for `attended`).
An attribute a file leaves out on purpose is named in `absent` (`--absent NAME` on `nurture run`
and `nurture score`): new leads have it missing, known leads of a live database keep their stored
value (a file of a few columns updates just those).

For a CSV file the columns are its header, checked before any row is used; for JSON Lines they
are the keys some line has, checked once the file is read (a key no line has is a missing column).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from dsl.diagnostics import did_you_mean
from live.inputs import InputError, Schema

__all__ = ["check_absent", "check_columns"]

OWN = ("id", "created_at")  # the columns every leads file has or may have, not attributes


def check_absent(schema: Schema, absent: Iterable[str]) -> None:
    """Each name given as absent is an attribute of the `lead:` block (else InputError)."""
    for name in absent:
        if name not in schema.attrs:
            hint = did_you_mean(name, schema.attrs)
            known = ", ".join(sorted(schema.attrs)) or "none"
            raise InputError(
                f"--absent {name}: not an attribute of the rules' lead: block "
                + (f"({hint})" if hint else f"(its attributes: {known})")
            )


def check_columns(
    path: str, columns: Collection[str], schema: Schema, absent: Collection[str] = ()
) -> None:
    """InputError naming each attribute of the schema with no column in `columns` (the file's
    header or keys) and not in `absent`, each with the header it may be misspelt as."""
    missing = [a for a in schema.attrs if a not in columns and a not in absent]
    if not missing:
        return
    spare = [c for c in columns if c not in schema.attrs and c not in OWN]
    lines = []
    for name in missing:
        hint = did_you_mean(name, spare)
        lines.append(f"  {name!r}" + (f": {hint}" if hint else ""))
    one = len(missing) == 1
    word = "attribute" if one else "attributes"
    names = " ".join(f"--absent {name}" for name in missing)
    raise InputError(
        f"{path}: no column for the lead: {word} the rules read:\n"
        + "\n".join(lines)
        + f"\n(every lead would have {'it' if one else 'them'} missing; add the column"
        + ("" if one else "s")
        + f", or give {names} if the file leaves "
        + ("it" if one else "them")
        + " out on purpose)"
    )
