"""The two public experiments of `../shared/data` as campaign histories (leads and events in the
live formats' shape), for calibration's validations (`bench/validate_calibration.py`,
`tests/simulator/test_sim_fit_validation.py`).

- Hillstrom (`hillstrom_history`): each customer a lead created on the day of the send
  (2008-03-03), with `newbie` ("yes"/"no"), `history` and `channel`; a Mens or Womens e-mail a
  `delivered` touch then; a visit in the two weeks a `visited` event (the data has no times: on
  day 7), a purchase a `converted` with its spend a minute later. The history ends 14 days after
  the send. It holds each customer's outcome, not every visit: calibrate with outcomes_only.
- Bank marketing (`bank_history`): each client a lead created on 2008-05-05 at 9:00, its first
  call (the data has no times: the playbook calls on creation, and a lead created at midnight
  would add 9 hours to every day to convert that no forecast of the playbook can have), with
  `age`, `balance` and `poutcome`; its `campaign` calls a `delivered` on channel `task` a day
  apart (9:00); at the last call a subscription is a `converted` a minute later, any other ending an
  `unsubscribed` on channel `task` (the calls stopped: bank_marketing.md). The history ends 31
  days after the first calls (calls past the 31st day are not in it).

`sample(history, n, seed)` keeps n leads at random (the tests' samples).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import parse_time  # noqa: E402
from simulator.history import DAY, History  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
HILLSTROM_CSV = DATA / "hillstrom-email" / "hillstrom_email_2008.csv"
BANK_CSV = DATA / "bank-marketing" / "bank-full.csv"
HILLSTROM_START = parse_time("2008-03-03T00:00:00Z")
BANK_START = parse_time("2008-05-05T00:00:00Z")
ARMS = {"Mens E-Mail": "mens_email", "Womens E-Mail": "womens_email"}


def hillstrom_history(path: Path = HILLSTROM_CSV) -> History:
    leads, events = [], []
    t0 = HILLSTROM_START
    with path.open(newline="") as f:
        for k, row in enumerate(csv.DictReader(f), start=1):
            lead = f"H{k}"
            attrs = {
                "newbie": "yes" if row["newbie"] == "1" else "no",
                "history": float(row["history"]),
                "channel": row["channel"],
                "arm": row["segment"],
            }
            leads.append((lead, t0, attrs))
            content = ARMS.get(row["segment"])
            if content is not None:
                events.append((lead, "delivered", t0, {"content": content, "channel": "email"}))
            if row["visit"] == "1":
                events.append((lead, "visited", t0 + 7 * DAY, {"page": "home"}))
            if row["conversion"] == "1":
                spend = float(row["spend"])
                events.append((lead, "converted", t0 + 7 * DAY + 60, {"value": spend}))
    return History.of_rows(leads, events, "Hillstrom e-mail test", end=t0 + 14 * DAY)


def bank_history(path: Path = BANK_CSV) -> History:
    leads, events = [], []
    t0 = BANK_START
    end = t0 + 31 * DAY
    with path.open(newline="") as f:
        for k, row in enumerate(csv.DictReader(f, delimiter=";"), start=1):
            lead = f"B{k}"
            attrs = {
                "age": float(row["age"]),
                "balance": float(row["balance"]),
                "poutcome": row["poutcome"],
            }
            leads.append((lead, t0 + 9 * 3600, attrs))
            calls = int(row["campaign"])
            for n in range(calls):
                at = t0 + n * DAY + 9 * 3600
                if at > end:
                    break
                events.append((lead, "delivered", at, {"content": "call", "channel": "task"}))
                if n == calls - 1:
                    if row["y"] == "yes":
                        events.append((lead, "converted", at + 60, {}))
                    else:
                        events.append((lead, "unsubscribed", at + 60, {"channel": "task"}))
    return History.of_rows(leads, events, "UCI Bank Marketing", end=end)


def sample(history: History, n: int, seed: int) -> History:
    """n of the history's leads, at random (the same seed, the same leads), with their events."""
    if n >= len(history.leads):
        return history
    part, _ = history.split(n / len(history.leads), seed)
    return part
