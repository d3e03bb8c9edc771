"""The tree of a rule file: its definitions (or, for a broken file, its diagnostics)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Tree

from tui.outline import OutlineItem, outline

if TYPE_CHECKING:
    from textual.widgets.tree import TreeNode

    from tui.rulefile import RuleFile


def diagnostic_items(rule_file: RuleFile) -> list[OutlineItem]:
    """For a file without a program: one item per diagnostic, pointing at its line."""
    items = [
        OutlineItem(
            "diagnostic",
            f"{d.span.line}:{d.span.column} {d.severity}: {d.message}",
            d.span if d.span.line else None,
        )
        for d in rule_file.diagnostics
    ]
    return [OutlineItem("group", f"Errors ({len(rule_file.errors)})", None, None, items)]


class OutlineTree(Tree[OutlineItem]):
    """Each node's data is its `OutlineItem`; groups open, steps nested as in the file."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("rules", **kwargs)
        self.show_root = False
        self.guide_depth = 2

    def show(self, rule_file: RuleFile) -> None:
        self.clear()
        if rule_file.checking:
            items = [OutlineItem("group", "Checking…")]
        elif rule_file.program is None:
            items = diagnostic_items(rule_file)
        else:
            items = outline(rule_file.program, rule_file.source)
        for item in items:
            self._add(self.root, item, expand=True)
        self.root.expand()

    def _add(self, parent: TreeNode[OutlineItem], item: OutlineItem, expand: bool) -> None:
        if item.children:
            node = parent.add(item.label, data=item, expand=expand or item.kind == "sequence")
            for child in item.children:
                self._add(node, child, expand=item.kind in ("step", "group"))
        else:
            parent.add_leaf(item.label, data=item)

    def items(self) -> list[OutlineItem]:
        """Every item of the tree, depth first (for the command palette)."""
        out: list[OutlineItem] = []

        def walk(node: TreeNode[OutlineItem]) -> None:
            for child in node.children:
                if child.data is not None:
                    out.append(child.data)
                walk(child)

        walk(self.root)
        return out
