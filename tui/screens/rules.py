"""The rules screen: the tree of definitions, the highlighted file with its diagnostics, and the
selected definition with its forecast figures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Tree

from tui.widgets.detail import DetailPanel
from tui.widgets.outline_tree import OutlineTree
from tui.widgets.rules_view import RulesView

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from tui.app import NurtureApp
    from tui.outline import OutlineItem
    from tui.rulefile import RuleFile


class RulesScreen(Screen[None]):
    BINDINGS = [
        Binding("f", "next_file", "Next file", show=False),
        Binding("e", "next_error", "Next diagnostic"),
        Binding("tab", "focus_next", "Focus", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.file_index = 0
        self.selected: OutlineItem | None = None

    @property
    def nurture(self) -> NurtureApp:
        return self.app  # type: ignore[return-value]  # Screen.app is an App; ours

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rules-body"):
            yield OutlineTree(id="outline")
            with Vertical(id="rules-right"):
                yield RulesView(id="rules-view")
                yield DetailPanel(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "rule_files", self._files_changed, init=True)
        self.watch(self.app, "forecast", lambda _: self._show_detail(), init=False)
        self.watch(self.app, "theme", lambda _: self._redraw(), init=False)
        self.query_one(OutlineTree).focus()

    @property
    def rule_file(self) -> RuleFile:
        files = self.nurture.rule_files
        return files[min(self.file_index, len(files) - 1)]

    def _files_changed(self, _: object = None) -> None:
        f = self.rule_file
        self.sub_title = f"{f.path} — {f.summary()}"
        self.query_one(OutlineTree).show(f)
        self.selected = None
        self._redraw()

    def _redraw(self) -> None:
        self.query_one(RulesView).show(
            self.rule_file, self.selected.span if self.selected else None
        )
        self._show_detail()

    def _show_detail(self) -> None:
        forecast = self.nurture.forecast if self.file_index == 0 else None
        dark = self.app.current_theme.dark
        self.query_one(DetailPanel).show(self.selected, self.rule_file.source, forecast, dark)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[OutlineItem]) -> None:
        item = event.node.data
        if item is None or item.span is None:
            return
        self.select_item(item)

    def select_item(self, item: OutlineItem) -> None:
        self.selected = item
        self._redraw()
        if item.span is not None:
            self.query_one(RulesView).reveal(item.span.line)

    def reveal_line(self, line: int) -> None:
        self.query_one(RulesView).reveal(line)

    def action_next_file(self) -> None:
        self.file_index = (self.file_index + 1) % len(self.nurture.rule_files)
        self._files_changed()

    def action_next_error(self) -> None:
        """Scroll to the next diagnostic below the selection, wrapping round."""
        diags = [d for d in self.rule_file.diagnostics if d.span.line]
        if not diags:
            self.notify("No diagnostics in this file.")
            return
        here = self.selected.span.line if self.selected and self.selected.span else 0
        after = [d for d in diags if d.span.line > here] or diags
        d = after[0]
        from tui.outline import OutlineItem

        self.select_item(OutlineItem("diagnostic", d.message, d.span))
        self.notify(f"{d.span.line}:{d.span.column} {d.message}", severity=d.severity)
