"""A scenario's validation errors in the product's words: what is wrong and what to write.

pydantic says "Input should be a valid dictionary or object to extract fields from"; a strategist
needs "readiness is a distribution: write readiness = { dist = "constant", value = 0.3 }". Each
error is turned into (field path, message) by its kind and by what the field at that path
expects, found by walking the scenario's models along the path (`expected`), so a field added to
the scenario is described without a change here. Messages never show pydantic's own text, except
for a check of ours (a `ValueError` raised by a validator), which is already in these words.
"""

from __future__ import annotations

import datetime
import difflib
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticUndefined

from simulator.distributions import Dist

Loc = tuple[object, ...]
KEY = "[key]"  # pydantic's marker of a table's key (not its value) in a path


@dataclass(frozen=True)
class Expected:
    """What the field at a path holds: its type (`annotation`), its name, and its FieldInfo
    when the path ends at a model's field (for the default and the description)."""

    annotation: object
    name: str
    info: FieldInfo | None = None
    default: object = PydanticUndefined  # an entry's default, read from its table's default


def _unwrap(annotation: object) -> object:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _members(annotation: object) -> tuple[object, ...]:
    """The members of a union (`X | Y`, `Optional`), else the annotation alone."""
    annotation = _unwrap(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return tuple(_unwrap(a) for a in typing.get_args(annotation))
    return (annotation,)


def _is_model(annotation: object) -> TypeGuard[type[BaseModel]]:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def tag_of(model: object) -> str | None:
    """A distribution's tag (`dist = "normal"`), None for any other model."""
    if not _is_model(model) or "dist" not in model.model_fields:
        return None
    args = typing.get_args(model.model_fields["dist"].annotation)
    return str(args[0]) if args else None


def _step(current: Expected, part: object) -> Expected | None:
    members = _members(current.annotation)
    tagged = [m for m in members if tag_of(m) == part]
    if tagged:  # a distribution's tag in the path: the member it names
        return Expected(tagged[0], current.name, current.info)
    for member in members:
        origin, args = typing.get_origin(member), typing.get_args(member)
        if _is_model(member) and isinstance(part, str) and part in member.model_fields:
            info = member.model_fields[part]
            return Expected(info.annotation, part, info)
        if origin is list and isinstance(part, int):
            return Expected(args[0], current.name)
        if origin is dict and part == KEY:
            return Expected(args[0], current.name)
        if origin is dict and isinstance(part, str):
            table = default_of(current)
            entry = table.get(part, PydanticUndefined) if isinstance(table, dict) else None
            return Expected(args[1], part, default=entry)
    return None


def expected(root: type[BaseModel], loc: Loc) -> Expected | None:
    """What the field at `loc` (a pydantic error's path) expects; None when the path leaves the
    models (a part pydantic adds, such as `function-after[...]`, is skipped)."""
    current = Expected(root, "")
    for part in loc:
        if isinstance(part, str) and part.startswith("function-"):
            continue
        step = _step(current, part)
        if step is None:
            return None
        current = step
    return current


# ------------------------------------------------------------------ what to write


def default_of(exp: Expected) -> object:
    """The field's default (PydanticUndefined when it has none)."""
    if exp.info is None:
        return exp.default
    if exp.info.default_factory is not None:
        return exp.info.default_factory()  # type: ignore[call-arg]  # ours take no argument
    return exp.info.default


def toml(value: object) -> str:
    """`value` as TOML would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    if isinstance(value, BaseModel):
        return toml({"dist": tag_of(type(value))} | value.model_dump(exclude_defaults=True))
    return repr(value)


def toml_key(key: object) -> str:
    """A table key as TOML spells it: bare when it can be, else quoted."""
    text = str(key)
    return (
        text
        if text and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)
        else toml(text)
    )


def shown(value: object) -> str:
    """The value the user gave, as the message quotes it."""
    text = value.isoformat() if isinstance(value, datetime.date | datetime.time) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def is_path_tag(part: object) -> bool:
    """Whether `part` of a pydantic error's path is one the TOML file does not spell: a
    distribution's tag, a validator's name or a table's key marker."""
    return isinstance(part, str) and (
        part in _dist_tags(Dist) or part.startswith("function-") or part == KEY
    )


def _dist_tags(annotation: object) -> list[str]:
    return [t for t in (tag_of(m) for m in _members(annotation)) if t]


def _example_dist(exp: Expected, got: object) -> str:
    """How to write a distribution for the field, starting from the value the user gave."""
    tags = _dist_tags(exp.annotation)
    name = exp.name
    if isinstance(got, str) and "choice" in tags:
        return (
            f'{name} = {{ dist = "constant", value = {toml(got)} }} (every lead the same), or '
            f'{name} = {{ dist = "choice", weights = {{ {toml_key(got)} = 3, other = 1 }} }}'
        )
    spread = default_of(exp)
    spread_text = (
        toml(spread)
        if isinstance(spread, BaseModel) and tag_of(type(spread)) != "constant"
        else '{ dist = "uniform", low = 0.1, high = 0.5 }'
    )
    if isinstance(got, int | float) and not isinstance(got, bool):
        return (
            f'{name} = {{ dist = "constant", value = {toml(got)} }} (every lead the same), '
            f"or a spread such as {name} = {spread_text}"
        )
    return f"{name} = {spread_text}, with dist one of {', '.join(tags)}"


def _example_value(exp: Expected, fallback: str) -> str:
    default = default_of(exp)
    shown_default = fallback if default in (PydanticUndefined, None) else toml(default)
    return f"{exp.name} = {shown_default}" if exp.name else shown_default


def what_to_write(exp: Expected, got: object, table: str = "") -> str:
    """What the field holds and how to write it: "a whole number: write leads = 1000";
    `table` is the field's dotted name (`personas.on_arrival`) for a table's header."""
    table = table or exp.name
    annotation = _unwrap(exp.annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if _dist_tags(annotation):
        return "a distribution: write " + _example_dist(exp, got)
    if origin is dict and typing.get_origin(args[0]) is Literal:
        keys = ", ".join(str(a) for a in typing.get_args(args[0]))
        return (
            f"a table of channel = number: write {exp.name} = {{ email = 1.0, sms = 0.8 }} "
            f"(channels: {keys})"
        )
    if origin is dict:
        return f"a table of name = value: write {exp.name} = {{ name = ... }}"
    if origin is list and any(_is_model(m) for m in _members(args[0])):
        return f"a list of tables: write each as [[{table}]] with its fields under it"
    if origin is list:
        return f"a list: write {exp.name} = [1, 2, 3]"
    if origin is Literal:
        return "one of " + ", ".join(toml(a) for a in args) + f": write {_example_value(exp, '')}"
    if _is_model(annotation):
        return f"a table: write [{table}] with its fields on the lines below it"
    if annotation is bool:
        return f"true or false: write {_example_value(exp, 'true')}"
    if annotation is int:
        return f"a whole number: write {_example_value(exp, '1')}"
    if annotation is float:
        return f"a number: write {_example_value(exp, '0.5')}"
    if annotation is str:
        return f"text in double quotes: write {_example_value(exp, chr(34) * 2)}"
    members = _members(annotation)
    if float in members and str in members:
        return f'a number or text in double quotes: write {exp.name} = 1 or {exp.name} = "a"'
    return f"a {getattr(annotation, '__name__', annotation)}"


# ------------------------------------------------------------------ one error


TYPE_ERRORS = {
    "int_parsing",
    "int_type",
    "int_from_float",
    "float_parsing",
    "float_type",
    "finite_number",
    "string_type",
    "bool_parsing",
    "bool_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "list_type",
    "literal_error",
    "enum",
}

BOUNDS = {
    "greater_than_equal": ("ge", "must be {} or more"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be {} or less"),
    "less_than": ("lt", "must be less than {}"),
}


def did_you_mean(name: object, names: list[str]) -> str:
    near = difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""


def _unknown_field(root: type[BaseModel], loc: Loc) -> str:
    name = str(loc[-1]) if loc else "?"
    container = expected(root, loc[:-1])
    models = [m for m in _members(container.annotation) if _is_model(m)] if container else []
    if not models:
        return f"unknown field '{name}'"
    fields = [f for f in models[0].model_fields if f != "dist"]
    near = did_you_mean(name, fields)
    tag = tag_of(models[0])
    if near:
        return f"unknown field '{name}'{near}"
    where = f"a {tag} distribution" if tag else "this table"
    return f"unknown field '{name}': {where} takes {', '.join(fields)}"


def _missing(exp: Expected | None, container: Expected | None) -> str:
    name = exp.name if exp else "?"
    members = _members(container.annotation) if container else ()
    model = next((m for m in members if _is_model(m)), None)
    tag = tag_of(model) if container else None
    if tag and model is not None:  # a tag is a model's
        needed = [n for n, f in model.model_fields.items() if f.is_required()]
        return f"'{name}' is missing: a {tag} distribution needs {' and '.join(needed)}"
    about = f" ({exp.info.description})" if exp and exp.info and exp.info.description else ""
    return f"'{name}' is missing{about}"


def _bad_tag(exp: Expected | None, ctx: dict[str, Any]) -> str:
    tag = str(ctx.get("tag", "?"))
    tags = _dist_tags(exp.annotation) if exp else []
    if tag == "choice" and "choice" not in tags:
        return f"this needs a number, and choice gives text: write dist = one of {', '.join(tags)}"
    return f"unknown distribution '{tag}'{did_you_mean(tag, tags)}: write dist = one of " + (
        ", ".join(tags)
    )


def describe(err: ErrorDetails, root: type[BaseModel]) -> tuple[Loc, str]:
    """(the path at fault, what is wrong and what to write) for one pydantic error of a
    scenario validated as `root`."""
    loc, kind = tuple(err["loc"]), err["type"]
    ctx, got = err.get("ctx") or {}, err.get("input")
    exp = expected(root, loc)
    if kind == "extra_forbidden":
        return loc, _unknown_field(root, loc)
    if kind == "missing":
        return loc, _missing(exp, expected(root, tuple(p for p in loc[:-1])))
    if kind == "union_tag_invalid":
        return loc, _bad_tag(exp, ctx)
    if kind == "union_tag_not_found" and exp is not None:
        tags = ", ".join(_dist_tags(exp.annotation))
        return loc, f"say which distribution: add dist = one of {tags}"
    if kind in BOUNDS:
        key, text = BOUNDS[kind]
        bound = ctx.get(key)
        limit = f"{bound:g}" if isinstance(bound, float) else str(bound)
        return loc, f"{text.format(limit)} (got {shown(got)})"
    if kind in ("value_error", "assertion_error"):
        return loc, str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if loc[-1:] == (KEY,):  # a table's key (e.g. a channel): the options are the key type's
        table = expected(root, loc[:-2])
        key_type = typing.get_args(_unwrap(table.annotation))[:1] if table else ()
        options = [str(a) for a in typing.get_args(_unwrap(key_type[0]))] if key_type else []
        if options:
            return loc, f"'{got}' is not one of {', '.join(options)}{did_you_mean(got, options)}"
    if kind in TYPE_ERRORS and exp is not None:
        if kind == "literal_error":
            options = [str(a) for a in typing.get_args(_unwrap(exp.annotation))]
            return loc, f"{shown(got)} is not {what_to_write(exp, got)}" + did_you_mean(
                got, options
            )
        table_name = ".".join(str(p) for p in loc if isinstance(p, str) and not is_path_tag(p))
        return loc, f"{shown(got)} is not {what_to_write(exp, got, table_name)}"
    return loc, f"{str(err['msg']).removeprefix('Value error, ')} (got {shown(got)})"
