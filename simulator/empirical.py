"""Read one column of a CSV file for an `empirical` distribution (`simulator/distributions.py`).

The file has a header row; its separator (comma, semicolon or tab) is read from that row. Every
mistake is a `ValueError` whose message names the file and, for a bad cell, its line, so the
scenario loader reports it beside the TOML line that asked for the file.
"""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

MAX_ROWS = 5_000_000  # a column larger than this is refused (memory), not read silently in part


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


Column = tuple[float, ...] | tuple[str, ...]


def read_column(
    file: str, column: str, where: dict[str, str], base: str | Path = "."
) -> tuple[Column, str | None]:
    """The non-empty cells of `column` in the rows matching `where` (exact text, surrounding
    spaces ignored): numbers when every one is a number, else text; and, for text, where the
    first cell that is not a number is (`FILE:LINE: 'cell'`), for messages."""
    path = Path(file)
    if not path.is_absolute():
        path = Path(base) / path
    try:
        with path.open(encoding="utf-8", newline="") as f:
            header = f.readline()
            f.seek(0)
            rows = csv.reader(f, delimiter=_separator(header))
            names = [n.strip() for n in next(rows, [])]
            wanted = _index(names, [column, *where], path)
            cells = _cells(rows, wanted, where, path)
    except OSError as err:
        raise ValueError(f"cannot read {file!r}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{file!r} is not UTF-8 text") from None
    if not cells:
        rule = " with " + ", ".join(f"{k} = {v!r}" for k, v in where.items()) if where else ""
        raise ValueError(f"{path}: column {column!r} has no value in any row{rule}")
    numbers = [_number(c) for c, _ in cells]
    if all(x is not None for x in numbers):
        return tuple(x for x in numbers if x is not None), None
    cell, line = next((c, n) for (c, n), x in zip(cells, numbers, strict=True) if x is None)
    return tuple(c for c, _ in cells), f"{path}:{line}: {cell!r}"


def _index(names: list[str], columns: list[str], path: Path) -> list[int]:
    out = []
    for name in columns:
        if name not in names:
            near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else f" (it has {', '.join(names)})"
            raise ValueError(f"{path}: no column {name!r}{hint}")
        out.append(names.index(name))
    return out


def _cells(rows, wanted: list[int], where: dict[str, str], path: Path) -> list[tuple[str, int]]:
    """(cell, line) of the column in every matching row (line 1 is the header)."""
    keep = [(i, str(v).strip()) for i, v in zip(wanted[1:], where.values(), strict=True)]
    target = wanted[0]
    out: list[tuple[str, int]] = []
    for line, row in enumerate(rows, start=2):
        if len(row) <= max(wanted):
            if any(cell.strip() for cell in row):
                raise ValueError(f"{path}:{line}: {len(row)} cells, fewer than the header's")
            continue  # a blank line
        if all(row[i].strip() == v for i, v in keep):
            cell = row[target].strip()
            if cell:
                out.append((cell, line))
                if len(out) > MAX_ROWS:
                    raise ValueError(f"{path}: more than {MAX_ROWS:,} values in {path.name}")
    return out
