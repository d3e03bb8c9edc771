"""A synthetic live history for the report and replay benchmarks (`bench_report.py`).

Leads of the B2B playbook arrive evenly over `days`; each then does about `per_lead` things over
the next 60 days: opens and clicks of the playbook's contents (on their channel), visits (some of
the pricing page), webinars, demo requests, replies, a few bounces, at most one unsubscribe, and
3% buy (one `converted` with a value). The behaviour is drawn independently of what nurture
sends (this is for timing, not for the figures), from a seeded generator: same seed, same files.

The events are written in time order, in `chunks` files, with each chunk's new leads beside it,
so the database is built the way a live campaign builds it: one `nurture run` a chunk (each
resuming the last), never holding the whole history in memory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

T0 = 1767571200.0  # 2026-01-05T00:00:00Z, a Monday
DAY = 86400.0
CONTENTS = (
    ("welcome", "email"),
    ("feature_spotlight", "email"),
    ("case_study", "email"),
    ("quick_tips", "sms"),
    ("webinar_invite", "email"),
    ("consultation", "email"),
)
# event kind, share of a lead's events
KINDS = (
    ("opened", 0.40),
    ("clicked", 0.12),
    ("visited", 0.36),
    ("webinar_attended", 0.05),
    ("demo_requested", 0.03),
    ("replied", 0.02),
    ("bounced", 0.02),
)
SOURCES = ("trial_signup", "webinar", "trade_show", "organic")
INDUSTRIES = ("tech", "finance", "retail", "healthcare", "media")


@dataclass(frozen=True)
class Chunk:
    leads: str  # CSV of the leads created in this chunk
    events: str  # JSON Lines, time order
    until: float  # the chunk's last event time
    n_events: int


def iso(t: float) -> str:
    from engine import format_time

    return format_time(t)


def write_history(
    folder: str, leads: int, per_lead: int, days: int = 180, chunks: int = 10, seed: int = 7
) -> list[Chunk]:
    """Writes the chunk files; returns them in order."""
    rng = np.random.default_rng(seed)
    created = np.sort(T0 + np.floor(rng.uniform(0, days * DAY, leads)))
    lead_idx, times, kinds = _events(rng, created, per_lead)
    order = np.lexsort((lead_idx, times))
    lead_idx, times, kinds = lead_idx[order], times[order], kinds[order]
    extra = rng.integers(0, 1 << 30, len(times))  # content picks, pages, values
    bounds = np.linspace(0, len(times), chunks + 1).astype(np.int64)
    out: list[Chunk] = []
    made = 0
    for c in range(chunks):
        lo, hi = int(bounds[c]), int(bounds[c + 1])
        until = float(times[hi - 1])
        last_lead = int(np.searchsorted(created, until, side="right"))
        if c == chunks - 1:  # every lead, even one created after the last event
            last_lead, until = leads, max(until, float(created[-1]))
        lead_path = os.path.join(folder, f"leads_{c:02d}.csv")
        event_path = os.path.join(folder, f"events_{c:02d}.jsonl")
        _write_leads(lead_path, rng, created, made, last_lead)
        made = last_lead
        _write_events(event_path, lead_idx[lo:hi], times[lo:hi], kinds[lo:hi], extra[lo:hi], lo)
        out.append(Chunk(lead_path, event_path, until, hi - lo))
    return out


def _events(
    rng: np.random.Generator, created: np.ndarray, per_lead: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lead index, time, kind code) of every event; kind codes index KINDS, then 7 signed_up,
    8 unsubscribed, 9 converted."""
    n = len(created)
    counts = rng.poisson(per_lead - 1, n)
    lead_idx = np.repeat(np.arange(n, dtype=np.int64), counts)
    times = created[lead_idx] + 120 + np.floor(rng.uniform(0, 60 * DAY, len(lead_idx)))
    shares = np.array([share for _, share in KINDS])
    kinds = rng.choice(len(KINDS), size=len(lead_idx), p=shares / shares.sum())
    signed = np.flatnonzero(rng.random(n) < 0.6)  # trial sign-ups, a minute after arrival
    unsub = np.flatnonzero(rng.random(n) < 0.01)
    bought = np.flatnonzero(rng.random(n) < 0.03)
    lead_idx = np.concatenate([lead_idx, signed, unsub, bought])
    times = np.concatenate(
        [
            times,
            created[signed] + 60,
            created[unsub] + np.floor(rng.uniform(DAY, 40 * DAY, len(unsub))),
            created[bought] + np.floor(rng.uniform(5 * DAY, 70 * DAY, len(bought))),
        ]
    )
    kinds = np.concatenate(
        [
            kinds,
            np.full(len(signed), 7),
            np.full(len(unsub), 8),
            np.full(len(bought), 9),
        ]
    )
    return lead_idx, times, kinds


def _write_leads(
    path: str, rng: np.random.Generator, created: np.ndarray, lo: int, hi: int
) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("id,created_at,company_size,industry,title,email,source\n")
        for i in range(lo, hi):
            size = int(rng.integers(5, 2000))
            title = "VP Marketing" if rng.random() < 0.2 else "Analyst"
            email = "someone@gmail.com" if rng.random() < 0.3 else f"u{i}@example.com"
            source = SOURCES[0] if rng.random() < 0.6 else SOURCES[int(rng.integers(1, 4))]
            out.write(
                f"L{i},{iso(created[i])},{size},{INDUSTRIES[i % 5]},{title},{email},{source}\n"
            )


def _write_events(
    path: str,
    lead_idx: np.ndarray,
    times: np.ndarray,
    kinds: np.ndarray,
    extra: np.ndarray,
    first: int,
) -> None:
    names = [k for k, _ in KINDS] + ["signed_up", "unsubscribed", "converted"]
    stamps: dict[float, str] = {}
    with open(path, "w", encoding="utf-8") as out:
        for n, (i, t, k, x) in enumerate(
            zip(lead_idx.tolist(), times.tolist(), kinds.tolist(), extra.tolist(), strict=True)
        ):
            stamp = stamps.get(t)
            if stamp is None:
                if len(stamps) > 100_000:
                    stamps.clear()
                stamp = stamps[t] = iso(t)
            out.write(
                f'{{"id": "e{first + n}", "lead": "L{i}", "type": "{names[k]}", '
                f'"at": "{stamp}"{_props(names[k], x)}}}\n'
            )


def _props(kind: str, x: int) -> str:
    if kind in ("opened", "clicked", "replied", "bounced"):
        content, channel = CONTENTS[x % len(CONTENTS)]
        return f', "props": {{"content": "{content}", "channel": "{channel}"}}'
    if kind == "visited":
        return ', "props": {"page": "%s"}' % ("pricing" if x % 10 < 3 else "docs")
    if kind == "webinar_attended":
        return ', "props": {"topic": "onboarding"}'
    if kind == "unsubscribed":
        return ', "props": {"channel": "email"}'
    if kind == "converted":
        return f', "props": {{"value": {2000 + x % 30000}}}'
    return ""
