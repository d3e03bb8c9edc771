"""Expression checking: resolves every `Name` and `Call`, infers types, reports mistakes.

Types are plain strings: "number", "text", "bool", "stage", "list:<item type>", and "?" for an
expression already in error (which never causes a second, derived diagnostic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dsl import codes, ir
from dsl.diagnostics import Diagnostic, did_you_mean
from dsl.fastnode import new, replace
from dsl.nesting import SegmentNesting
from dsl.resolve_calls import UNKNOWN, CallResolution, Scope


@dataclass
class Names:
    """Everything a bare name or a function argument can refer to in one file."""

    attributes: dict[str, ir.AttributeDecl] = field(default_factory=dict)
    segments: dict[str, ir.Segment] = field(default_factory=dict)
    scores: dict[str, ir.ScoreBlock] = field(default_factory=dict)
    stages: dict[str, int] = field(default_factory=dict)
    events: dict[str, dict[str, str]] = field(default_factory=dict)
    contents: dict[str, ir.ContentDecl] = field(default_factory=dict)
    sequences: set[str] = field(default_factory=set)
    params: dict[str, str] = field(default_factory=dict)  # name -> kind (bound before checking)

    def known(self) -> list[str]:
        return list(self.kinds())

    def kinds(self) -> dict[str, str]:
        """Every name a bare name may mean, with its kind, in resolution order."""
        out = {name: "name" for name in ir.LIFECYCLE_FLAGS}  # a flag: "unknown name"
        out.update(dict.fromkeys(self.params, "param"))
        out.update(dict.fromkeys(self.stages, "stage"))
        out.update(dict.fromkeys(self.scores, "score"))
        out.update(dict.fromkeys(self.segments, "segment"))
        out.update(dict.fromkeys(self.attributes, "attribute"))
        return out


@dataclass
class Resolver(CallResolution, SegmentNesting):
    names: Names
    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    segment_deps: dict[str, set[str]] = field(default_factory=dict)
    current_segment: str | None = None
    uses_segment: bool = False  # the condition being resolved names a segment
    segment_nesting: dict[str, int] = field(default_factory=dict)  # with the segments it uses

    def error(self, code: str, message: str, span: ir.Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, hint, file=self.file))

    # ------------------------------------------------------------ entry points

    def condition(self, expr: Any, scope: Scope | None = None, what: str = "condition") -> Any:
        """Resolve an expression that must be true or false."""
        outer, self.uses_segment = self.uses_segment, False
        node, type_ = self.resolve(expr, scope or Scope())
        if type_ not in ("bool", UNKNOWN):
            self.error(
                codes.TYPE,
                f"this {what} is a {_type_word(type_)}, not true or false",
                node.span,
                _bool_hint(type_),
            )
        if self.uses_segment:
            self._check_nesting(node, what)
        self.uses_segment = outer or self.uses_segment
        return node

    def resolve(self, expr: Any, scope: Scope) -> tuple[Any, str]:
        method: Callable[[Any, Scope], tuple[Any, str]] = getattr(self, f"_r_{expr.kind}")
        return method(expr, scope)

    # ------------------------------------------------------------ leaves

    def _r_num(self, e: ir.Num, scope: Scope) -> tuple[Any, str]:
        return e, "number"

    def _r_str(self, e: ir.Str, scope: Scope) -> tuple[Any, str]:
        return e, "text"

    def _r_bool(self, e: ir.Bool, scope: Scope) -> tuple[Any, str]:
        return e, "bool"

    def _r_stage_var(self, e: ir.StageVar, scope: Scope) -> tuple[Any, str]:
        return e, "stage"

    def _r_score(self, e: ir.ScoreRef, scope: Scope) -> tuple[Any, str]:
        return e, "number"

    def _r_list(self, e: ir.ListLit, scope: Scope) -> tuple[Any, str]:
        items, types = [], set()
        for item in e.items:
            node, type_ = self.resolve(item, scope)
            items.append(node)
            types.add(type_)
        types.discard(UNKNOWN)
        if len(types) > 1:
            self.error(
                codes.TYPE, "a list holds values of one kind: all numbers or all texts", e.span
            )
            return replace(e, items=tuple(items)), UNKNOWN
        item_type = types.pop() if types else UNKNOWN
        return replace(e, items=tuple(items)), f"list:{item_type}"

    def _r_name(self, e: ir.Name, scope: Scope) -> tuple[Any, str]:
        n, name, span = self.names, e.name, e.span
        if not name:  # a placeholder for what the builder already reported (too deep)
            return e, UNKNOWN
        if scope.props is not None and name in scope.props:
            type_ = scope.props[name]
            return new(ir.Prop, name=name, type=type_, span=span), type_
        if name in n.attributes:
            decl = n.attributes[name]
            type_ = "number" if decl.type == "number" else "text"
            return new(ir.Attr, name=name, type=type_, span=span), type_
        if name == "timezone":
            return new(ir.Attr, name=name, type="text", span=span), "text"
        if name in n.segments:
            self.uses_segment = True
            if self.current_segment is not None:
                self.segment_deps.setdefault(self.current_segment, set()).add(name)
            return new(ir.SegmentRef, name=name, span=span), "bool"
        if name in n.scores:
            return new(ir.ScoreRef, name=name, span=span), "number"
        if name in n.stages:
            return new(ir.StageConst, name=name, index=n.stages[name], span=span), "stage"
        if name in ir.LIFECYCLE_FLAGS:
            return new(ir.Flag, name=name, span=span), "bool"
        if name in n.events:
            if scope.wait_until:
                return new(ir.EventSince, event=name, span=span), "bool"
            self.error(
                codes.BARE_EVENT,
                f"'{name}' is an event type, not a condition",
                span,
                f"to ask whether it happened, write count({name}, 30d) >= 1",
            )
            return e, UNKNOWN
        if name in n.contents or name in n.sequences:
            kind = "content" if name in n.contents else "sequence"
            hint = (
                f"write opened({name}) or clicked({name})"
                if kind == "content"
                else f"write in_sequence({name})"
            )
            self.error(codes.NOT_A_VALUE, f"'{name}' is a {kind}, not a value", span, hint)
            return e, UNKNOWN
        self._unknown(e, scope)
        return e, UNKNOWN

    def _unknown(self, e: ir.Name, scope: Scope) -> None:
        """An unknown bare name, named after the kind of its nearest known name."""
        kinds = self.names.kinds()
        if scope.props:
            kinds.update(dict.fromkeys(scope.props, "property"))
        hint = did_you_mean(e.name, kinds)
        suggested = hint.split("'")[1] if hint else None
        kind = kinds.get(suggested, "name") if suggested else "name"
        if kind == "property":
            message = f"unknown property '{e.name}' of '{scope.event}'"
        else:
            message = f"unknown {kind} '{e.name}'"
        if hint is None:
            hint = (
                "not a lead attribute, segment, score, stage or flag; declare it in the "
                "'lead:' block or define it"
            )
            if scope.props is not None:
                props = ", ".join(scope.props) or "none"
                hint = f"the properties of '{scope.event}' are: {props}"
        self.error(codes.UNKNOWN_NAME, message, e.span, hint)

    # ------------------------------------------------------------ operators

    def _r_neg(self, e: ir.Neg, scope: Scope) -> tuple[Any, str]:
        node, type_ = self.resolve(e.operand, scope)
        self._expect_number(node, type_, "'-'")
        return replace(e, operand=node), "number"

    def _r_arith(self, e: ir.Arith, scope: Scope) -> tuple[Any, str]:
        left, lt = self.resolve(e.left, scope)
        right, rt = self.resolve(e.right, scope)
        self._expect_number(left, lt, f"'{e.op}'")
        self._expect_number(right, rt, f"'{e.op}'")
        return replace(e, left=left, right=right), "number"

    def _expect_number(self, node: Any, type_: str, where: str) -> None:
        if type_ not in ("number", UNKNOWN):
            self.error(
                codes.TYPE, f"{where} needs numbers, but this is a {_type_word(type_)}", node.span
            )

    def _logic(self, e: Any, scope: Scope, children: tuple[Any, ...], word: str) -> list[Any]:
        out = []
        for child in children:
            node, type_ = self.resolve(child, scope)
            if type_ not in ("bool", UNKNOWN):
                self.error(
                    codes.TYPE,
                    f"'{word}' joins conditions, but this is a {_type_word(type_)}",
                    node.span,
                    _bool_hint(type_),
                )
            out.append(node)
        return out

    def _r_and(self, e: ir.And, scope: Scope) -> tuple[Any, str]:
        return replace(e, items=tuple(self._logic(e, scope, e.items, "and"))), "bool"

    def _r_or(self, e: ir.Or, scope: Scope) -> tuple[Any, str]:
        return replace(e, items=tuple(self._logic(e, scope, e.items, "or"))), "bool"

    def _r_not(self, e: ir.Not, scope: Scope) -> tuple[Any, str]:
        (node,) = self._logic(e, scope, (e.operand,), "not")
        return replace(e, operand=node), "bool"

    def _r_compare(self, e: ir.Compare, scope: Scope) -> tuple[Any, str]:
        sides = (e.left.kind, e.right.kind)
        if not self.names.stages and "stage_var" in sides and "name" in sides:
            return e, "bool"  # no `stages` line (reported once): its names are not unknown
        left, lt = self.resolve(e.left, scope)
        right, rt = self.resolve(e.right, scope)
        node = replace(e, left=left, right=right)
        if UNKNOWN not in (lt, rt):
            self._check_compare(node, lt, rt)
        return node, "bool"

    def _check_compare(self, e: ir.Compare, lt: str, rt: str) -> None:
        op = e.op
        if op in ("in", "not in"):
            if not rt.startswith("list:"):
                self.error(
                    codes.TYPE, f'\'{op}\' needs a list on its right, like ["a", "b"]', e.right.span
                )
            elif rt != f"list:{lt}" and rt != f"list:{UNKNOWN}":
                self.error(
                    codes.TYPE,
                    f"cannot look for a {_type_word(lt)} in a list of {_type_word(rt[5:])}s",
                    e.span,
                )
            else:
                for item in getattr(e.right, "items", ()):
                    self._check_option(e.left, item)
            return
        if op in ("contains", "startswith", "endswith", "matches"):
            for side, type_ in ((e.left, lt), (e.right, rt)):
                if type_ != "text":
                    self.error(
                        codes.TYPE,
                        f"'{op}' compares texts, but this is a {_type_word(type_)}",
                        side.span,
                    )
            if op == "matches" and rt == "text":
                self._check_regex(e.right)
            return
        if lt == "bool" or rt == "bool":
            self.error(
                codes.TYPE,
                f"'{op}' cannot compare true/false conditions",
                e.span,
                "use the condition itself, or 'not' it",
            )
            return
        if lt != rt:
            self.error(
                codes.TYPE,
                f"cannot compare a {_type_word(lt)} with a {_type_word(rt)}",
                e.span,
                _compare_hint(e, lt, rt),
            )
            return
        if lt == "text" and op not in ("==", "!="):
            self.error(codes.TYPE, f"'{op}' compares numbers or stages, not texts", e.span)
            return
        self._check_option(e.left, e.right)
        self._check_option(e.right, e.left)

    def _check_option(self, attr: Any, value: Any) -> None:
        """A `one of` attribute compared with a text it can never hold."""
        if not (isinstance(attr, ir.Attr) and isinstance(value, ir.Str)):
            return
        decl = self.names.attributes.get(attr.name)
        if decl is None or decl.type != "one_of":
            return
        wanted = value.value.strip().lower()
        if wanted not in {o.strip().lower() for o in decl.options}:
            options = ", ".join(f'"{o}"' for o in decl.options)
            hint = did_you_mean(value.value, decl.options)
            self.error(
                codes.NOT_AN_OPTION,
                f"'{attr.name}' is never \"{value.value}\": it is one of {options}",
                value.span,
                hint,
            )

    def _check_regex(self, node: Any) -> None:
        from dsl.regex import PatternError, compile_pattern

        if not isinstance(node, ir.Str):
            self.error(codes.TYPE, "'matches' needs a quoted pattern", node.span)
            return
        try:
            compile_pattern(node.value)
        except PatternError as err:
            self.error(codes.BAD_REGEX, err.message, node.span, err.hint)

    # ------------------------------------------------------------ built-in calls


def _type_word(type_: str) -> str:
    if type_.startswith("list:"):
        return "list"
    return {
        "bool": "true/false condition",
        "stage": "stage",
        "number": "number",
        "text": "text",
    }.get(type_, type_)


def _bool_hint(type_: str) -> str | None:
    if type_ == "number":
        return "compare it, like '>= 10'"
    if type_ == "text":
        return "compare it, like '== \"value\"'"
    if type_ == "stage":
        return "compare it, like 'stage >= consideration'"
    return None


def _compare_hint(e: ir.Compare, lt: str, rt: str) -> str | None:
    if {lt, rt} == {"number", "text"}:
        return "numbers are written without quotes; texts with them"
    if "stage" in (lt, rt):
        return "compare the lead's stage with a stage name, like 'stage >= consideration'"
    return None
