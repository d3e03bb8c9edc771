"""Where each key and value of a TOML file stands: (line, column) spans by key path.

`tomllib` gives values but no positions, so this reads the text a second time, after `tomllib`
accepted it (so it may assume valid TOML): table headers (`[a.b]`, `[[a]]`, numbered per array),
`key = value` lines with dotted keys, and inside values the arrays and inline tables, to any depth.
A path is the one `tomllib`'s result is indexed by: `("case", 0, "events", 2, "type")`.
Strings of every kind (basic, literal, multi-line) are skipped as a whole, so a `#`, `=` or `]`
inside one is never taken for structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
    r"|[A-Za-z0-9_:.+-]+"
)
_STRINGS = (
    ('"""', re.compile(r'"""(?:\\.|[^\\])*?"""(?!")|"""(?:\\.|[^\\])*?""""{1,2}', re.S)),
    ("'''", re.compile(r"'''.*?'''(?!')|'''.*?''''{1,2}", re.S)),
    ('"', re.compile(r'"(?:\\.|[^"\\\n])*"')),
    ("'", re.compile(r"'[^'\n]*'")),
)


@dataclass(frozen=True, slots=True)
class Place:
    """1-based line and column of a start, and of the character after the end."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Spans:
    keys: dict[Path, Place]  # where a key (or a table header) is written
    values: dict[Path, Place]  # where its value is written (a header: the header itself)

    def of(self, path: Path) -> Place:
        """The value at `path`, else its key, else the nearest enclosing thing that is written."""
        for n in range(len(path), 0, -1):
            place = self.values.get(path[:n]) or self.keys.get(path[:n])
            if place is not None:
                return place
        return Place(1, 1, 1, 2)

    def key(self, path: Path) -> Place:
        """The key at `path` (for an unknown key), else as `of`."""
        return self.keys.get(path) or self.of(path)


def spans(text: str) -> Spans:
    """Every key and value of a TOML text `tomllib` accepted, by path."""
    reader = _Reader(text)
    reader.document()
    return Spans(reader.keys, reader.values)


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.i = 0
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.keys: dict[Path, Place] = {}
        self.values: dict[Path, Place] = {}
        self.counts: dict[Path, int] = {}  # array-of-tables path -> its last index

    # -------------------------------------------------------------- positions

    def where(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:  # the last line start <= offset
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - self.starts[lo] + 1

    def place(self, start: int, end: int) -> Place:
        line, column = self.where(start)
        end_line, end_column = self.where(end)
        return Place(line, column, end_line, end_column)

    # -------------------------------------------------------------- lexing

    def skip(self, newlines: bool) -> None:
        """Spaces, tabs and comments; line ends too when `newlines`."""
        text, n = self.text, len(self.text)
        while self.i < n:
            ch = text[self.i]
            if ch in " \t\r" or (newlines and ch == "\n"):
                self.i += 1
            elif ch == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            else:
                return

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.i)

    def key_path(self) -> list[tuple[str, int, int]]:
        """A dotted key: each part with its start and end offsets."""
        parts = []
        while True:
            self.skip(newlines=False)
            start = self.i
            string = self._string()
            if string is not None:
                name = _unquote(string)
            else:
                m = _BARE_KEY.match(self.text, self.i)
                if m is None:
                    raise ValueError(f"no key at offset {self.i}")
                name, self.i = m.group(0), m.end()
            parts.append((name, start, self.i))
            self.skip(newlines=False)
            if not self.peek("."):
                return parts
            self.i += 1

    def _string(self) -> str | None:
        for opener, pattern in _STRINGS:
            if self.peek(opener):
                m = pattern.match(self.text, self.i)
                if m is None:
                    raise ValueError(f"unclosed string at offset {self.i}")
                self.i = m.end()
                return m.group(0)
        return None

    # -------------------------------------------------------------- structure

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.text):
                return
            if self.peek("["):
                table = self.header()
            else:
                self.pair(table)

    def header(self) -> Path:
        start = self.i
        array = self.peek("[[")
        self.i += 2 if array else 1
        names = [name for name, _, _ in self.key_path()]
        self.skip(newlines=False)
        self.i += 2 if array else 1
        path: list[str | int] = []
        for n, name in enumerate(names):
            path.append(name)
            key = tuple(path)  # numbered by the elements of the arrays above it
            if array and n == len(names) - 1:
                self.counts[key] = self.counts.get(key, -1) + 1
                path.append(self.counts[key])
            elif key in self.counts:  # a table inside the latest element of an array
                path.append(self.counts[key])
        place = self.place(start, self.i)
        self.keys.setdefault(tuple(path), place)
        self.values.setdefault(tuple(path), place)
        return tuple(path)

    def pair(self, table: Path) -> None:
        parts = self.key_path()
        path = table + tuple(name for name, _, _ in parts)
        self.keys[path] = self.place(parts[0][1], parts[-1][2])
        self.skip(newlines=False)
        self.i += 1  # "="
        self.skip(newlines=False)
        self.value(path)

    def value(self, path: Path) -> None:
        start = self.i
        if self.peek("["):
            self.i += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if self.peek("]"):
                    break
                self.value(path + (index,))
                index += 1
                self.skip(newlines=True)
                if self.peek(","):
                    self.i += 1
            self.i += 1
        elif self.peek("{"):
            self.i += 1
            while True:
                self.skip(newlines=False)
                if self.peek("}"):
                    break
                self.pair(path)
                self.skip(newlines=False)
                if self.peek(","):
                    self.i += 1
            self.i += 1
        elif self._string() is None:
            m = _SCALAR.match(self.text, self.i)
            if m is None:
                raise ValueError(f"no value at offset {self.i}")
            self.i = m.end()
        self.values[path] = self.place(start, self.i)


def _unquote(token: str) -> str:
    """A quoted key's name (keys with escapes other than \\" and \\\\ are rare enough)."""
    body = token[1:-1]
    if token[0] == '"':
        body = body.replace('\\"', '"').replace("\\\\", "\\")
    return body
