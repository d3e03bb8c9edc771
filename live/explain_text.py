"""`nurture explain`'s text, one place for the command line and the TUI: a lead's standing under
each rule file with what is due next, then its trail, one line an entry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import format_time

if TYPE_CHECKING:
    from live.explain import LeadExplanation, Standing
    from live.explain_conditions import TrailEntry


def explain_text(found: LeadExplanation) -> str:
    """The whole text: `standing_lines`, a blank line, then the trail's lines."""
    lines = standing_lines(found)
    entries = found.entries
    lines.append("")
    if not entries:
        lines.append("(no trail recorded)")
    width = max((len(e.kind) for e in entries), default=0)
    for entry in entries:
        rule = f"  [{entry.rule}]" if entry.rule else ""
        lines.append(
            f"{format_time(entry.at)}  {entry.kind:<{width}}  {entry_message(entry)}{rule}"
        )
    return "\n".join(lines)


def entry_message(entry: TrailEntry) -> str:
    """An entry's message, then the condition of its rule after ` — ` when it has one."""
    return entry.message + (f" — {entry.condition}" if entry.condition else "")


def standing_lines(found: LeadExplanation) -> list[str]:
    """`lead ID at CLOCK`, then per rule file its scores and stage, segments and flags, params in
    force, and what is due next in each sequence (or why nothing is)."""
    lines = [f"lead {found.lead} at {format_time(found.clock)}"]
    for item in found.standing:
        lines += _standing(item)
    return lines


def _standing(item: Standing) -> list[str]:
    view = item.view
    blocks = ", ".join(f"{name} {value:.2f}" for name, value in view.scores.items())
    lines = [
        f"  {item.file}: score {view.score:.2f}"
        + (f" ({blocks})" if blocks else "")
        + f", stage {view.stage}"
    ]
    flags = [f for f in ("mql", "sql", "customer", "unsubscribed", "sunset") if getattr(view, f)]
    segments = ", ".join(view.segments) or "none"
    lines.append(f"    segments: {segments}; flags: {', '.join(flags) or 'none'}")
    if item.params:
        lines.append("    params in force: " + ", ".join(map(str, item.params)))
    due = sorted((n for n in item.next if n.due is not None), key=lambda n: n.due or 0.0)
    lines.append("    next:" + ("" if due else " nothing due"))
    for step in due + [n for n in item.next if n.due is None]:
        when = f" at {format_time(step.due)}" if step.due is not None else ""
        rule = f"  [{step.rule}]" if step.rule else ""
        lines.append(f"      {step.sequence}: {step.what}{when}{rule}")
    return lines
