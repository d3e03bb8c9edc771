"""The leads table's data: filters and sorts over generated rows of the simulator's per-lead
shape (id, persona, arrival, stage, flags, segments, score, touches, deal)."""

from __future__ import annotations

import pytest

from tui.leads_data import FilterError, LeadRows, select


def generated(n: int) -> LeadRows:
    """Lead i+1: stage decision when i % 5 == 0; segment trial when i is odd; mql when i % 7
    == 0; persona 'founder' when i % 3 == 0; score i % 97."""
    return LeadRows.from_columns(
        {
            "id": [f"L{i + 1}" for i in range(n)],
            "persona": ["founder" if i % 3 == 0 else "analyst" for i in range(n)],
            "stage": ["decision" if i % 5 == 0 else "awareness" for i in range(n)],
            "segments": ["trial;enterprise" if i % 2 else "dormant" for i in range(n)],
            "flags": ["mql" if i % 7 == 0 else "" for i in range(n)],
            "score": [float(i % 97) for i in range(n)],
            "touches": [i % 4 for i in range(n)],
        }
    )


def test_filters_combine() -> None:
    rows = generated(1000)
    # i % 5 == 0 and i odd: i = 5, 15, ..., 995: 100 leads
    assert len(select(rows, "stage:decision segment:trial")) == 100
    # and i % 7 == 0 too: i odd multiples of 35 below 1000: 35, 105, ..., 945: 14 leads
    assert len(select(rows, "stage:decision segment:trial lifecycle:mql")) == 14
    assert len(select(rows, "persona:founder")) == 334


def test_a_segment_matches_whole_names_only() -> None:
    rows = generated(10)
    assert len(select(rows, "segment:trial")) == 5
    assert len(select(rows, "segment:tri")) == 0


def test_a_bare_word_matches_the_id() -> None:
    rows = generated(200)
    picked = [str(rows.columns["id"][i]) for i in select(rows, "L19")]
    assert picked == [
        "L19",
        "L190",
        "L191",
        "L192",
        "L193",
        "L194",
        "L195",
        "L196",
        "L197",
        "L198",
        "L199",
    ]


def test_sorts_by_score_then_id_order() -> None:
    rows = generated(200)
    order = select(rows, "", "score", descending=True)
    top = [(str(rows.columns["id"][i]), rows.cell(i, "score")) for i in order[:3]]
    assert top == [("L194", "96.0"), ("L97", "96.0"), ("L193", "95.0")]


def test_id_sorts_by_number() -> None:
    rows = generated(12)
    order = select(rows, "", "id")
    assert [str(rows.columns["id"][i]) for i in order][8:11] == ["L9", "L10", "L11"]


def test_100k_rows_filter() -> None:
    rows = generated(100_000)
    # i % 5 == 0 and odd: i = 5 + 10k for k in 0..9999
    assert len(select(rows, "stage:decision segment:trial")) == 10_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "colour:red",
            "unknown filter 'colour:'; use segment:, stage:, lifecycle:, persona: "
            "or a word of the id",
        ),
        ("stage:", "'stage:' needs a value, e.g. stage:decision"),
    ],
)
def test_a_wrong_filter_is_named(text: str, message: str) -> None:
    with pytest.raises(FilterError) as err:
        select(generated(3), text)
    assert str(err.value) == message


def test_missing_columns_read_as_dashes() -> None:
    rows = LeadRows.from_columns({"id": ["L1"]})
    assert [rows.cell(0, c) for c in ("persona", "stage", "score", "deal")] == ["", "", "-", "-"]
