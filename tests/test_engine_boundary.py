"""Nothing outside `engine/` reads the engine's insides (DESIGN.md: "a small public API (no one
outside reads its private names)").

An AST walk over every module of dsl, simulator, live, cli, tui and bench:

- imports: only the package `engine` itself, and from it only the names of `engine.__all__`
  (never `engine.core`, `engine.model`, `engine.compiler.*`, `engine.runtime.*`);
- an engine object (a name or attribute called `engine`, `eng` or `*_engine`, a name assigned an
  `Engine(...)` or another engine object, `self` in a subclass of `Engine`) is only asked for
  the calls of `PUBLIC`, with `.name` or `getattr`/`hasattr` of a constant; nothing is assigned
  to or deleted from it (`setattr` neither);
- the `engine` module is only asked for the names of its `__all__`.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import engine
from engine import Engine

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("dsl", "simulator", "live", "cli", "tui", "bench")

# The engine's public calls (the `Engine` docstring lists the same)
PUBLIC = {
    "add_lead",
    "update_lead",
    "ingest",
    "ingest_fields",
    "lead_ids",
    "next_due",
    "advance",
    "explain",
    "trail",
    "view",
    "stage",
    "next_steps",
    "snapshot",
    "restore",
    "layout",
    "migrate",
    "pop_changed",
    "generated_source",
    "condition_probe",
}
ENGINE_NAMES = re.compile(r"(engine|eng|\w+_engine)")


def _final_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class Checker(ast.NodeVisitor):
    """Collects every use of the engine's insides in one module."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []
        self.aliases: set[str] = set()  # names holding an engine (assigned one)
        self.module_names: set[str] = set()  # names bound to the `engine` module
        self.self_is_engine = False

    def report(self, node: ast.AST, what: str) -> None:
        self.problems.append(f"{self.path}:{getattr(node, 'lineno', 0)}: {what}")

    # ------------------------------------------------------------ which objects

    def is_engine(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Call):  # Engine(...)
            return _final_name(node.func) == "Engine"
        name = _final_name(node)
        if name is None:
            return False
        if isinstance(node, ast.Name) and name == "self" and self.self_is_engine:
            return True
        if isinstance(node, ast.Name) and name in self.module_names:
            return False
        return bool(ENGINE_NAMES.fullmatch(name)) or (
            isinstance(node, ast.Name) and name in self.aliases
        )

    def learn_aliases(self, tree: ast.AST) -> None:
        """Names assigned an engine object (twice over: an alias of an alias)."""
        for _ in range(2):
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign) and self.is_engine(node.value):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self.aliases.add(target.id)

    # ------------------------------------------------------------ imports

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name == "engine":
                self.module_names.add(alias.asname or "engine")
            elif alias.name.startswith("engine."):
                self.report(node, f"imports {alias.name}")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if module.startswith("engine."):
            self.report(node, f"imports from {module}")
        elif module == "engine" and node.level == 0:
            for alias in node.names:
                if alias.name not in engine.__all__:
                    self.report(node, f"imports engine.{alias.name} (not in engine.__all__)")

    # ------------------------------------------------------------ uses

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        saved = self.self_is_engine
        self.self_is_engine = any(_final_name(b) == "Engine" for b in node.bases)
        self.generic_visit(node)
        self.self_is_engine = saved

    def visit_Attribute(self, node: ast.Attribute) -> None:
        value = node.value
        if isinstance(value, ast.Name) and value.id in self.module_names:
            if node.attr not in engine.__all__:
                self.report(node, f"engine.{node.attr} (not in engine.__all__)")
        elif self.is_engine(value):
            if not isinstance(node.ctx, ast.Load):
                self.report(node, f"sets or deletes .{node.attr} on the engine")
            elif node.attr not in PUBLIC:
                self.report(node, f".{node.attr} of the engine is not public")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _final_name(node.func)
        if name in ("getattr", "hasattr", "setattr", "delattr") and len(node.args) >= 2:
            target, attr = node.args[0], node.args[1]
            if self.is_engine(target) or (
                isinstance(target, ast.Name) and target.id in self.module_names
            ):
                if name in ("setattr", "delattr"):
                    self.report(node, f"{name} on the engine")
                elif not isinstance(attr, ast.Constant) or attr.value not in PUBLIC | set(
                    engine.__all__
                ):
                    self.report(node, f"{name}(engine, {ast.unparse(attr)}) is not public")
        if name in ("import_module", "__import__") and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and str(arg.value).startswith("engine."):
                self.report(node, f"imports {arg.value}")
        self.generic_visit(node)


