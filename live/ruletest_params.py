"""Params in rule tests (docs/TESTING.md, "Params"): the values a case runs its rule files with.

A test file may set params for every case (`params = { mql_at = 60 }` at the top) and a case for
itself (`params = { ... }` in the case, over the file's); `nurture test --set NAME=VALUE` sets a
param for every case that does not set it. So a case that sets a param pins what the rules do at
that value whatever the rule file says, and `--set` asks what the other cases would see with
another value. A param applies to each of the case's rule files that declares it.

Values are written as in a rule file: a number (`60`, or `"60"`), a duration or a percentage as a
text (`"3d"`, `"10%"`). A name no rule file of the case declares, a value of another kind or
outside the declared range is a mistake of the test file, at its key or value; a `--set` that no
rule file of the tests declares, or that does not fit one that does, is a `ParamError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from dsl import ParamError
from dsl.diagnostics import did_you_mean
from dsl.params import read_setting
from live.ruletest_reader import Path_, Reader, kind

if TYPE_CHECKING:
    from dsl import Rules
    from dsl.ir import Param
    from live.ruletest_spec import Case


def read_params(
    reader: Reader, top: object, own: object, path: Path_
) -> tuple[dict[str, str], dict[str, Path_]]:
    """The file's `params` with the case's over them, as written in a rule file (`60`, `3d`),
    and where each value is written."""
    values: dict[str, str] = {}
    paths: dict[str, Path_] = {}
    for table, where in ((top, ("params",)), (own, path + ("params",))):
        if table is None:
            continue
        if not isinstance(table, dict):
            reader.mistake(
                where, f"'params' must be a table, like {{ mql_at = 60 }}, not {kind(table)}"
            )
            continue
        for name, value in table.items():
            written = value_text(value)
            if written is None:
                reader.mistake(
                    where + (name,),
                    f"param '{name}' is a number or a text, not {kind(value)}",
                    f'like {name} = 60, or {name} = "3d" for a duration, "10%" for a percentage',
                )
                continue
            values[name], paths[name] = written, where + (name,)
    return values, paths


def value_text(value: object) -> str | None:
    """A TOML value as a rule file writes it: 60 -> `60`, 0.5 -> `0.5`, "3d" -> `3d`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f") if value == value else "nan"
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def check_set(rules: Sequence[Rules], settings: Mapping[str, str]) -> None:
    """`--set` against every rule file the tests run: each name declared by at least one, and
    each value fitting every file that declares it (a ParamError otherwise)."""
    declared = [{p.name: p for p in r.params} for r in rules]
    everything = sorted({name for d in declared for name in d})
    for name, raw in settings.items():
        owners = [(r, d[name]) for r, d in zip(rules, declared, strict=True) if name in d]
        if not owners:
            listed = f"the params: {', '.join(everything)}" if everything else "there are no params"
            raise ParamError(
                f"--set {name}={raw}: none of the tests' rule files has a param '{name}'",
                did_you_mean(name, everything) or listed,
            )
        for r, p in owners:

            def like(v: str, n: str = name) -> str:
                return f"--set {n}={v}"

            read_setting(p, raw, r.file, like, f"--set {name}={raw}")


Mistake = Callable[..., None]  # (path, message, hint, key=False): a mistake of the test file


def case_settings(
    mistake: Mistake, case: Case, rules: Sequence[Rules], cli: Mapping[str, str]
) -> list[dict[str, str]]:
    """For each of the case's rule files, the values it runs with: `--set`, then the test's
    own over them, each for the files that declare it; the test's mistakes recorded (a value
    that does not fit is left out, so that the others are still checked)."""
    declared: list[dict[str, Param]] = [{p.name: p for p in r.params} for r in rules]
    bad: set[str] = set()  # values named as mistakes: the files run without them
    for name, raw in case.params.items():
        where = case.param_paths[name]
        owners = [(r, d[name]) for r, d in zip(rules, declared, strict=True) if name in d]
        if not owners:
            known = sorted({n for d in declared for n in d})
            files = " nor ".join(r.file for r in rules)
            hint = did_you_mean(name, known) or (
                "the params: " + ", ".join(known) if known else f"{files} declares no param"
            )
            mistake(where, f"unknown param '{name}': {files} has none", hint, key=True)
            continue
        for r, p in owners:
            try:

                def like(v: str, n: str = name) -> str:
                    return _toml(n, v)

                read_setting(p, raw, r.file, like, "")
            except ParamError as err:
                mistake(where, err.message, err.hint)
                bad.add(name)
    out = []
    for d in declared:
        settings = {k: v for k, v in cli.items() if k in d}
        settings.update({k: v for k, v in case.params.items() if k in d and k not in bad})
        out.append(settings)
    return out


def _toml(name: str, value: str) -> str:
    """An example of a value as a test file writes it."""
    return f"{name} = {value}" if value[-1:].isdigit() else f'{name} = "{value}"'
