"""Shared test helpers (`runkit`) importable from every test folder, and a guard over every test:
a diagnostic made with a code that `dsl/codes.py` does not register, or with another severity than
the registry's, fails the test that made it."""

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def _only_registered_codes() -> Iterator[None]:
    from dsl.codes import REGISTRY
    from dsl.diagnostics import Diagnostic

    made = Diagnostic.__init__

    def checked(self: Diagnostic, *args: Any, **kwargs: Any) -> None:
        made(self, *args, **kwargs)
        info = REGISTRY.get(self.code)
        assert info is not None, f"diagnostic code {self.code!r} is not in dsl/codes.py"
        assert self.severity == info.severity, (
            f"diagnostic code {self.code!r} is registered as {info.severity}, "
            f"made as {self.severity}"
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Diagnostic, "__init__", checked)
        yield
