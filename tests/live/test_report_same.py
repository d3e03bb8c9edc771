"""The report's reading of the database was rewritten for speed (bulk reads, `report_scan`); every
figure must stay exactly what the row-by-row reading gave. The JSON reports of the shipped sample
run live (as in `test_report_sample.py`), whole and with `--since`, are compared field by field
with the ones the row-by-row reader wrote (main at 766dc8a, before the change), kept in
`data/report_sample*.json`: the same keys, the same numbers to the last bit. The matching of
responses to touches, rewritten as two stable sorts, is checked against its definition."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from samplekit import RULES, main_in, sample_live

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_live(tmp_path_factory.mktemp("sample"))


def _differences(expected: object, actual: object, where: str = "") -> list[str]:
    """Where two JSON values differ (a float only when its bits do)."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{where}.{k}: missing" for k in expected if k not in actual]
        out += [f"{where}.{k}: extra" for k in actual if k not in expected]
        for key in expected.keys() & actual.keys():
            out += _differences(expected[key], actual[key], f"{where}.{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [
            d
            for i, (e, a) in enumerate(zip(expected, actual, strict=True))
            for d in _differences(e, a, f"{where}[{i}]")
        ]
    return (
        []
        if expected == actual and type(expected) is type(actual)
        else [f"{where}: {expected!r} != {actual!r}"]
    )


@pytest.mark.parametrize(
    ("name", "extra"),
    [("report_sample.json", ()), ("report_sample_since.json", ("--since", "2026-02-01T00:00:00Z"))],
)
def test_every_figure_is_the_row_by_row_readers(
    live: Path, name: str, extra: tuple[str, ...]
) -> None:
    code, out = main_in(live, "report", RULES, "--db", "live.db", "--json", *extra)
    assert code == 0
    actual = json.loads(out)
    expected = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert len(expected["actual"]["scalars"]) > 300  # the fixture is a whole report
    assert _differences(expected, actual) == []


def _latest_by_hand(
    t_key: list[int], t_at: list[float], r_key: list[int], r_at: list[float]
) -> list[int]:
    """The definition, one response at a time: the touch of the same key at or before it with
    the latest time, the last given of those at that time; -1 if none."""
    out = []
    for key, at in zip(r_key, r_at, strict=True):
        best = -1
        for i, (k, t) in enumerate(zip(t_key, t_at, strict=True)):
            if k == key and t <= at and (best < 0 or t >= t_at[best]):
                best = i
        out.append(best)
    return out


@given(
    touches=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from([0.0, 1.0, 1.5, 2.0, 7.25])), max_size=25
    ),
    responses=st.lists(
        st.tuples(st.integers(0, 4), st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 9.0])), max_size=25
    ),
)
@settings(max_examples=300, deadline=None)
def test_a_response_answers_the_latest_touch_of_its_key_at_or_before_it(
    touches: list[tuple[int, float]], responses: list[tuple[int, float]]
) -> None:
    from live.kpis_leads import _latest_before

    t_key, t_at = [k for k, _ in touches], [t for _, t in touches]
    r_key, r_at = [k for k, _ in responses], [t for _, t in responses]
    found = _latest_before(
        np.array(t_key, dtype=np.int64),
        np.array(t_at, dtype=np.float64),
        np.array(r_key, dtype=np.int64),
        np.array(r_at, dtype=np.float64),
    )
    assert found.tolist() == _latest_by_hand(t_key, t_at, r_key, r_at)


def test_latest_touch_by_hand_on_ties() -> None:
    """Two touches of key 1 at time 2 (indices 1 and 2): a response at 2 answers the later given;
    one at 1.5 the touch at 1 (index 0); one of key 0, none."""
    from live.kpis_leads import _latest_before

    found = _latest_before(
        np.array([1, 1, 1]),
        np.array([1.0, 2.0, 2.0]),
        np.array([1, 1, 0, 1]),
        np.array([2.0, 1.5, 5.0, 0.5]),
    )
    assert found.tolist() == [2, 0, -1, -1]
