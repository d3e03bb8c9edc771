"""The registry of diagnostic codes (dsl/codes.py): every code emitted anywhere is in it, with
its severity, and docs/CODES.md is the registry as published.

Three nets, because a code can reach a user by three roads: the source (a scan of every call that
makes a diagnostic, and of every comparison with a code), the invalid-file corpus and the lint over
every shipped and example file (run here), and every other test (tests/conftest.py guards each
diagnostic any test makes).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dsl import check_source, codes, read_source
from dsl.codes import REGISTRY, markdown
from dsl.diagnostics import Diagnostic, DiagnosticError
from dsl.lint import lint

ROOT = Path(__file__).parents[2]
PACKAGES = ("dsl", "engine", "simulator", "live", "cli", "tui")
CODE_SHAPE = re.compile(r"[a-z]+(-[a-z]+)*")
CONSTANTS = {
    name: value
    for name, value in vars(codes).items()
    if name.isupper() and not name.startswith("_") and isinstance(value, str)
}


def test_codes_keep_their_spelling() -> None:
    """Codes are in `--json` output: scripts rely on them. These are the codes of 2026-12."""
    assert sorted(REGISTRY) == sorted(
        "io syntax tab bad-indent no-body unclosed-bracket unclosed-string bad-escape else-if "
        "missing-sign no-timeout bad-number bad-duration bad-percent bad-time reserved-word "
        "too-deep missing duplicate duplicate-decay unknown-name unknown-function "
        "unknown-channel not-a-value bare-event cycle first-stage stage-order type bad-call "
        "not-an-option bad-regex param-range number-range duration-range bad-cap bad-cost "
        "bad-limit no-enter no-steps "
        "header-after-step split-total not-a-task same-for-every-stage one-stage-content "
        "too-aggressive one-channel no-handoff nurture-forever later-stage-content unreachable "
        "unused-segment unreachable-threshold overlapping-sequences allow-without-reason "
        "allow-unknown-code allow-unused test-toml test-schema test-name".split()
    )
    assert codes.UNKNOWN_NAME == "unknown-name"
    assert REGISTRY["unused-segment"].severity == "warning"
    assert REGISTRY["unknown-name"].severity == "error"


def test_every_constant_names_its_registered_code() -> None:
    assert sorted(CONSTANTS.values()) == sorted(REGISTRY)
    for name, code in CONSTANTS.items():
        assert name == code.upper().replace("-", "_")


def test_every_code_has_a_one_line_meaning() -> None:
    for info in REGISTRY.values():
        assert info.meaning and "\n" not in info.meaning and "|" not in info.meaning, info.code


def test_docs_codes_page_is_the_registry() -> None:
    page = (ROOT / "docs" / "CODES.md").read_text(encoding="utf-8")
    assert page == markdown(), "regenerate it: python -m dsl.codes > docs/CODES.md"
    assert "| `unknown-name` | a stage, segment, event, content, score or attribute" in page


def test_the_language_page_links_the_codes() -> None:
    assert "(CODES.md)" in (ROOT / "docs" / "LANGUAGE.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ the source


def _code_makers(trees: dict[Path, ast.Module]) -> dict[str, int]:
    """Every function or method that takes a `code` parameter (and Diagnostic): its name and the
    position of `code` among the arguments a caller passes."""
    makers = {"Diagnostic": 0}
    for tree in trees.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names = [a.arg for a in node.args.args]
                if "code" in names:
                    offset = 1 if names[0] in ("self", "cls") else 0
                    makers[node.name] = names.index("code") - offset
    return makers


def _emitted(trees: dict[Path, ast.Module]) -> list[tuple[str, str]]:
    """(where, code) for every code the source writes down where a diagnostic is made or a
    code compared; a code given by a variable (passed through) is checked where it was made."""
    makers = _code_makers(trees)
    found: list[tuple[str, str]] = []

    def take(where: str, node: ast.expr) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if CODE_SHAPE.fullmatch(node.value):  # not a message given to another `error`
                found.append((where, node.value))
        elif isinstance(node, ast.Attribute) and ast.unparse(node.value) == "codes":
            found.append((where, CONSTANTS.get(node.attr, f"<no constant codes.{node.attr}>")))
        elif isinstance(node, ast.Tuple | ast.List | ast.Set):
            for item in node.elts:
                take(where, item)

    for path, tree in trees.items():
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in makers:
                    index = makers[name]
                    if len(node.args) > index:
                        take(where, node.args[index])
                    for keyword in node.keywords:
                        if keyword.arg == "code":
                            take(where, keyword.value)
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                if any(ast.unparse(side).endswith(".code") for side in sides):
                    for side in sides:
                        take(where, side)
            elif isinstance(node, ast.Attribute) and ast.unparse(node.value) == "codes":
                take(where, node)
    return found


def test_every_code_written_in_the_source_is_registered() -> None:
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "codes.py"
    }
    emitted = _emitted(trees)
    unregistered = [(where, code) for where, code in emitted if code not in REGISTRY]
    assert unregistered == []
    # the scan sees the makers of today: the checker's, the parser's, recovery's and lint's
    assert {code for _, code in emitted} >= {"syntax", "bad-indent", "unknown-name", "too-deep"}
    assert {code for _, code in emitted} >= {"unused-segment", "io", "bad-escape"}


def test_the_scan_finds_an_unregistered_code() -> None:
    source = (
        "class C:\n"
        "    def error(self, code, message):\n"
        "        pass\n"
        "    def check(self):\n"
        "        self.error('made-up-code', 'x')\n"
        "        Diagnostic(codes.NO_SUCH, 'y', span)\n"
        "        if d.code == 'another-one':\n"
        "            pass\n"
    )
    found = _emitted({ROOT / "x.py": ast.parse(source)})
    assert sorted(found) == [
        ("x.py:5", "made-up-code"),
        ("x.py:6", "<no constant codes.NO_SUCH>"),
        ("x.py:6", "<no constant codes.NO_SUCH>"),
        ("x.py:7", "another-one"),
    ]


# ------------------------------------------------------------------ files run through


def _diagnostics(path: Path) -> list[Diagnostic]:
    try:
        source = read_source(path)
    except DiagnosticError as err:
        return err.diagnostics
    program, found = check_source(source, path.name)
    return found + (lint(program) if program is not None else [])


CORPUS = sorted((ROOT / "tests" / "dsl" / "invalid").glob("*.nurture"))
CLEAN = sorted((ROOT / "rules").glob("*.nurture")) + sorted(
    (ROOT.parent / "shared" / "examples").glob("*.nurture")
)


@pytest.mark.parametrize("path", CORPUS + CLEAN, ids=lambda p: p.stem)
def test_every_code_the_files_give_is_registered(path: Path) -> None:
    for diag in _diagnostics(path):
        assert diag.code in REGISTRY, f"{diag.code!r} from {path.name}:{diag.span.line}"
        assert diag.severity == REGISTRY[diag.code].severity


def test_the_corpus_reaches_most_error_codes() -> None:
    """The invalid corpus is the spec of the checker's errors: it shows most of them."""
    seen = {d.code for path in CORPUS for d in _diagnostics(path)}
    errors = {code for code, info in REGISTRY.items() if info.severity == "error"}
    assert len(seen & errors) >= 30
    assert seen <= set(REGISTRY)


def test_a_missing_file_gives_the_io_code(tmp_path: Path) -> None:
    assert [d.code for d in _diagnostics(tmp_path / "none.nurture")] == ["io"]


def test_the_guard_refuses_a_diagnostic_with_an_unregistered_code() -> None:
    """tests/conftest.py: every diagnostic made in a test is checked against the registry."""
    from dsl.fastnode import new
    from dsl.ir import Span

    span = new(Span, line=1, column=1, end_line=1, end_column=2)
    with pytest.raises(AssertionError, match="'made-up' is not in dsl/codes.py"):
        Diagnostic("made-up", "m", span)
    with pytest.raises(AssertionError, match="registered as warning, made as error"):
        Diagnostic(codes.UNUSED_SEGMENT, "m", span)
