"""The leads table's data: filters and sorts over generated `SimulatedLeads` (the simulator's
columns of run 0's leads), with counts worked out by hand from how the rows are made."""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import SimulatedLeads
from tui.leads_data import FilterError, LeadRows, select

NAN = math.nan


def generated(n: int) -> LeadRows:
    """Lead i (id L{i+1}): persona founder when i % 3 == 0, else analyst; stage decision when
    i % 5 == 0, else awareness; segments trial and enterprise when i is odd, else dormant; MQL
    when i % 7 == 0, SQL when i % 35 == 0, customer (deal $6,000) when i % 70 == 0,
    unsubscribed when i % 11 == 0; score i % 97; touches i % 4."""
    i = np.arange(n)
    odd = i % 2 == 1

    def at(when: np.ndarray) -> np.ndarray:
        return np.where(when, 1.77e9 + i, NAN)

    return LeadRows(
        SimulatedLeads(
            run=0,
            ids=[f"L{k + 1}" for k in range(n)],
            index=i.astype(np.int64),
            persona=np.where(i % 3 == 0, 0, 1).astype(np.int16),
            arrived_at=1.767e9 + 60.0 * i,
            stage=np.where(i % 5 == 0, 2, 0).astype(np.int16),
            in_segment=np.stack([odd, odd, ~odd], axis=1),
            score=(i % 97).astype(float),
            mql_at=at(i % 7 == 0),
            sql_at=at(i % 35 == 0),
            customer_at=at(i % 70 == 0),
            unsubscribed_at=at(i % 11 == 0),
            sunset_at=np.full(n, NAN),
            touches=(i % 4).astype(np.int32),
            deal_value=np.where(i % 70 == 0, 6000.0, NAN),
            personas=("founder", "analyst"),
            stages=("awareness", "consideration", "decision"),
            segments=("trial", "enterprise", "dormant"),
        )
    )


def ids(rows: LeadRows, order: np.ndarray) -> list[str]:
    return [rows.lead_id(int(k)) for k in order]


def test_filters_combine() -> None:
    rows = generated(1000)
    # i % 5 == 0 and i odd: i = 5, 15, ..., 995: 100 leads
    assert len(select(rows, "stage:decision segment:trial")) == 100
    # and i % 7 == 0 too: odd multiples of 35 below 1000: 35, 105, ..., 945: 14 leads
    assert len(select(rows, "stage:decision segment:trial lifecycle:mql")) == 14
    assert len(select(rows, "persona:founder")) == 334  # 0, 3, ..., 999
    assert len(select(rows, "lifecycle:customer")) == 15  # 0, 70, ..., 980
    assert len(select(rows, "lifecycle:unsubscribed")) == 91  # 0, 11, ..., 990
    # no MQL, SQL or customer flag: 1000 - 143 (multiples of 7; those of 35 and 70 among them)
    assert len(select(rows, "lifecycle:lead")) == 857


def test_a_bare_word_matches_the_id_in_any_case() -> None:
    rows = generated(200)
    assert ids(rows, select(rows, "l19")) == ["L19", *[f"L{k}" for k in range(190, 200)]]


def test_sorts_by_score_descending_then_lead_order() -> None:
    rows = generated(200)
    order = select(rows, "", "score", descending=True)
    # score 96: i = 96 and 193 (L97, L194), lead order kept within a score
    assert [(rows.lead_id(int(k)), rows.cell(int(k), "score")) for k in order[:3]] == [
        ("L97", "96.0"),
        ("L194", "96.0"),
        ("L96", "95.0"),
    ]


def test_id_sorts_by_number_and_lifecycle_by_how_far() -> None:
    rows = generated(12)
    assert ids(rows, select(rows, "", "id"))[8:11] == ["L9", "L10", "L11"]
    # i = 0 is MQL, SQL and customer; i = 7 MQL; the rest leads
    assert ids(rows, select(rows, "", "lifecycle", descending=True))[:3] == ["L1", "L8", "L2"]


def test_persona_sorts_by_name() -> None:
    rows = generated(4)  # founder, analyst, analyst, founder
    assert ids(rows, select(rows, "", "persona")) == ["L2", "L3", "L1", "L4"]


def test_cells_read_as_a_person_reads_them() -> None:
    rows = generated(71)
    assert [rows.cell(0, c) for c in ("id", "persona", "stage", "lifecycle", "deal")] == [
        "L1",
        "founder",
        "decision",
        "customer unsub",
        "$6,000",
    ]
    assert rows.cell(1, "segments") == "trial,enterprise"
    assert rows.cell(7, "lifecycle") == "MQL"
    assert rows.cell(1, "lifecycle") == "lead"
    assert rows.cell(1, "deal") == ""
    assert rows.cell(1, "arrived") == "2025-12-29 09:21"  # 1,767,000,060 s: 09:21:00 UTC


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
        (
            "segment:trail",
            "no segment 'trail' in this forecast; did you mean segment:trial? "
            "its segments: trial, enterprise, dormant",
        ),
        (
            "stage:won",
            "no stage 'won' in this forecast; its stages: awareness, consideration, decision",
        ),
        (
            "lifecycle:customers",
            "no lifecycle 'customers' in this forecast; did you mean lifecycle:customer? "
            "its lifecycles: lead, mql, sql, customer, unsubscribed, sunset",
        ),
    ],
)
def test_a_wrong_filter_is_named(text: str, message: str) -> None:
    with pytest.raises(FilterError) as err:
        select(generated(3), text)
    assert str(err.value) == message
