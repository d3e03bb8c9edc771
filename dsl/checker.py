"""Top-level checking: assembles the items of a file into a resolved, checked `Program`.

Collects every mistake as a diagnostic (never raising mid-way): required lines, duplicate names,
reserved words, channels, stages, sequence structure, split shares, and, through `Resolver`, every
name and type inside conditions.
"""

from __future__ import annotations

from typing import Any

from dsl import codes, ir
from dsl.check_flow import FlowChecks
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.fastnode import new, replace
from dsl.resolve import Names, Resolver, Scope
from dsl.words import RESERVED

_HEADER_ORDER = ("for", "enter", "exit when", "holdout", "reenter after", "limit")


class Checker(FlowChecks):
    def __init__(self, file: str) -> None:
        self.file = file
        self.diagnostics: list[Diagnostic] = []
        self.names = Names()
        self.resolver = Resolver(self.names, file, self.diagnostics)
        self.seen: dict[str, tuple[str, ir.Span]] = {}

    def error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint, file=self.file))

    # ------------------------------------------------------------ declarations

    def declare(self, kind: str, name: str, span: ir.Span) -> bool:
        if name in RESERVED:
            self.error(
                codes.RESERVED_WORD,
                f"'{name}' is a reserved word and cannot name {_article(kind)} {kind}",
                span,
                f"choose another name, like '{name}_{kind.split()[-1]}'",
            )
            return False
        if name in self.seen:
            other_kind, other = self.seen[name]
            self.error(
                codes.DUPLICATE,
                f"'{name}' is already defined as a {other_kind} on line {other.line}",
                span,
                "give each thing its own name",
            )
            return False
        self.seen[name] = (kind, span)
        return True

    def collect(self, items: list[Any]) -> dict[str, Any]:
        """First pass: every declared name, so names may be used before their line."""
        found: dict[str, Any] = {"campaign": [], "stages": [], "lead": [], "policy": []}
        for item in items:
            if isinstance(item, tuple) and item[0] in found:
                found[item[0]].append(item)
        for decl in (s for _, stages in found["stages"][:1] for s in stages):
            if self.declare("stage", decl.name, decl.span):
                self.names.stages[decl.name] = len(self.names.stages)
        for _, attrs, _span in found["lead"]:
            for attr in attrs:
                if self.declare("lead attribute", attr.name, attr.span):
                    self.names.attributes[attr.name] = attr
        self.names.events.update(ir.BUILTIN_EVENTS)
        for item in items:
            self._collect_one(item)
        return found

    def _collect_one(self, item: Any) -> None:
        n = self.names
        if isinstance(item, ir.EventDecl):
            if item.name in ir.BUILTIN_EVENTS:
                self.error(codes.DUPLICATE, f"'{item.name}' is a built-in event", item.span)
            elif self.declare("event", item.name, item.span):
                n.events[item.name] = {p.name: p.type for p in item.props}
        elif isinstance(item, ir.ContentDecl) and self.declare("content", item.name, item.span):
            n.contents[item.name] = item
        elif isinstance(item, ir.Segment) and self.declare("segment", item.name, item.span):
            n.segments[item.name] = item
        elif isinstance(item, ir.ScoreBlock) and self.declare("score", item.name, item.span):
            n.scores[item.name] = item
        elif isinstance(item, tuple) and item[0] == "sequence":
            name, span, _ = item[1]
            if self.declare("sequence", name, span):
                n.sequences.add(name)
        elif isinstance(item, ir.Param) and self.declare("param", item.name, item.span):
            n.params[item.name] = item.type

    # ------------------------------------------------------------ the whole file

    def check(self, items: list[Any], path: str) -> ir.Program:
        found = self.collect(items)
        fields: dict[str, Any] = {"path": path}
        self._file_header(found, fields)
        fields["lead"] = tuple(a for _, attrs, _span in found["lead"] for a in attrs)
        fields["events"] = tuple(i for i in items if isinstance(i, ir.EventDecl))
        fields["contents"] = tuple(self._content(i) for i in items if isinstance(i, ir.ContentDecl))
        fields["segments"] = tuple(self._segment(i) for i in items if isinstance(i, ir.Segment))
        self._segment_cycles()
        fields["scores"] = tuple(self._score(i) for i in items if isinstance(i, ir.ScoreBlock))
        fields["stage_rules"] = self._stage_rules([i for i in items if isinstance(i, ir.StageRule)])
        for life in (i for i in items if isinstance(i, ir.Lifecycle)):
            if fields.get(life.flag) is not None:
                self.error(
                    codes.DUPLICATE,
                    f"'{life.flag}' is defined twice",
                    life.span,
                    "keep one line and join the conditions with 'or'",
                )
                continue
            cond = self.resolver.condition(life.condition, what=f"{life.flag} condition")
            fields[life.flag] = replace(life, condition=cond)
        fields["policy"] = self._policy(found["policy"])
        fields["sequences"] = tuple(
            self._sequence(*i[1]) for i in items if isinstance(i, tuple) and i[0] == "sequence"
        )
        fields["handoffs"] = tuple(self._handoff(i) for i in items if isinstance(i, ir.Handoff))
        fields["params"] = tuple(
            i
            for i in items
            if isinstance(i, ir.Param) and self.seen.get(i.name, ("", None))[1] == i.span
        )
        return new(ir.Program, **fields)

    def _file_header(self, found: dict[str, Any], fields: dict[str, Any]) -> None:
        for key in ("campaign", "stages", "lead", "policy"):
            for extra in found[key][1:]:
                span = extra[2] if key in ("policy", "campaign", "lead") else _first_span(extra[1])
                self.error(
                    codes.DUPLICATE,
                    f"'{key}' appears more than once",
                    span,
                    f"keep one '{key}' line"
                    if key in ("campaign", "stages")
                    else f"merge them into one '{key}:' block",
                )
        top = new(ir.Span, line=1, column=1, end_line=1, end_column=2)
        if not found["campaign"]:
            self.error(
                codes.MISSING,
                "the file has no 'campaign' line",
                top,
                'start the file with: campaign "Name of the campaign"',
            )
        if not found["stages"]:
            self.error(
                codes.MISSING,
                "the file has no 'stages' line",
                top,
                "add the funnel, like: stages awareness, consideration, decision",
            )
        fields["campaign"] = found["campaign"][0][1] if found["campaign"] else ""
        fields["stages"] = tuple(found["stages"][0][1]) if found["stages"] else ()

    def _content(self, c: ir.ContentDecl) -> ir.ContentDecl:
        if c.channel not in ir.CHANNELS:
            self.error(
                codes.UNKNOWN_CHANNEL,
                f"unknown channel '{c.channel}'",
                c.channel_span,
                did_you_mean(c.channel, ir.CHANNELS) or f"channels are {', '.join(ir.CHANNELS)}",
            )
        if c.stage is not None and c.stage not in self.names.stages:
            self._unknown_stage(c.stage, c.stage_span)
        if c.cost < 0:
            self.error(codes.BAD_COST, "a cost cannot be negative", c.span)
        return c

    def _unknown_stage(self, name: str, span: ir.Span) -> None:
        if not self.names.stages:  # no `stages` line: that one error says it all
            return
        self.error(
            codes.UNKNOWN_NAME,
            f"unknown stage '{name}'",
            span,
            did_you_mean(name, self.names.stages)
            or f"the stages are {', '.join(self.names.stages) or 'not declared'}",
        )

    def _segment(self, s: ir.Segment) -> ir.Segment:
        self.resolver.current_segment = s.name
        cond = self.resolver.condition(s.condition, what="segment condition")
        self.resolver.current_segment = None
        return replace(s, condition=cond)

    def _segment_cycles(self) -> None:
        """One error per group of segments using each other (a cycle, or cycles sharing
        segments), at its first segment, with one path back to it; linear in the segments."""
        deps = self.resolver.segment_deps
        line = {n: self.names.segments[n].span.line for n in deps}
        for group in _cyclic_groups(deps):
            start = min(group, key=line.__getitem__)
            path = _cycle_from(start, deps, group)
            if path is None:
                continue
            through = " through " + ", ".join(f"'{p}'" for p in path[1:]) if len(path) > 1 else ""
            self.error(
                codes.CYCLE,
                f"segment '{start}' depends on itself{through}",
                self.names.segments[start].span,
                "a segment may not use itself, directly or through others",
            )

    def _score(self, block: ir.ScoreBlock) -> ir.ScoreBlock:
        rules: list[ir.FitRule | ir.EventRule] = []
        for rule in block.rules:
            if isinstance(rule, ir.FitRule):
                cond = self.resolver.condition(rule.condition, what="score condition")
                rules.append(replace(rule, condition=cond))
            else:
                rules.append(self._event_rule(rule))
        decay = block.decay
        if decay is not None and not 0 < decay.percent < 100:
            self.error(
                codes.BAD_PERCENT, "decay is a percentage above 0% and below 100%", decay.span
            )
        if decay is not None and decay.every.seconds == 0:
            self.error(codes.BAD_DURATION, "decay needs a period longer than 0", decay.every.span)
        return replace(block, rules=tuple(rules))

    def _event_rule(self, rule: ir.EventRule) -> ir.EventRule:
        if rule.event not in self.names.events:
            self.error(
                codes.UNKNOWN_NAME,
                f"unknown event '{rule.event}'",
                rule.event_span,
                did_you_mean(rule.event, self.names.events),
            )
            return rule
        where = rule.where
        if where is not None:
            scope = Scope(props=self.names.events[rule.event], event=rule.event)
            where = self.resolver.condition(where, scope, "'where'")
        if rule.cap is not None:
            if rule.cap.points <= 0:
                self.error(codes.BAD_CAP, "a cap must be above 0", rule.cap.span)
            if rule.points < 0:
                self.error(
                    codes.BAD_CAP,
                    "a cap bounds points earned; this line takes points away",
                    rule.cap.span,
                    "remove the cap",
                )
            if rule.cap.window.seconds == 0:
                self.error(
                    codes.BAD_DURATION, "a cap needs a window longer than 0", rule.cap.window.span
                )
        return replace(rule, where=where)

    def _stage_rules(self, rules: list[ir.StageRule]) -> tuple[ir.StageRule, ...]:
        out: list[ir.StageRule] = []
        last_index = -1
        for rule in rules:
            cond = self.resolver.condition(rule.condition, what="stage condition")
            index = self.names.stages.get(rule.stage)
            if index is None:
                self._unknown_stage(rule.stage, rule.stage_span)
                continue
            if index == 0:
                self.error(
                    codes.FIRST_STAGE,
                    f"'{rule.stage}' is the first stage: every lead starts there",
                    rule.stage_span,
                    "give conditions for later stages only",
                )
                continue
            if any(r.stage == rule.stage for r in out):
                self.error(
                    codes.DUPLICATE,
                    f"stage '{rule.stage}' has two rules",
                    rule.stage_span,
                    "join the conditions with 'or'",
                )
                continue
            if index < last_index:
                self.error(
                    codes.STAGE_ORDER,
                    f"stage '{rule.stage}' comes before "
                    f"'{out[-1].stage}' in the funnel; write its rule first",
                    rule.stage_span,
                    "stage rules follow the order of 'stages'",
                )
            last_index = max(last_index, index)
            out.append(replace(rule, condition=cond))
        return tuple(out)

    def _policy(self, blocks: list[Any]) -> ir.Policy | None:
        if not blocks:
            return None
        _, lines, span = blocks[0]
        fields: dict[str, Any] = {"span": span}
        for key, value in lines:
            if key in fields:
                where = value[1] if key == "sunset" else value.span
                self.error(codes.DUPLICATE, f"the policy has two '{key}' lines", where)
                continue
            if key == "sunset":
                fields[key] = self.resolver.condition(value[0], what="sunset condition")
            else:
                fields[key] = value
                if key == "quiet" and value.start == value.end:
                    self.error(
                        codes.BAD_TIME, "quiet hours start and end at the same time", value.span
                    )
        return new(ir.Policy, **fields)


def _cyclic_groups(deps: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of segments that hold a cycle (Tarjan's algorithm, without
    recursion: a chain of ten thousand segments is as easy as two)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    for root in sorted(deps):
        if root in index:
            continue
        work = [(root, iter(sorted(deps.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            name, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(deps.get(child, ())))))
                elif child in on_stack:
                    low[name] = min(low[name], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] == index[name]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == name:
                        break
                if len(group) > 1 or name in deps.get(name, ()):
                    groups.append(group)
    return groups


def _cycle_from(start: str, deps: dict[str, set[str]], within: set[str]) -> list[str] | None:
    """The segments of a path from `start` back to itself, inside its group, or None."""
    stack = [start]
    parent: dict[str, str | None] = {start: None}
    while stack:
        name = stack.pop()
        for dep in sorted(deps.get(name, ()), reverse=True):
            if dep == start:
                path = [name]
                while (up := parent[path[-1]]) is not None:
                    path.append(up)
                return path[::-1]
            if dep in within and dep not in parent:
                parent[dep] = name
                stack.append(dep)
    return None


def _first_span(value: Any) -> ir.Span:
    if isinstance(value, list) and value:
        return value[0].span
    return ir.NO_SPAN


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