def check_source(source: str, path: str = "<test>") -> list[str]:
    tree = ast.parse(source)
    checker = Checker(path)
    for node in ast.walk(tree):  # the module's names first: `import engine` anywhere in it
        if isinstance(node, ast.Import):
            checker.visit_Import(node)
    checker.problems.clear()
    checker.learn_aliases(tree)
    checker.visit(tree)
    return checker.problems


def _modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_nothing_outside_the_engine_reads_its_insides() -> None:
    problems = [
        problem
        for path in _modules()
        for problem in check_source(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert problems == []


def test_every_package_is_read() -> None:
    read = {p.relative_to(ROOT).parts[0] for p in _modules()}
    assert read == {"dsl", "simulator", "live", "cli", "tui", "bench"}


def test_the_public_calls_exist_documented_and_are_the_ones_the_engine_lists() -> None:
    for name in PUBLIC:
        member = getattr(Engine, name)
        assert callable(member) and inspect.getdoc(member), name
    listed = inspect.getdoc(Engine).split("Public calls")[1]
    assert set(re.findall(r"`(\w+)`", listed)) == PUBLIC


# What the code read before the engine had its public calls: each must be caught.
BEFORE = {
    "from engine.runtime.state import ProgState\n": "imports from engine.runtime.state",
    "from engine.model import Action\n": "imports from engine.model",
    "import engine.compiler.codegen\n": "imports engine.compiler.codegen",
    "from engine import Engine, CompiledProgram\n": "imports engine.CompiledProgram",
    "import engine\nx = engine.core.Engine\n": "engine.core (not in engine.__all__)",
    "def f(engine):\n    return [cp.path for cp in engine.progs]\n": ".progs of the engine",
    "def f(self, i):\n    self.engine.trace = i in self.traced\n": "sets or deletes .trace",
    "def f(engine, lead):\n    return getattr(engine, 'leads', {}).get(lead)\n": "getattr(engine",
    "eng = Engine([p])\nL = eng.leads['c']\n": ".leads of the engine",
    "def f(model):\n    return model.engine._run_due(1.0, [], True)\n": "._run_due of the",
    "e = Engine([p])\nq = e\nq.timers.first()\n": ".timers of the engine",
    "class R(Engine):\n    def f(self):\n        return self._tok\n": "._tok of the engine",
    "def f(engine):\n    setattr(engine, 'trace', True)\n": "setattr on the engine",
    "importlib.import_module('engine.runtime.state')\n": "imports engine.runtime.state",
    "def f(engine):\n    return engine.snapshot_lead('L1')\n": ".snapshot_lead of the engine",
}


def test_the_check_catches_what_the_code_did_before() -> None:
    for source, expected in BEFORE.items():
        problems = check_source(source)
        assert len(problems) == 1 and expected in problems[0], (source, problems)


def test_the_check_lets_the_public_calls_through() -> None:
    source = (
        "from engine import Engine, Event, Lead\n"
        "import engine\n"
        "def f(program, lead, store):\n"
        "    eng = Engine([program], trace=False)\n"
        "    eng.add_lead(Lead('L1', 0.0, {}), 0.0, trace=True)\n"
        "    data = eng.snapshot('L1', trail=False)\n"
        "    store.leads()\n"  # not an engine: a store's own `leads`
        "    return engine.Engine, getattr(eng, 'view'), data\n"
    )
    assert check_source(source) == []
