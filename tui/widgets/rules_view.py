"""The rule file, highlighted, numbered, with its diagnostics under their lines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.highlight import render_source

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from dsl.ir import Span
    from tui.rulefile import RuleFile


class RulesView(VerticalScroll, can_focus=True):
    """Scrolls with the keys and the wheel; `show` lays out a file, `reveal` brings a line up."""

    DEFAULT_CLASSES = "rules-view"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows: dict[int, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="source", expand=True)

    def show(self, rule_file: RuleFile, selected: Span | None = None) -> None:
        dark = self.app.current_theme.dark if self.app.current_theme else True
        rendered = render_source(
            rule_file.source, rule_file.diagnostics, selected, dark, plain=rule_file.checking
        )
        self.rows = rendered.rows
        self.query_one("#source", Static).update(rendered.text)

    def reveal(self, line: int) -> None:
        """Scroll so that source line `line` sits near the top (its context above it)."""
        row = self.rows.get(line)
        if row is not None:
            self.scroll_to(y=max(row - 2, 0), animate=False)
