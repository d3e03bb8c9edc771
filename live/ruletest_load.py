"""A rule test's rule files: each read once (`dsl.Rules`), checked with the values of the params
each case runs with (`live.ruletest_params`), and the case's names checked against them
(`live.ruletest_names`).

A rule file that cannot be read or does not check with its own values is kept with its
diagnostics, so the report can print them, and every case that names it does not run; so does a
case whose params do not fit its rule files (named at the param).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from dsl import DiagnosticError, ParamError, Rules, codes, read_source
from live.ruletest_names import add_mistake, check_names
from live.ruletest_params import case_settings

if TYPE_CHECKING:
    from dsl.diagnostics import Diagnostic
    from dsl.ir import Program
    from live.ruletest_spec import Case, TestFile


RuleCache = dict[str, "Rules | tuple[str, list[Diagnostic]]"]  # a rule file, or why it cannot run


def parse_rules(test: TestFile, cache: RuleCache) -> None:
    """Every rule file the test's cases name, read and checked once (into `cache`)."""
    for case in test.cases:
        for path in case.rules:
            if path not in cache:
                cache[path] = _parse(path)


def load_rules(test: TestFile, cache: RuleCache, cli: Mapping[str, str] | None = None) -> None:
    """Each case's programs, with its params in force (`live.ruletest_params`: `--set` in
    `cli`, then the test's own); a rule file that does not check is named at the case's
    `rules`, a param the case sets that its files do not know or refuse, at the param."""
    parse_rules(test, cache)
    for case in test.cases:
        ready: list[Rules] = []
        for path in case.rules:
            found = cache[path]
            if isinstance(found, tuple):
                test.rule_errors[path] = found
                add_mistake(test, case.rules_place, f"rule file '{path}': {_broken(found)}")
            else:
                ready.append(found)
        if len(ready) < len(case.rules):
            continue

        def mistake(path: tuple, message: str, hint: str | None = None, key: bool = False) -> None:
            places = test.places
            assert places is not None
            add_mistake(test, places.key(path) if key else places.of(path), message, hint)

        settings = case_settings(mistake, case, ready, cli or {})
        programs = [_program(test, case, r, s) for r, s in zip(ready, settings, strict=True)]
        if all(p is not None for p in programs):
            case.programs = programs  # type: ignore[assignment]  # no None: checked above
            check_names(test, case)


def _parse(path: str) -> Rules | tuple[str, list[Diagnostic]]:
    """The rule file read once, when it checks with its own values; else its text and errors
    (for the report)."""
    source = ""
    try:
        source = read_source(path)
        rules = Rules(source, path)
        program, diags = rules.check()
    except DiagnosticError as err:
        program, diags = None, err.diagnostics
    if program is None:
        return source, [d for d in diags if d.severity == "error"]
    return rules


def _broken(found: tuple[str, list[Diagnostic]]) -> str:
    diags = found[1]
    count = sum(1 for d in diags if d.severity == "error")
    if diags and diags[0].code == codes.IO:
        return diags[0].message
    return f"{count} error{'s' if count != 1 else ''} (shown above)"


def _program(test: TestFile, case: Case, rules: Rules, settings: dict[str, str]) -> Program | None:
    """The program with the case's values; None when the file does not check with them (a
    value its own checks refuse, e.g. a limit of 2.5: named at the value that makes it fail)."""
    program, diags = rules.check(settings)  # values that do not fit were left out (ParamError:
    if program is not None:  # only from --set, checked by check_set before any case)
        return program
    first = next(d for d in diags if d.severity == "error")
    written = [k for k in settings if k in case.param_paths]
    culprit = next((k for k in written if rules.check({k: settings[k]})[0] is None), None)
    if culprit is None:  # only --set values, or several together: the command line's mistake
        shown = ", ".join(f"{k} = {v}" for k, v in sorted(settings.items()))
        raise ParamError(
            f"--set: with {shown}, {rules.file} does not check: {_at(rules, first)}", first.hint
        )
    assert test.places is not None
    message = f"with {culprit} = {settings[culprit]}, {rules.file} does not check: "
    add_mistake(
        test, test.places.of(case.param_paths[culprit]), message + _at(rules, first), first.hint
    )
    return None


def _at(rules: Rules, d: Diagnostic) -> str:
    return f"{rules.file}:{d.span.line}:{d.span.column}: {d.message}"
