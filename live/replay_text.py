"""The replay as text: the totals (done, would have been, difference), then the leads whose
stage or lifecycle would differ with the rule that made each difference, then how many leads
would differ in their sends alone, then what a replay cannot know."""

from __future__ import annotations

import textwrap

from engine import format_time
from live.replay_diff import ReplayResult

SHOWN_LEADS = 30


def render(r: ReplayResult, shown: int = SHOWN_LEADS) -> str:
    lines = [
        f"Replay: {', '.join(r.files)} on {r.db}",
        f"the recorded history: {r.leads:,} leads, {r.events:,} events, up to "
        f"{format_time(r.clock)}; done under {', '.join(r.was_label())}",
        "",
        f"  {'':<40}{'done':>10}{'would be':>10}{'change':>10}",
    ]
    for t in r.totals:
        change = f"{t.difference:+,}" if t.difference else "0"
        lines.append(f"  {t.what:<40}{t.done:>10,}{t.would:>10,}{change:>10}")
    standing = [d for d in r.changed if d.standing]
    lines += ["", f"Leads whose stage or lifecycle would differ: {len(standing):,} of {r.leads:,}"]
    for diff in standing[:shown]:
        parts = [f"stage {w} -> {n} ({rule})" for w, n, rule in diff.stages]
        parts += [
            f"{f.flag.upper() if f.flag in ('mql', 'sql') else f.flag}: "
            f"{'yes' if f.was else 'no'} -> {'yes' if f.now else 'no'} ({f.rule})"
            for f in diff.flags
        ]
        lines.append(f"  {diff.lead}: " + "; ".join(parts))
    if len(standing) > shown:
        lines.append(f"  ... and {len(standing) - shown:,} more (--json lists every lead)")
    sends_only = [d for d in r.changed if not d.standing]
    lines.append(f"Leads whose sends alone would differ: {len(sends_only):,}")
    for diff in sends_only[: min(shown, 10)]:
        parts = [f"{what} {done} -> {would}" for what, done, would in diff.sends]
        lines.append(f"  {diff.lead}: " + "; ".join(parts))
    if len(sends_only) > min(shown, 10):
        lines.append(f"  ... and {len(sends_only) - min(shown, 10):,} more (--json lists them)")
    if r.identical:
        lines += ["", "The new rules would have done exactly what was done."]
    lines += ["", "Notes"]
    for note in r.notes:
        lines.append(textwrap.fill(note, 96, initial_indent="  - ", subsequent_indent="    "))
    return "\n".join(lines) + "\n"
