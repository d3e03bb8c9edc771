"""What new rules would have done against what was done: in total and lead by lead.

    result = replay(["new.nurture"], programs, "live.db")
    result.totals            MQL, SQL, handoffs, sunsets, unsubscribes, sends by content and
                             channel, tasks, suppressions: done, would have been, difference
    result.leads             every lead that would differ: its stage and lifecycle (each with the
                             rule, file:line, that made the difference) and its sends

The new files are paired with the database's files in order (the same number of files): a lead's
stage under new file k is compared with its stage under the database's file k.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engine import format_time
from live.meta import PATH
from live.replay import (
    Collector,
    Outcome,
    Replayed,
    ReplayError,
    lead_order,
    replay_history,
)
from live.store import Store

if TYPE_CHECKING:
    from dsl.ir import Program

UNKNOWABLE = (
    "Replay applies the recorded events as they happened: what a lead would have done after a "
    "send it did not get under the old rules (or would not have done without one it got) cannot "
    "be known from history. For that part, compare the two files on a calibrated scenario: "
    "`nurture compare OLD NEW --scenario S`."
)
_PER_LEAD = ("send", "task", "mql", "sql", "handoff", "sunset")


@dataclass(frozen=True)
class Total:
    what: str  # "MQL", "send welcome (email)", "suppressed: holdout", ...
    done: int
    would: int

    @property
    def difference(self) -> int:
        return self.would - self.done


@dataclass(frozen=True)
class FlagChange:
    flag: str  # mql, sql, handoff, sunset
    was: bool
    now: bool
    rule: str  # the rule that made it (the new file's when gained, the old one's when lost)


@dataclass(frozen=True)
class LeadDiff:
    lead: str
    stages: tuple[tuple[str, str, str], ...] = ()  # (was, now, rule) per file that differs
    flags: tuple[FlagChange, ...] = ()
    sends: tuple[tuple[str, int, int], ...] = ()  # ("send welcome (email)", done, would)

    @property
    def standing(self) -> bool:
        """Its stage or lifecycle would differ (not only its sends)."""
        return bool(self.stages or self.flags)

    def to_dict(self) -> dict[str, object]:
        return {
            "lead": self.lead,
            "stages": [{"was": w, "now": n, "rule": r} for w, n, r in self.stages],
            "lifecycle": [
                {"flag": f.flag, "was": f.was, "now": f.now, "rule": f.rule} for f in self.flags
            ],
            "sends": [{"what": w, "done": d, "would": n} for w, d, n in self.sends],
        }


@dataclass(frozen=True)
class ReplayResult:
    db: str
    files: tuple[str, ...]
    old_files: tuple[str, ...]
    leads: int
    events: int
    clock: float
    totals: tuple[Total, ...]
    changed: tuple[LeadDiff, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def identical(self) -> bool:
        return not self.changed and all(t.difference == 0 for t in self.totals)

    def was_label(self) -> list[str]:
        return list(self.old_files)

    def total(self, what: str) -> Total | None:
        return next((t for t in self.totals if t.what == what), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "db": self.db,
            "files": list(self.files),
            "was": list(self.old_files),
            "clock": format_time(self.clock),
            "leads": self.leads,
            "events": self.events,
            "identical": self.identical,
            "totals": [
                {"what": t.what, "done": t.done, "would": t.would, "difference": t.difference}
                for t in self.totals
            ],
            "leads_changed": [d.to_dict() for d in self.changed],
            "notes": list(self.notes),
        }


def replay(rule_files: list[str], programs: list[Program], db_path: str) -> ReplayResult:
    """Replays the database's history under `programs` (read-only); raises ReplayError,
    StoreError (NurtureErrors) or InternalError (a journal that does not fit its events)."""
    store = Store(db_path, readonly=True)
    try:
        with store.reading():
            old_files = _check(store, rule_files)
            done = _done(store)
            replayed = replay_history(store, programs)
            done.stage = _old_stages(store, old_files, replayed.ids)
            changed = _lead_diffs(store, replayed, done, programs, old_files)
            unsubscribes = _unsubscribes(store)
    finally:
        store.close()
    totals = _totals(done, replayed.new, unsubscribes)
    return ReplayResult(
        db=db_path,
        files=tuple(rule_files),
        old_files=tuple(old_files),
        leads=len(replayed.ids),
        events=replayed.events,
        clock=replayed.clock,
        totals=tuple(totals),
        changed=tuple(changed),
        notes=tuple(_notes(replayed)),
    )


def _check(store: Store, rule_files: list[str]) -> list[str]:
    stored = store.get("rules")
    if stored is None:
        raise ReplayError(f"{store.path} has no run yet: there is no history to replay")
    # the paths the files were last run by (the standing table names them so); keyed by
    # campaign since live/meta.py keeps the path after PATH (a database written before: the key)
    old = [value.partition(PATH)[2] or key for key, value in json.loads(stored).items()]
    if len(old) != len(rule_files):
        raise ReplayError(
            f"{store.path} runs {len(old)} rule file{'s' if len(old) != 1 else ''} "
            f"({', '.join(old)}); give as many new files, in that order, each the new version of "
            "its file (an unchanged one as it is)"
        )
    done = int(store.get("checkpoint_journal") or 0)
    row = store.db.execute("SELECT MAX(seq) FROM journal").fetchone()
    if row[0] is not None and int(row[0]) > done:
        raise ReplayError(
            f"the last run on {store.path} was interrupted: finish it first (run the same "
            "`nurture run` command again), then replay"
        )
    return old


_TAIL_KEY = '"action": '


def _done(store: Store) -> Outcome:
    """What was done, lead by lead, from the outbox (a task's due time left out)."""
    ids = lead_order(store)
    outcome = Outcome()
    collector = Collector({lead: i for i, lead in enumerate(ids)}, outcome)
    marks = ",".join("?" * len(_PER_LEAD))
    cache: dict[str, tuple[str, str | None, str | None, str | None]] = {}
    sql = f"SELECT lead, line FROM outbox WHERE action IN ({marks}) ORDER BY seq"
    for lead, line in store.db.execute(sql, _PER_LEAD):
        tail = line[line.find(_TAIL_KEY) :]
        kind = cache.get(tail)
        if kind is None:
            data = json.loads("{" + tail)
            kind = (data["action"], data.get("content"), data.get("channel"), data.get("rule"))
            if "due" not in data:
                cache[tail] = kind
        if lead in collector.index:
            collector.add(lead, kind[0], kind[1], kind[2], None, kind[3])
    sql = (
        "SELECT json_extract(line, '$.reason'), COUNT(*) FROM outbox "
        "WHERE action = 'suppressed' GROUP BY 1"
    )
    for reason, n in store.db.execute(sql):
        outcome.totals[("suppressed", reason or "")] = n
    return outcome


def _old_stages(store: Store, old_files: list[str], ids: list[str]) -> list[list[str]]:
    """Each lead's stage under each of the database's files, as the standing table has it."""
    out = []
    for path in old_files:
        rows = dict(store.db.execute("SELECT lead, stage FROM standing WHERE program = ?", (path,)))
        out.append([rows.get(lead, "") for lead in ids])
    return out


def _unsubscribes(store: Store) -> int:
    sql = "SELECT COUNT(DISTINCT lead) FROM events WHERE type = 'unsubscribed'"
    return int(store.db.execute(sql).fetchone()[0])


def _totals(done: Outcome, new: Outcome, unsubscribes: int) -> list[Total]:
    out = []
    labels = (("mql", "MQL"), ("sql", "SQL"), ("handoff", "handoffs"), ("sunset", "sunsets"))
    for flag, label in labels:
        a = int(np.count_nonzero(np.frombuffer(done.flags[flag], dtype=np.int32) >= 0))
        b = int(np.count_nonzero(np.frombuffer(new.flags[flag], dtype=np.int32) >= 0))
        out.append(Total(label, a, b))
    out.append(Total("unsubscribes", unsubscribes, unsubscribes))
    counts: dict[str, list[int]] = {}
    for side, outcome in enumerate((done, new)):
        for (_, kind), n in outcome.touches.items():
            label = _touch_label(outcome.kinds[kind])
            counts.setdefault(label, [0, 0])[side] += n
        for (what, reason), n in outcome.totals.items():
            counts.setdefault(f"{what}: {reason}", [0, 0])[side] += n
    out += [Total(label, a, b) for label, (a, b) in sorted(counts.items())]
    return out


def _touch_label(kind: tuple[str, str, str]) -> str:
    action, content, channel = kind
    return f"task {content}" if action == "task" else f"send {content} ({channel})"


def _lead_diffs(
    store: Store, replayed: Replayed, done: Outcome, programs: list[Program], old_files: list[str]
) -> list[LeadDiff]:
    new = replayed.new
    sends = _sends_by_lead(done), _sends_by_lead(new)
    leads = set(sends[0]) ^ set(sends[1])
    leads |= {i for i in set(sends[0]) & set(sends[1]) if sends[0][i] != sends[1][i]}
    for flag in Collector.FLAGS:
        a = np.frombuffer(done.flags[flag], dtype=np.int32) >= 0
        b = np.frombuffer(new.flags[flag], dtype=np.int32) >= 0
        leads.update(np.flatnonzero(a != b).tolist())
    for p in range(len(programs)):
        old, now = done.stage[p], new.stage[p]
        leads.update(i for i, (x, y) in enumerate(zip(old, now, strict=True)) if x and x != y)
    out = []
    for i in sorted(leads, key=lambda i: _natural(replayed.ids[i])):
        lead = replayed.ids[i]
        out.append(
            LeadDiff(
                lead=lead,
                stages=_stage_changes(store, lead, i, done, new, programs, old_files),
                flags=_flag_changes(i, done, new),
                sends=_send_changes(i, sends),
            )
        )
    return out


def _natural(lead: str) -> tuple[object, ...]:
    """L2 before L10: numbers inside an id compared as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", lead))


def _sends_by_lead(outcome: Outcome) -> dict[int, dict[tuple[str, str, str], int]]:
    out: dict[int, dict[tuple[str, str, str], int]] = {}
    for (lead, kind), n in outcome.touches.items():
        out.setdefault(lead, {})[outcome.kinds[kind]] = n
    return out


def _flag_changes(i: int, done: Outcome, new: Outcome) -> tuple[FlagChange, ...]:
    out = []
    for flag in Collector.FLAGS:
        a, b = done.flags[flag][i], new.flags[flag][i]
        if (a >= 0) != (b >= 0):
            rule = new.rules[b] if b >= 0 else done.rules[a]
            out.append(FlagChange(flag, a >= 0, b >= 0, rule))
    return tuple(out)


def _send_changes(i: int, sends: tuple[dict, dict]) -> tuple[tuple[str, int, int], ...]:
    a, b = sends[0].get(i, {}), sends[1].get(i, {})
    out = []
    for kind in sorted(set(a) | set(b)):
        if a.get(kind, 0) != b.get(kind, 0):
            out.append((_touch_label(kind), a.get(kind, 0), b.get(kind, 0)))
    return tuple(out)


def _stage_changes(
    store: Store,
    lead: str,
    i: int,
    done: Outcome,
    new: Outcome,
    programs: list[Program],
    old_files: list[str],
) -> tuple[tuple[str, str, str], ...]:
    """Each file under which the lead's stage differs: (was, now, the rule that moved it to the
    further stage: the new file's `stage` line when the new stage is further, else the rule the
    old trail names for its last move)."""
    out = []
    for p, program in enumerate(programs):
        was, now = done.stage[p][i], new.stage[p][i]
        if not was or was == now:
            continue
        names = [s.name for s in program.stages]
        if was not in names or (now in names and names.index(now) > names.index(was)):
            rule = next((r for r in program.stage_rules if r.stage == now), None)
            where = f"{program.path}:{rule.span.line}" if rule else program.path
        else:
            where = _old_stage_rule(store, lead, old_files[p])
        out.append((was, now, where))
    return tuple(out)


def _old_stage_rule(store: Store, lead: str, old_file: str) -> str:
    """The rule the lead's recorded trail names for its last stage move (under the old file)."""
    found = old_file
    sql = "SELECT entries FROM trail WHERE lead = ? ORDER BY n"
    for (chunk,) in store.db.execute(sql, (lead,)):
        for entry in json.loads(chunk):
            if entry[1] == "stage" and entry[3]:
                found = entry[3]
    return found


def _notes(replayed: Replayed) -> list[str]:
    notes = [UNKNOWABLE]
    for _, reasons in sorted(replayed.attrs.refused.items()):
        for reason, n in sorted(reasons.items()):
            notes.append(f"{n} lead rows: {reason}; read as missing under the new rules")
    missing = replayed.attrs.never_given()
    if missing:
        notes.append(
            "the new rules read " + ", ".join(repr(m) for m in missing) + ", which no recorded "
            "lead has: missing for every lead"
        )
    for kind, n in sorted(replayed.unknown_types.items()):
        notes.append(f"{n} recorded {kind!r} events: the new rules declare no such event type")
    return notes
