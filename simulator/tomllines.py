"""Map a field path (as pydantic reports it) to the line of a TOML file that set it.

`tomllib` keeps no positions, so this reads the text once: table headers (`[a.b]`, `[[a]]` with
their array index), `key = value` lines and the keys of inline tables on those lines. Good enough
to point a strategist at the right line; exotic TOML (multi-line strings holding `=`) may point at
the table instead of the key, never at a wrong table.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\.\"' ]+?)\s*=")
_INLINE_KEY = re.compile(r"[{,]\s*(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_\-]+)\s*=")

Path = tuple[object, ...]


def _split_key(text: str) -> list[str]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[^.]+", text)
    return [p.strip().strip("\"'") for p in parts if p.strip()]


def _table_path(keys: list[str], is_array: bool, counts: dict[tuple[str, ...], int]) -> Path:
    """Resolve a header to a full path, numbering arrays of tables."""
    path: list[object] = []
    for i, key in enumerate(keys):
        path.append(key)
        prefix = tuple(keys[: i + 1])
        last = i == len(keys) - 1
        if is_array and last:
            counts[prefix] = counts.get(prefix, -1) + 1
            path.append(counts[prefix])
        elif prefix in counts:  # a sub-table of the latest element of an array of tables
            path.append(counts[prefix])
    return tuple(path)


def line_index(text: str) -> dict[Path, int]:
    """Every table and key path in the file -> its 1-based line number."""
    index: dict[Path, int] = {}
    counts: dict[tuple[str, ...], int] = {}
    table: Path = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _table_path(_split_key(header.group(2)), header.group(1) == "[[", counts)
            index.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if not key or line.lstrip().startswith("#"):
            continue
        path = table + tuple(_split_key(key.group(1)))
        index.setdefault(path, number)
        rest = line[key.end() :]
        for inner in _INLINE_KEY.finditer(rest):
            index.setdefault(path + (inner.group(1).strip("\"'"),), number)
    return index


def line_of(index: dict[Path, int], loc: Path) -> int | None:
    """The line of the longest known prefix of `loc` (skipping parts the file does not spell,
    such as a distribution's tag)."""
    prefixes = {key[:n] for key in index for n in range(1, len(key) + 1)}
    best: int | None = None
    prefix: Path = ()
    for part in loc:
        candidate = prefix + (part,)
        if candidate in prefixes:
            prefix = candidate
            best = index.get(candidate, best)
    if best is None and loc:
        best = min((line for key, line in index.items() if key[:1] == loc[:1]), default=None)
    return best


def dotted(loc: Path) -> str:
    """`('personas', 0, 'share')` -> `personas[0].share`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
