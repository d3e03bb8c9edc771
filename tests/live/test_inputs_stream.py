"""Input files are read a block at a time: line numbers, line ends and UTF-8 across blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

import live.inputs
from live.inputs import InputError, text_lines


def lines_of(tmp_path: Path, data: bytes) -> list[tuple[int, str]]:
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    return list(text_lines(str(path)))


def test_an_empty_file_has_no_lines(tmp_path: Path) -> None:
    assert lines_of(tmp_path, b"") == []


@pytest.mark.parametrize("block", [1, 2, 3, 1 << 20])
def test_lines_across_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(live.inputs, "BLOCK", block)
    data = "\ufeffa,b\r\n\nsé\nlast".encode()
    assert lines_of(tmp_path, data) == [(1, "a,b"), (2, ""), (3, "sé"), (4, "last")]
    assert lines_of(tmp_path, b"x\n") == [(1, "x")]


def test_not_utf8_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(live.inputs, "BLOCK", 4)
    with pytest.raises(InputError) as err:
        lines_of(tmp_path, b"ok\nfine\nbad \xff here\n")
    assert str(err.value) == f"{tmp_path / 'f.txt'}: not UTF-8 text (line 3)"
