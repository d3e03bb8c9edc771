"""The rules screen, driven as a person would: the tree, a definition, a broken file, reload."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from tuikit import B2B, make_app, pilot_test, settle

from tui.screens.rules import RulesScreen
from tui.widgets.detail import DetailPanel
from tui.widgets.outline_tree import OutlineTree
from tui.widgets.rules_view import RulesView

BROKEN = """campaign "broken"
stages cold, warm
lead:
  kind: one of "a", "b"

segment hot: kind == "a" and not enterprize
"""


def source_text(screen: RulesScreen) -> str:
    return str(screen.query_one(RulesView).query_one("#source", Static).render())


def group_labels(tree: OutlineTree) -> list[str]:
    return [str(node.label) for node in tree.root.children]


@pilot_test
async def test_tree_groups_of_the_b2b_playbook() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        tree = app.screen.query_one(OutlineTree)
        assert group_labels(tree) == [
            "Stages",
            "Segments",
            "Scores",
            "Stage rules",
            "Lifecycle",
            "Sequences",
            "Handoffs",
            "Contents",
        ]
        assert app.screen.sub_title.endswith("b2b_saas_trial.nurture — 1 warning")


@pilot_test
async def test_selecting_a_segment_shows_its_definition() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        # no line is highlighted at first; then Stages, its 3 stages, Segments, enterprise
        await pilot.press(*["down"] * 6)
        await settle(app, pilot)
        screen = app.screen
        assert screen.selected.label == "enterprise"
        detail = str(screen.query_one(DetailPanel).render())
        assert detail.startswith("line 33\nsegment enterprise:")
        assert 'company_size >= 500 or industry in ["finance", "healthcare"]' in detail


@pilot_test
async def test_a_broken_file_opens_with_its_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "broken.nurture"
    path.write_text(BROKEN)
    app = make_app(str(path), scenario=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        tree = screen.query_one(OutlineTree)
        assert group_labels(tree) == ["Errors (1)"]
        only = tree.root.children[0].children[0]
        assert str(only.label) == "6:34 error: unknown name 'enterprize'"
        text = source_text(screen).split("\n")
        assert text[5] == '●   6 │ segment hot: kind == "a" and not enterprize'
        assert text[6] == (
            "      │ " + " " * 33 + "^^^^^^^^^^ error[unknown-name]: unknown name 'enterprize'"
        )
        assert text[7] == "      │ " + " " * 33 + (
            "= not a lead attribute, segment, score, stage or flag; declare it in the 'lead:' "
            "block or define it"
        )
        assert screen.sub_title.endswith("broken.nurture — 1 error")


@pilot_test
async def test_a_missing_file_opens_with_the_reason(tmp_path: Path) -> None:
    app = make_app(str(tmp_path / "gone.nurture"), scenario=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert source_text(app.screen) == "error[io]: no such file"


@pilot_test
async def test_reload_picks_up_a_fixed_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.nurture"
    path.write_text(BROKEN)
    app = make_app(str(path), scenario=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        path.write_text(BROKEN.replace("enterprize", 'kind == "b"'))
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        tree = app.screen.query_one(OutlineTree)
        assert group_labels(tree) == ["Stages", "Segments"]
        assert app.rule_files[0].program is not None


@pilot_test
async def test_a_changed_file_is_reloaded_without_a_key(tmp_path: Path) -> None:
    import os

    from tui import Launch, NurtureApp

    path = tmp_path / "rules.nurture"
    path.write_text(BROKEN)
    app = NurtureApp(Launch((str(path),), None, watch_seconds=0.05))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        path.write_text(BROKEN.replace("enterprize", 'kind == "b"'))
        stamp = os.stat(path).st_mtime + 5  # a later stamp, whatever the clock's resolution
        os.utime(path, (stamp, stamp))
        for _ in range(50):
            await pilot.pause(0.05)
            if app.rule_files[0].program is not None:
                break
        assert app.rule_files[0].program is not None
        assert group_labels(app.screen.query_one(OutlineTree)) == ["Stages", "Segments"]


@pilot_test
async def test_next_diagnostic_key_selects_the_lint_warning() -> None:
    app = make_app(B2B)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        warning = app.rule_files[0].warnings[0]
        assert app.screen.selected.span == warning.span
